import { z } from 'zod'
import type { FulfillmentStatus, HoldReason, OrderStatus, Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { recordEvents, type OutboxMessage } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { stockAvailableEvent } from '../../inventory/stock-available.ts'
import { resolveOrderExceptions } from '../../exceptions/commands/resolve-exception.ts'
import { checkAddress } from '../address-checks.ts'
import { HOLD_EXCEPTIONS } from '../holds.ts'
import { allocateOrder } from '../allocate-order.ts'
import { orderMachine, OPEN_ORDER_STATUSES } from '../order.machine.ts'
import { fulfillmentMachine } from '../fulfillment.machine.ts'
import { lockOrder } from '../load-order.ts'
import { recordOrderEvents, type TimelineEntry } from '../order-timeline.ts'
import { lockStock } from '../lock-stock.ts'
import { releaseReservedUnits } from '../release-reserved-units.ts'
import { idempotentOrderCommand, keepOrder } from '../idempotent-order-command.ts'
import { openHoldExceptions, placeOrderInput, statusTitle } from './place-order.ts'
import { returnReleaseCapacity } from './cancel-order.ts'

export const updateOrderShipToInput = z.object({
  orderId: z.number().int().positive(),
  shipTo: placeOrderInput.shape.shipTo,
  reason: z.string().trim().max(1000).nullish(),
  idempotencyKey: z.string().trim().min(1).max(200).nullish(),
})

/** Statuses in which work stands still until a re-route: nothing released to a floor yet. */
const REROUTABLE: OrderStatus[] = ['VALIDATED', 'ALLOCATED', 'PARTIALLY_ALLOCATED', 'BACKORDERED']
const ON_THE_FLOOR: FulfillmentStatus[] = ['PICKING', 'PACKED', 'SHIPPED']

const oneLine = (a: { line1: string; line2?: string | null; city: string; region?: string | null; postalCode: string; country: string }) =>
  [a.line1, a.line2, a.city, a.region, a.postalCode, a.country].filter(Boolean).join(', ')

/**
 * Corrects an order's ship-to before picking starts, and re-validates it: an address that fails the carrier checks
 * puts the order (and its unreleased work) on an ADDRESS hold, keeping its reservations; one that passes clears an
 * ADDRESS hold. An order that is not on hold afterwards and has nothing released to a floor is routed again for
 * the new address: its reservations waiting for release are handed back and allocation runs afresh under the
 * allocation lock order, so the nearest node with stock wins (only what moved is re-promised elsewhere).
 */
export async function updateOrderShipTo(tx: Tx, rawInput: z.input<typeof updateOrderShipToInput>, actor: Actor, now = new Date()) {
  const input = parseInput(updateOrderShipToInput, rawInput)
  return idempotentOrderCommand(tx, { scope: 'updateOrderShipTo', input, actor, now, keep: keepOrder(tx) }, () => update(tx, input, actor, now))
}

async function update(tx: Tx, input: z.output<typeof updateOrderShipToInput>, actor: Actor, now: Date) {
  const order = await lockOrder(tx, input.orderId)
  if (actor.role === 'PARTNER' && actor.channelCode !== order.channel.code) throw userError('NOT_FOUND', `Order ${input.orderId} not found`, ['input', 'orderId'])
  await tx.$queryRaw`SELECT id FROM fulfillment_orders WHERE order_id = ${order.id} ORDER BY id FOR UPDATE`
  const fos = await tx.fulfillmentOrder.findMany({ where: { orderId: order.id }, include: { location: { select: { code: true } } }, orderBy: { id: 'asc' } })
  const onFloor = fos.filter((f) => ON_THE_FLOOR.includes(f.status))
  if (!OPEN_ORDER_STATUSES.includes(order.status) || onFloor.length) {
    const why = onFloor.length ? `picking has started (${onFloor.map((f) => `${f.number} ${f.status} at ${f.location.code}`).join(', ')})` : `it is ${order.status}`
    throw userError('ILLEGAL_TRANSITION', `The ship-to of order ${order.number} can no longer change: ${why}`, ['input', 'orderId'])
  }

  const s = input.shipTo
  const shipTo = {
    name: s.name.trim(), line1: s.line1.trim(), line2: s.line2?.trim() || null, city: s.city.trim(),
    region: s.region?.trim() || null, postalCode: s.postalCode.trim(), country: s.country.trim().toUpperCase(),
  }
  const before = { line1: order.shipToLine1, line2: order.shipToLine2, city: order.shipToCity, region: order.shipToRegion, postalCode: order.shipToPostalCode, country: order.shipToCountry }
  const timeline: TimelineEntry[] = [{ kind: 'ship_to_changed', title: 'Ship-to address changed', detail: `${oneLine(before)} -> ${oneLine(shipTo)}${input.reason ? ` - ${input.reason}` : ''}` }]
  const events: OutboxMessage[] = []
  let status: OrderStatus = order.status
  const move = (to: OrderStatus, title: string, detail?: string) => {
    orderMachine.assertTransition(status, to, ['input', 'orderId'])
    timeline.push({ kind: 'status', fromStatus: status, toStatus: to, title, detail })
    events.push({ topic: 'order.status_changed', aggregateType: 'Order', aggregateId: order.id, payload: { from: status, to, channelId: order.channelId } })
    status = to
  }
  let holds: HoldReason[] = order.holds
  const data: Record<string, unknown> = {
    shipToName: shipTo.name, shipToLine1: shipTo.line1, shipToLine2: shipTo.line2, shipToCity: shipTo.city,
    shipToRegion: shipTo.region, shipToPostalCode: shipTo.postalCode, shipToCountry: shipTo.country, version: { increment: 1 },
  }

  const problems = checkAddress(shipTo)
  if (problems.length) {
    // Held again: the reservations stay (customer service usually fixes an address within the hour); the work
    // waiting for or released to a floor is held back, and a released one gives its slot of the day back.
    const detail = problems.map((p) => p.message).join('; ')
    if (!holds.includes('ADDRESS')) holds = [...holds, 'ADDRESS']
    if (status !== 'ON_HOLD') move('ON_HOLD', 'On hold: ADDRESS', detail)
    const holding = fos.filter((f) => f.status === 'OPEN' || f.status === 'RELEASED')
    for (const f of holding) fulfillmentMachine.assertTransition(f.status, 'ON_HOLD')
    if (holding.length) await tx.fulfillmentOrder.updateMany({ where: { id: { in: holding.map((f) => f.id) } }, data: { status: 'ON_HOLD', releasedAt: null } })
    const returned = await returnReleaseCapacity(tx, holding, now)
    timeline.push(...returned.map((c) => ({ kind: 'warehouse', title: `Release capacity returned to ${c.code}`, detail: `${c.count} slot(s) of ${c.day} free again: held for its address` })))
    events.push(...holding.map((f) => ({ topic: 'fulfillment.changed' as const, aggregateType: 'FulfillmentOrder', aggregateId: f.id, payload: { from: f.status, to: 'ON_HOLD', locationId: f.locationId, orderId: order.id } })))
    await openHoldExceptions(tx, order, [{ hold: 'ADDRESS', detail, data: { problems } }])
  } else {
    if (holds.includes('ADDRESS')) {
      holds = holds.filter((h) => h !== 'ADDRESS')
      await resolveOrderExceptions(tx, order.id, [HOLD_EXCEPTIONS.ADDRESS.type], `Ship-to corrected by ${actor.id}`, actor)
      timeline.push({ kind: 'hold_released', title: 'Hold released: ADDRESS', detail: holds.length ? `The new address passes the checks. Still on hold: ${holds.join(', ')}` : 'The new address passes the checks' })
      if (status === 'ON_HOLD' && holds.length === 0) {
        move('VALIDATED', 'Validated: the corrected address passes the checks')
        await tx.fulfillmentOrder.updateMany({ where: { orderId: order.id, status: 'ON_HOLD' }, data: { status: 'OPEN' } })
      }
    }
    if (REROUTABLE.includes(status)) {
      const rerouted = await reroute(tx, { ...order, shipToCountry: shipTo.country, shipToRegion: shipTo.region, shipToPostalCode: shipTo.postalCode }, actor, now)
      timeline.push(...rerouted.timeline)
      events.push(...rerouted.events)
      Object.assign(data, rerouted.data)
      if (rerouted.lowConfidence) {
        holds = ['LOW_CONFIDENCE_STOCK']
        move('ON_HOLD', 'On hold: LOW_CONFIDENCE_STOCK', 'Part of the order depends on stock whose count is uncertain')
        await tx.fulfillmentOrder.updateMany({ where: { orderId: order.id, status: 'OPEN' }, data: { status: 'ON_HOLD' } })
      } else if (rerouted.status !== status) {
        move(rerouted.status, statusTitle(rerouted.status, rerouted.reservedUnits, rerouted.backorderedUnits))
      }
    } else if (status === 'RELEASED') {
      timeline.push({ kind: 'routing', title: 'Routing kept', detail: 'Every fulfillment order is already released to its floor; the new address goes on the label' })
    }
  }

  const updated = await tx.order.update({ where: { id: order.id }, data: { ...data, status, holds } })
  events.push({ topic: 'order.changed', aggregateType: 'Order', aggregateId: order.id, payload: { change: 'ship_to_updated', country: shipTo.country, postalCode: shipTo.postalCode } })
  await recordOrderEvents(tx, order.id, timeline, actor, now)
  await recordEvents(tx, events)
  return updated
}

/**
 * Routes the order's unreleased work again: hands back the reservations of its OPEN fulfillment orders and runs
 * allocation for everything not placed, with every lock it can need taken first in the global order. Fulfillment
 * orders left empty are cancelled; `stock.available` goes out only where units were freed on balance.
 */
async function reroute(
  tx: Tx,
  order: Awaited<ReturnType<typeof lockOrder>> & { shipToCountry: string; shipToRegion: string | null; shipToPostalCode: string },
  actor: Actor,
  now: Date,
) {
  const timeline: TimelineEntry[] = []
  const worked = order.lines.filter((l) => !l.isBundle)
  await lockStock(tx, { channelId: order.channelId, skuIds: worked.map((l) => l.skuId), locationIds: null })
  const open = await tx.fulfillmentOrder.findMany({ where: { orderId: order.id, status: 'OPEN' }, include: { location: { select: { code: true } } } })
  const held = await tx.allocation.findMany({ where: { fulfillmentOrderId: { in: open.map((f) => f.id) }, status: 'RESERVED' }, include: { orderLine: { select: { skuId: true } } } })
  const released = await releaseReservedUnits(
    tx,
    order,
    held.map((a) => ({ allocationId: a.id, allocationQuantity: a.quantity, skuId: a.orderLine.skuId, locationId: a.locationId, quantity: a.quantity })),
    actor,
    'ORDER_REROUTED',
  )
  const perLine = new Map<number, number>()
  for (const a of held) perLine.set(a.orderLineId, (perLine.get(a.orderLineId) ?? 0) + a.quantity)
  for (const [id, q] of perLine) await tx.orderLine.update({ where: { id }, data: { allocatedQuantity: { decrement: q } } })

  const lines = (await tx.orderLine.findMany({ where: { orderId: order.id, isBundle: false }, orderBy: { lineNumber: 'asc' } }))
  const outcome = await allocateOrder(tx, { ...order, shipBy: null }, lines, actor, { now })

  // Units re-reserved where they were released cancel out; only a net release makes stock promisable to others.
  const net = new Map([...released.byPosition].map(([k, p]) => [k, { ...p }]))
  for (const e of outcome.events) {
    const p = e.payload as { skuId?: number; locationId?: number; reservedDelta?: number } | undefined
    if (e.topic !== 'stock.changed' || !p?.skuId || !p.locationId) continue
    const entry = net.get(`${p.skuId}:${p.locationId}`)
    if (entry) entry.quantity -= p.reservedDelta ?? 0
  }
  const freed = [...net.values()].filter((p) => p.quantity > 0)
  const events: OutboxMessage[] = [
    ...released.events.filter((e) => e.topic !== 'stock.available'),
    ...outcome.events,
    ...[...new Set(freed.map((p) => p.locationId))].map((loc) => stockAvailableEvent(loc, freed.filter((p) => p.locationId === loc).map((p) => p.skuId), 'RESERVATION_RELEASED', `order:${order.number}`)),
  ]

  const working = new Set((await tx.allocation.findMany({ where: { orderLine: { orderId: order.id }, status: 'RESERVED' }, select: { fulfillmentOrderId: true } })).map((a) => a.fulfillmentOrderId))
  const emptied = open.filter((f) => !working.has(f.id))
  if (emptied.length) {
    for (const f of emptied) fulfillmentMachine.assertTransition(f.status, 'CANCELLED')
    await tx.fulfillmentOrder.updateMany({ where: { id: { in: emptied.map((f) => f.id) } }, data: { status: 'CANCELLED', cancelledAt: now } })
    events.push(...emptied.map((f) => ({ topic: 'fulfillment.changed' as const, aggregateType: 'FulfillmentOrder', aggregateId: f.id, payload: { from: f.status, to: 'CANCELLED', locationId: f.locationId, orderId: order.id, rerouted: true } })))
  }
  timeline.push({
    kind: 'routing',
    title: 'Routed again for the new address',
    detail: `${released.total ? `${released.total} reserved unit(s) handed back, then ` : ''}${outcome.routing.summary}${emptied.length ? ` ${emptied.map((f) => `${f.number} (${f.location.code})`).join(', ')} no longer needed.` : ''}`,
  })
  timeline.push(...outcome.timeline)
  return {
    status: outcome.status,
    lowConfidence: outcome.lowConfidence,
    reservedUnits: outcome.reservedUnits,
    backorderedUnits: outcome.backorderedUnits,
    timeline,
    events,
    data: { routing: outcome.routing as object, shipBy: outcome.shipBy, priority: outcome.priority },
  }
}
