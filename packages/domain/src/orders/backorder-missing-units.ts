import { Prisma, type Tx } from '@ops-hub/db'
import type { Actor } from '../shared/actor.ts'
import { userError } from '../shared/errors.ts'
import { recordEvents, type OutboxMessage } from '../shared/outbox.ts'
import { openStockShortage } from './stock-shortage.ts'
import { orderMachine } from './order.machine.ts'
import { lockOrder } from './load-order.ts'
import { lockStock } from './lock-stock.ts'
import { recordOrderEvents, type TimelineEntry } from './order-timeline.ts'
import { releaseReservedUnits, type UnitsToRelease } from './release-reserved-units.ts'
import { statusAfterEdit } from './status-after-edit.ts'
import { BEFORE_PICK, cancelEmptiedWork } from './cancel-emptied-work.ts'

export interface MissingUnits {
  skuId: number
  locationId: number
  /** What the count does to on hand: the reserved units it leaves uncovered are the missing ones (read under lock). */
  onHandDelta: number
  /** Why, for the timeline and the exception ("OVERFLOW-3PL's count of 2026-03-16 reports 0"). */
  cause: string
}

export interface BackorderedWork {
  orderId: number
  number: string
  units: number
}

/**
 * A count (a 3PL's file, approved) shows that units reserved at a node are not there. Before anyone walks to an empty
 * shelf, the orders promised those units give them up: work not yet picked at that node, the least urgent first (the
 * latest ship-by, then the newest allocation), loses as many reserved units as are missing; each of its lines is
 * backordered by as much, a fulfillment order left without work is cancelled (its release slot returned), the order's
 * status follows, a STOCK_SHORTAGE exception goes to PROCUREMENT and the timeline says why. The units leave the
 * reservation with a `stock.available` event for the SKU, so the backorder worker re-sources them at once from any node
 * that has them - as it serves every backorder - or they wait for stock. Work already being picked keeps its units
 * (its pick will find the shelf short and re-source them): when that leaves too few to take back, INSUFFICIENT_STOCK
 * and nothing moves. Locks: the orders, their fulfillment orders, then counters and the position (the global order).
 */
