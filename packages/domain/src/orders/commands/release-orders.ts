import { z } from 'zod'
import { Prisma, type FulfillmentOrderModel as FulfillmentOrder, type OrderStatus, type Tx } from '@ops-hub/db'
import { getSetting } from '../../settings/settings.ts'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { recordEvents, type OutboxMessage } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'
import { addDays, localParts, workingDay, zonedInstant } from '../business-calendar.ts'
import { fulfillmentMachine } from '../fulfillment.machine.ts'
import { orderMachine } from '../order.machine.ts'
import { recordOrderEvents } from '../order-timeline.ts'
import { releaseReserve, type ReleaseReserve } from '../release-reserve.ts'
import { releaseCapacity } from '../release-capacity.ts'

export const releaseOrdersInput = z.object({
  locationCode: codeSchema,
  limit: z.number().int().min(1, 'limit is at least 1').max(1000, 'limit is at most 1000').nullish(),
})

export interface HeldBack {
  fulfillmentOrder: FulfillmentOrder
  /** CAPACITY: the day is full; RESERVED_FOR_DUE_WORK: what is left is kept for work due that day, and this is due later. */
  code: 'CAPACITY' | 'RESERVED_FOR_DUE_WORK' | 'ORDER_ON_HOLD'
  reason: string
}

export interface ReleaseResult {
  locationId: number
  /** The node's working day the released work counts against (local date). */
  day: string
  afterCutoff: boolean
  /** Fulfillment orders the node can release per working day: the smaller of its pick and pack capacity. */
  capacity: number
  pickCapacity: number
  packCapacity: number
  /** Which daily capacity bounds release (PACK when packing is the smaller). */
  boundBy: 'PICK' | 'PACK'
  releasedBefore: number
  released: FulfillmentOrder[]
  heldBack: HeldBack[]
}

/** Why a release ran, for the timeline of every order it releases (the mutation: a person; the automation: its trigger). */
export interface ReleaseTrigger {
  /** e.g. "automatic release on allocation" or "automatic release, slot 10:30 (every 30 min)". */
  reason: string
}

/**
 * Work waiting for release: OPEN fulfillment orders (`fo`) of orders (`o`) that may be released. Release, automatic
 * release and work balancing read the same queue.
 */
export const releasableWork = (locationId: number | null = null): Prisma.Sql =>
  Prisma.sql`fo.status = 'OPEN' AND o.status IN ('ALLOCATED', 'PARTIALLY_ALLOCATED', 'RELEASED')${locationId === null ? Prisma.empty : Prisma.sql` AND fo.location_id = ${locationId}`}`

/** Work due by the working day's cut-off (the queue's at-risk work; what the release reserve is kept for). */
const dueBy = (cutoff: Date): Prisma.Sql => Prisma.sql`(fo.ship_by IS NOT NULL AND fo.ship_by <= ${cutoff})`

/**
 * The priority queue's order (fulfillment orders `fo`, their orders `o` and channels `c`): at-risk work - ship-by by
 * `atRiskBefore`, the working day's cut-off - soonest first, then ship day in the node's time zone, service level,
 * channel priority, order priority, age. Work balancing between nodes ranks a node's queue the same way.
 */
export function releaseQueueOrder(atRiskBefore: Date, timezone: string): Prisma.Sql {
  return Prisma.sql`${dueBy(atRiskBefore)} DESC,
      CASE WHEN fo.ship_by <= ${atRiskBefore} THEN fo.ship_by END ASC NULLS LAST,
      (fo.ship_by AT TIME ZONE ${timezone})::date ASC NULLS LAST,
      CASE o.service_level WHEN 'SAME_DAY' THEN 0 WHEN 'EXPRESS' THEN 1 ELSE 2 END,
      c.priority, fo.priority, o.placed_at, fo.id`
}

/**
 * Releases a node's open fulfillment orders to the floor from its priority queue - at-risk first (ship-by on or
 * before the working day's cut-off, soonest first), then by ship day (earliest first: work due tomorrow before work due
 * the day after, whatever its service level, so a standard order is not made late by newer express ones due later),
 * then same-day and express, then channel priority (lower first), then order priority, then age - as far as the node's daily capacity allows: every released fulfillment order is
 * picked and packed on its working day, so the smaller of the daily pick and pack capacities bounds it. After the
 * cut-off (or on a non-business day) today's capacity is closed: what is released counts against the next business
 * day's capacity instead. Work due after that working day may not take the share of it kept for work due that day
 * (`orders.releaseReserve`) until the reserve opens. Each released order's timeline says why, for which day, and the
 * capacity left after it.
 */
