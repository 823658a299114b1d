import { z } from 'zod'
import type { FulfillmentStatus, Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { DomainError, userError, type UserErrorData } from '../../shared/errors.ts'
import { recordEvents, type OutboxMessage } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'
import { getSetting } from '../../settings/settings.ts'
import { moveStock } from '../../inventory/ledger.ts'
import { availableOf } from '../../inventory/buckets.ts'
import { stockAvailableEvent } from '../../inventory/stock-available.ts'
import { lockFulfillmentOrder } from '../../warehouse/locks.ts'
import { holidaysFor } from '../../shipments/delivery-projection.ts'
import { LOW_CONFIDENCE_BUFFER } from '../allocate-order.ts'
import { fulfillmentMachine } from '../fulfillment.machine.ts'
import { orderMachine } from '../order.machine.ts'
import { recordOrderEvents, type TimelineEntry } from '../order-timeline.ts'
import { computePriority, computeShipBy } from '../ship-by.ts'
import { lockStock } from '../lock-stock.ts'
import { statusAfterEdit } from '../status-after-edit.ts'
import { idempotentOrderCommand, keepFulfillmentOrder } from '../idempotent-order-command.ts'
import { returnReleaseCapacity } from './cancel-order.ts'

export const moveFulfillmentOrderInput = z.object({
  fulfillmentOrderId: z.number().int().positive(),
  toLocationCode: codeSchema,
  reason: z.string().trim().max(1000).nullish(),
  idempotencyKey: z.string().trim().min(1).max(200).nullish(),
})

/** Work that has not reached the pickers: it can still change node. */
const MOVABLE: FulfillmentStatus[] = ['OPEN', 'ON_HOLD', 'RELEASED']

/**
 * Moves a fulfillment order that is not yet being picked to another active fulfilment node, all or nothing: under
 * the allocation lock order (channel counters, then positions by (sku, location)) every unit is first reserved at
 * the new node - only as much as is promisable there (available, less the low-confidence buffer), else
 * INSUFFICIENT_STOCK and nothing moves - and then released at the old one (`stock.available` there). The channel
 * holds as many units as before, so its counters and pools do not change. A released one goes back to the new
 * node's release queue (OPEN) and returns its slot of the old node's day; its ship-by follows the new node's clock.
 */
export async function moveFulfillmentOrder(tx: Tx, rawInput: z.input<typeof moveFulfillmentOrderInput>, actor: Actor, now = new Date()) {
  const input = parseInput(moveFulfillmentOrderInput, rawInput)
  const kept = keepFulfillmentOrder(tx)
  return idempotentOrderCommand(
    tx,
    {
      scope: 'moveFulfillmentOrder',
      input,
      actor,
      now,
      keep: {
        toResponse: (r) => kept.toResponse(r.fulfillmentOrder),
        replay: async (response) => {
          const fulfillmentOrder = await kept.replay(response)
          return { fulfillmentOrder, order: await tx.order.findUniqueOrThrow({ where: { id: fulfillmentOrder.orderId } }) }
        },
      },
    },
    () => move(tx, input, actor, now),
  )
}

async function move(tx: Tx, input: z.output<typeof moveFulfillmentOrderInput>, actor: Actor, now: Date) {
  const field = ['input', 'fulfillmentOrderId']
  await lockFulfillmentOrder(tx, input.fulfillmentOrderId)
  const fo = await tx.fulfillmentOrder.findUnique({
    where: { id: input.fulfillmentOrderId },
    include: {
      location: true,
      order: { include: { lines: true, fulfillmentOrders: { select: { id: true, status: true } } } },
      allocations: { where: { status: 'RESERVED' }, orderBy: { id: 'asc' }, include: { orderLine: { select: { skuId: true, sku: { select: { code: true } } } } } },
    },
  })
  if (!fo) throw userError('NOT_FOUND', `No fulfillment order ${input.fulfillmentOrderId}`, field)
  const to = await tx.location.findUnique({ where: { code: input.toLocationCode } })
  if (!to) throw userError('NOT_FOUND', `No location ${input.toLocationCode}`, ['input', 'toLocationCode'])
  if (!to.active || !to.isFulfillmentNode) {
    throw userError('INVALID_INPUT', `${to.code} is not an active fulfilment node (${to.kind}${to.active ? '' : ', inactive'})`, ['input', 'toLocationCode'])
  }
  if (to.id === fo.locationId) throw userError('INVALID_INPUT', `${fo.number} is already at ${to.code}`, ['input', 'toLocationCode'])
  if (!MOVABLE.includes(fo.status)) {
    const why = fo.status === 'PICKING' || fo.status === 'PACKED' ? 'picking has started' : `it is ${fo.status}`
    throw userError('ILLEGAL_TRANSITION', `${fo.number} cannot move: ${why} at ${fo.location.code}`, field)
  }
  const nextStatus: FulfillmentStatus = fo.status === 'RELEASED' ? 'OPEN' : fo.status
  if (nextStatus !== fo.status) fulfillmentMachine.assertTransition(fo.status, nextStatus, field)
  if (fo.allocations.length === 0) throw userError('INVALID_INPUT', `${fo.number} holds no reserved units to move`, field)

  const perSku = new Map<number, { code: string; quantity: number }>()
  for (const a of fo.allocations) {
    const s = perSku.get(a.orderLine.skuId) ?? { code: a.orderLine.sku.code, quantity: 0 }
    s.quantity += a.quantity
    perSku.set(a.orderLine.skuId, s)
  }
  const skuIds = [...perSku.keys()].sort((a, b) => a - b)
  const locked = await lockStock(tx, { channelId: fo.order.channelId, skuIds, locationIds: [fo.locationId, to.id] })

  // What the new node can promise, on the locked rows: the same rule allocation applies.
  const threshold = await getSetting(tx, 'inventory.confidenceThreshold')
  const short: UserErrorData[] = []
  for (const skuId of skuIds) {
    const { code, quantity } = perSku.get(skuId)!
    const p = locked.find((x) => x.skuId === skuId && x.locationId === to.id)
    const available = p ? availableOf(p) : 0
    const lowConfidence = !!p && p.confidence < threshold
    const promisable = lowConfidence ? available - Math.ceil(available * LOW_CONFIDENCE_BUFFER) : available
    if (quantity > promisable) {
      short.push({
        code: 'INSUFFICIENT_STOCK',
        field: ['input', 'toLocationCode'],
        message: `${to.code} cannot take ${quantity} x ${code}: ${promisable} promisable (available ${available}${lowConfidence ? `, confidence ${p!.confidence.toFixed(2)} below ${threshold} keeps ${available - promisable} back` : ''})`,
      })
    }
  }
  if (short.length) throw new DomainError(short)

  // Reserve at the new node first, then release at the old one: a unit is never unpromised in between.
  const events: OutboxMessage[] = []
  const reference = `order:${fo.order.number}`
  const metadata = { fulfillmentOrder: fo.number, from: fo.location.code, to: to.code }
  for (const skuId of skuIds) {
    const { quantity } = perSku.get(skuId)!
    const reserved = await moveStock(tx, {
      skuId, locationId: to.id, type: 'RESERVED', deltas: { reserved: quantity }, guard: 'available', actor,
      orderId: fo.orderId, reasonCode: 'FULFILLMENT_MOVED', referenceDocumentUri: reference, metadata,
    })
    events.push({ topic: 'stock.changed', aggregateType: 'StockPosition', aggregateId: reserved.id, payload: { skuId, locationId: to.id, reservedDelta: quantity, orderId: fo.orderId } })
  }
  for (const skuId of skuIds) {
    const { quantity } = perSku.get(skuId)!
    const released = await moveStock(tx, {
      skuId, locationId: fo.locationId, type: 'RELEASED', deltas: { reserved: -quantity }, actor,
      orderId: fo.orderId, reasonCode: 'FULFILLMENT_MOVED', referenceDocumentUri: reference, metadata,
    })
    events.push({ topic: 'stock.changed', aggregateType: 'StockPosition', aggregateId: released.id, payload: { skuId, locationId: fo.locationId, reservedDelta: -quantity, orderId: fo.orderId } })
  }
  events.push(stockAvailableEvent(fo.locationId, skuIds, 'RESERVATION_RELEASED', reference))

  await tx.allocation.updateMany({ where: { id: { in: fo.allocations.map((a) => a.id) } }, data: { locationId: to.id } })
  const shipBy = computeShipBy({ placedAt: fo.order.placedAt, serviceLevel: fo.order.serviceLevel, node: to, holidays: await holidaysFor(tx, to.id) })
  const priority = computePriority({ serviceLevel: fo.order.serviceLevel, placedAt: fo.order.placedAt, shipBy, now })
  const fulfillmentOrder = await tx.fulfillmentOrder.update({
    where: { id: fo.id },
    data: { locationId: to.id, status: nextStatus, shipBy, priority, ...(fo.status === 'RELEASED' ? { releasedAt: null } : {}) },
  })
  const capacityReturned = await returnReleaseCapacity(tx, [fo], now)

  const units = skuIds.map((s) => `${perSku.get(s)!.quantity} x ${perSku.get(s)!.code}`).join(', ')
  const timeline: TimelineEntry[] = [
    {
      kind: 'fulfillment_status',
      title: `${fo.number} moved from ${fo.location.code} to ${to.code}`,
      detail: `${units} reserved at ${to.code}, then released at ${fo.location.code}${fo.status === 'RELEASED' ? `; back in ${to.code}'s release queue` : ''}${input.reason ? ` - ${input.reason}` : ''}`,
    },
    ...capacityReturned.map((c) => ({ kind: 'warehouse', title: `Release capacity returned to ${c.code}`, detail: `${c.count} slot(s) of ${c.day} free again: ${fo.number} moved before its wave` })),
  ]
  events.push({
    topic: 'fulfillment.changed',
    aggregateType: 'FulfillmentOrder',
    aggregateId: fo.id,
    payload: { from: fo.status, to: nextStatus, locationId: to.id, fromLocationId: fo.locationId, orderId: fo.orderId, moved: true },
  })

  const order = fo.order
  const next = statusAfterEdit(order.status, order.lines, order.fulfillmentOrders.map((f) => (f.id === fo.id ? { ...f, status: nextStatus } : f)))
  const routing = order.routing as { summary?: string } | null
  const data: Record<string, unknown> = {
    version: { increment: 1 },
    ...(routing ? { routing: { ...routing, summary: `${routing.summary ?? ''} ${fo.number} moved from ${fo.location.code} to ${to.code} by ${actor.id}.`.trim() } } : {}),
  }
  if (next !== order.status) {
    orderMachine.assertTransition(order.status, next, field)
    data.status = next
    timeline.push({ kind: 'status', fromStatus: order.status, toStatus: next, title: `Waiting for release at ${to.code}`, detail: `${fo.number} left ${fo.location.code}'s floor before its wave` })
    events.push({ topic: 'order.status_changed', aggregateType: 'Order', aggregateId: order.id, payload: { from: order.status, to: next, channelId: order.channelId } })
  }
  const updated = await tx.order.update({ where: { id: order.id }, data })
  events.push({ topic: 'order.changed', aggregateType: 'Order', aggregateId: order.id, payload: { change: 'fulfillment_moved', fulfillmentOrderId: fo.id, locationIds: [fo.locationId, to.id] } })
  await recordOrderEvents(tx, order.id, timeline, actor, now)
  await recordEvents(tx, events)
  return { fulfillmentOrder, order: updated }
}