export async function backorderMissingUnits(tx: Tx, missing: MissingUnits, actor: Actor, now = new Date()): Promise<BackorderedWork[]> {
  if (missing.onHandDelta >= 0) return []
  // The SKU's reservations at the node on work not yet picked: read once to know which orders to lock, again under the locks.
  const reservedBeforePick = Prisma.sql`allocations a
    JOIN order_lines ol ON ol.id = a.order_line_id JOIN fulfillment_orders fo ON fo.id = a.fulfillment_order_id
    WHERE a.status = 'RESERVED' AND a.location_id = ${missing.locationId} AND ol.sku_id = ${missing.skuId}
      AND fo.status::text = ANY(${BEFORE_PICK}::text[])`
  const candidates = await tx.$queryRaw<Array<{ order_id: number }>>`SELECT DISTINCT fo.order_id FROM ${reservedBeforePick} ORDER BY fo.order_id`
  const orders = []
  for (const c of candidates) orders.push(await lockOrder(tx, Number(c.order_id)))
  const orderIds = orders.map((o) => o.id)
  if (orderIds.length) await tx.$queryRaw`SELECT id FROM fulfillment_orders WHERE order_id = ANY(${orderIds}::int[]) ORDER BY id FOR UPDATE`
  const [position] = await lockStock(tx, { channelId: orders.map((o) => o.channelId), skuIds: [missing.skuId], locationIds: [missing.locationId] })
  // Under the locks: how many reserved units the count leaves uncovered (an order may have reserved meanwhile).
  const quantity = position ? Math.min(position.reserved, position.reserved + position.damaged + position.qualityControl - (position.onHand + missing.onHandDelta)) : 0
  if (quantity <= 0) return []

  // Read again under the locks, the locked orders' work only: the least urgent gives its units up first.
  const takeable = await tx.$queryRaw<Array<{ id: number; quantity: number; order_line_id: number; fulfillment_order_id: number; order_id: number }>>`
    SELECT a.id, a.quantity, a.order_line_id, a.fulfillment_order_id, fo.order_id FROM ${reservedBeforePick} AND fo.order_id = ANY(${orderIds}::int[])
    ORDER BY fo.ship_by DESC NULLS FIRST, a.id DESC`
  const available = takeable.reduce((s, a) => s + Number(a.quantity), 0)
  if (available < quantity) {
    throw userError(
      'INSUFFICIENT_STOCK',
      `${missing.cause}: ${quantity} reserved unit(s) are not there, but only ${available} belong to work not yet being picked; the picks under way will find the rest short and re-source it. Accept once they are done.`,
      ['input', 'id'],
    )
  }
  let left = quantity
  const byOrder = new Map<number, Array<{ units: UnitsToRelease; orderLineId: number; fulfillmentOrderId: number }>>()
  for (const a of takeable) {
    if (left === 0) break
    const quantity = Math.min(left, Number(a.quantity))
    left -= quantity
    const list = byOrder.get(Number(a.order_id)) ?? []
    list.push({
      units: { allocationId: Number(a.id), allocationQuantity: Number(a.quantity), skuId: missing.skuId, locationId: missing.locationId, quantity },
      orderLineId: Number(a.order_line_id),
      fulfillmentOrderId: Number(a.fulfillment_order_id),
    })
    byOrder.set(Number(a.order_id), list)
  }
  const { code: sku } = await tx.sku.findUniqueOrThrow({ where: { id: missing.skuId }, select: { code: true } })

  const done: BackorderedWork[] = []
  for (const order of orders) {
    const taken = byOrder.get(order.id)
    if (!taken) continue
    const events: OutboxMessage[] = []
    const released = await releaseReservedUnits(tx, order, taken.map((t) => t.units), actor, 'COUNT_SHORTFALL')
    events.push(...released.events)
    const perLine = new Map<number, number>()
    for (const t of taken) perLine.set(t.orderLineId, (perLine.get(t.orderLineId) ?? 0) + t.units.quantity)
    for (const [lineId, quantity] of perLine) {
      await tx.orderLine.update({ where: { id: lineId }, data: { allocatedQuantity: { decrement: quantity }, backorderedQuantity: { increment: quantity } } })
    }

    // Fulfillment orders left with no work are cancelled; a released one frees its slot of the node's day.
    const fos = await tx.fulfillmentOrder.findMany({ where: { orderId: order.id }, include: { location: { select: { code: true } } } })
    const work = await cancelEmptiedWork(tx, order.id, fos, new Set(taken.map((t) => t.fulfillmentOrderId)), now)
    events.push(...work.events)

    const total = released.total
    const timeline: TimelineEntry[] = [
      { kind: 'backorder', title: `${total} unit${total === 1 ? '' : 's'} of ${sku} backordered: not on the shelf`, detail: `${missing.cause}; the reservation was taken back before the pick, to be re-sourced from any node that has the SKU` },
      ...work.timeline,
    ]
    const lines = await tx.orderLine.findMany({ where: { orderId: order.id } })
    const next = statusAfterEdit(order.status, lines, fos.map((f) => (work.emptied.includes(f) ? { ...f, status: 'CANCELLED' as const } : f)))
    if (next !== order.status) {
      orderMachine.assertTransition(order.status, next, ['input', 'id'])
      timeline.push({ kind: 'status', fromStatus: order.status, toStatus: next, title: `Status after the count: ${next}`, detail: missing.cause })
      events.push({ topic: 'order.status_changed', aggregateType: 'Order', aggregateId: order.id, payload: { from: order.status, to: next, channelId: order.channelId } })
    }
    await tx.order.update({ where: { id: order.id }, data: { version: { increment: 1 }, ...(next !== order.status ? { status: next } : {}) } })
    const backordered = lines.filter((l) => !l.isBundle).reduce((s, l) => s + l.backorderedQuantity, 0)
    await openStockShortage(
      tx,
      order,
      backordered,
      `${missing.cause}: ${total} reserved unit(s) of ${sku} were not there`,
      lines.filter((l) => l.backorderedQuantity > 0).map((l) => ({ lineNumber: l.lineNumber, skuId: l.skuId, short: l.backorderedQuantity })),
    )
    events.push({ topic: 'order.changed', aggregateType: 'Order', aggregateId: order.id, payload: { change: 'count_shortfall', skuId: missing.skuId, locationId: missing.locationId, backorderedUnits: total } })
    await recordOrderEvents(tx, order.id, timeline, actor, now)
    await recordEvents(tx, events)
    done.push({ orderId: order.id, number: order.number, units: total })
  }
  return done
}