export async function releaseOrders(
  tx: Tx,
  rawInput: z.input<typeof releaseOrdersInput>,
  actor: Actor,
  now = new Date(),
  trigger: ReleaseTrigger = { reason: `released by ${actor.id}` },
): Promise<ReleaseResult> {
  const input = parseInput(releaseOrdersInput, rawInput)
  const limit = input.limit ?? 50
  const location = await tx.location.findUnique({ where: { code: input.locationCode } })
  if (!location || !location.active || !location.isFulfillmentNode) {
    throw userError('NOT_FOUND', `No active fulfilment node ${input.locationCode}`, ['input', 'locationCode'])
  }
  const today = localParts(now, location.timezone).date
  const holidayRows = await tx.holiday.findMany({
    where: { date: { gte: new Date(`${addDays(today, -1)}T00:00:00Z`), lte: new Date(`${addDays(today, 60)}T00:00:00Z`) }, OR: [{ locationId: null }, { locationId: location.id }] },
    select: { date: true },
  })
  const holidays = new Set(holidayRows.map((h) => h.date.toISOString().slice(0, 10)))
  const { day, afterCutoff } = workingDay(now, location, holidays)
  const atRiskBefore = zonedInstant(day, location.cutoffMinutes, location.timezone)
  const fifo = (await getSetting(tx, 'orders.releasePolicy')) === 'FIFO_UNBOUNDED'

  // Claim the queue head; SKIP LOCKED lets a concurrent release at the same node take the next ones instead.
  const queue = await tx.$queryRaw<Array<{ id: number; due: boolean }>>`
    SELECT fo.id, ${dueBy(atRiskBefore)} AS due FROM fulfillment_orders fo JOIN orders o ON o.id = fo.order_id JOIN channels c ON c.id = o.channel_id
    WHERE ${releasableWork(location.id)}
    ORDER BY ${fifo ? Prisma.sql`o.placed_at, fo.id` : releaseQueueOrder(atRiskBefore, location.timezone)}
    LIMIT ${limit}
    FOR UPDATE OF fo SKIP LOCKED`

  // Capacity is one conditional counter per node and working day, row-locked for the rest of the transaction.
  await tx.$executeRaw`
    INSERT INTO node_day_loads (location_id, day, released) VALUES (${location.id}, ${day}::date, 0)
    ON CONFLICT (location_id, day) DO NOTHING`
  const [load] = await tx.$queryRaw<Array<{ released: number }>>`
    SELECT released FROM node_day_loads WHERE location_id = ${location.id} AND day = ${day}::date FOR UPDATE`
  const releasedBefore = Number(load.released)
  const { capacity, boundBy } = releaseCapacity(location)
  // Part of the day is kept for work due that day that may still come in (same-day orders placed later), so work due
  // on later days cannot fill the day early - after the previous cut-off, over a weekend - until the reserve opens.
  const reserve: ReleaseReserve = fifo ? { units: 0, opensAt: atRiskBefore } : await releaseReserve(tx, capacity, atRiskBefore, now)
  const toRelease: number[] = []
  const overCapacity: number[] = []
  const heldForDueWork: number[] = []
  let taken = releasedBefore
  for (const r of queue) {
    // FIFO_UNBOUNDED (the scenario lab's naive baseline) releases the whole queue whatever the day's capacity.
    if (fifo || taken < capacity - (r.due ? 0 : reserve.units)) {
      toRelease.push(r.id)
      taken++
    } else (taken < capacity ? heldForDueWork : overCapacity).push(r.id)
  }
  if (toRelease.length) {
    await tx.$executeRaw`UPDATE node_day_loads SET released = released + ${toRelease.length} WHERE location_id = ${location.id} AND day = ${day}::date`
  }

  for (const _ of toRelease) fulfillmentMachine.assertTransition('OPEN', 'RELEASED')
  await tx.fulfillmentOrder.updateMany({ where: { id: { in: toRelease } }, data: { status: 'RELEASED', releasedAt: now } })
  const byId = new Map(
    (await tx.fulfillmentOrder.findMany({ where: { id: { in: [...toRelease, ...overCapacity, ...heldForDueWork] } } })).map((f) => [f.id, f]),
  )
  const released = toRelease.map((id) => byId.get(id)!)

  // An order moves to RELEASED once none of its fulfillment orders is still waiting to be released.
  const events: OutboxMessage[] = released.map((fo) => ({
    topic: 'fulfillment.released',
    aggregateType: 'FulfillmentOrder',
    aggregateId: fo.id,
    payload: { orderId: fo.orderId, locationId: fo.locationId, day, by: actor.id },
  }))
  // What each release left of the day's capacity, in release order: the timeline's "why" for that order.
  const leftAfter = new Map(released.map((fo, i) => [fo.id, capacity - releasedBefore - i - 1]))
  const why = (fo: FulfillmentOrder) =>
    `${fo.number}: ${trigger.reason}${afterCutoff ? `; after the cut-off, so it counts against ${day}` : ''}; capacity left for ${day}: ${leftAfter.get(fo.id)} of ${capacity} (pick ${location.dailyPickCapacity}/day, pack ${location.dailyPackCapacity}/day)`
  const orderIds = [...new Set(released.map((f) => f.orderId))]
  if (orderIds.length) {
    const orders = await tx.order.findMany({ where: { id: { in: orderIds } }, select: { id: true, status: true, channelId: true, fulfillmentOrders: { select: { status: true } } } })
    for (const o of orders) {
      const waiting = o.fulfillmentOrders.some((f) => f.status === 'OPEN' || f.status === 'ON_HOLD')
      const to: OrderStatus = 'RELEASED'
      const detail = released.filter((f) => f.orderId === o.id).map(why).join('. ')
      if (!waiting && o.status !== 'RELEASED' && orderMachine.can(o.status, to)) {
        await tx.order.update({ where: { id: o.id }, data: { status: to, version: { increment: 1 } } })
        events.push({ topic: 'order.status_changed', aggregateType: 'Order', aggregateId: o.id, payload: { from: o.status, to, channelId: o.channelId } })
        await recordOrderEvents(tx, o.id, [{ kind: 'status', fromStatus: o.status, toStatus: to, title: `Released to ${location.code} for ${day}`, detail }], actor, now)
      } else {
        await recordOrderEvents(tx, o.id, [{ kind: 'fulfillment_released', title: `Fulfillment released to ${location.code} for ${day}`, detail }], actor, now)
      }
    }
  }
  await recordEvents(tx, events)

  const capacityReason = `capacity reached: ${location.code} releases ${capacity} per day (${boundBy === 'PACK' ? 'pack' : 'pick'} capacity) and ${day} is full`
  const reserveReason = `${reserve.units} of ${location.code}'s ${capacity} releases for ${day} are kept for work due that day until ${reserve.opensAt.toISOString()}; this work is due later`
  const onHold = await tx.fulfillmentOrder.findMany({
    where: { locationId: location.id, OR: [{ status: 'ON_HOLD' }, { status: 'OPEN', order: { status: 'ON_HOLD' } }] },
    include: { order: { select: { holds: true, number: true } } },
    orderBy: { id: 'asc' },
    take: 50,
  })
  return {
    locationId: location.id,
    day,
    afterCutoff,
    capacity,
    pickCapacity: location.dailyPickCapacity,
    packCapacity: location.dailyPackCapacity,
    boundBy,
    releasedBefore,
    released,
    heldBack: [
      ...overCapacity.map((id) => ({ fulfillmentOrder: byId.get(id)!, code: 'CAPACITY' as const, reason: capacityReason })),
      ...heldForDueWork.map((id) => ({ fulfillmentOrder: byId.get(id)!, code: 'RESERVED_FOR_DUE_WORK' as const, reason: reserveReason })),
      ...onHold.map(({ order, ...fo }) => ({ fulfillmentOrder: fo, code: 'ORDER_ON_HOLD' as const, reason: `order ${order.number} is on hold (${order.holds.join(', ') || 'hold'})` })),
    ],
  }
}
