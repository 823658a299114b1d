import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { recordEvents, type OutboxMessage } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { moveStock } from '../../inventory/ledger.ts'
import { adjustChannelCounters, lockChannelCounters } from '../../channels/channel-reservations.ts'
import { resolveOrderExceptions } from '../../exceptions/commands/resolve-exception.ts'
import { orderMachine } from '../order.machine.ts'
import { fulfillmentMachine } from '../fulfillment.machine.ts'
import { lockOrder } from '../load-order.ts'
import { recordOrderEvents } from '../order-timeline.ts'

export const cancelOrderInput = z.object({
  orderId: z.number().int().positive(),
  reason: z.string().trim().min(1, 'Say why the order is cancelled').max(1000),
})

/**
 * Cancels an order before it ships: every reservation is released back to available (ledger RELEASED), the
 * channel's counters drop, allocations and fulfillment orders are cancelled and its open exceptions closed.
 * Fulfillment orders already being picked or packed block the cancellation (the units are off the shelf).
 */
export async function cancelOrder(tx: Tx, rawInput: z.input<typeof cancelOrderInput>, actor: Actor, now = new Date()) {
  const input = parseInput(cancelOrderInput, rawInput)
  const order = await lockOrder(tx, input.orderId)
  if (actor.role === 'PARTNER' && actor.channelCode !== order.channel.code) throw userError('NOT_FOUND', `Order ${input.orderId} not found`, ['input', 'orderId'])
  orderMachine.assertTransition(order.status, 'CANCELLED', ['input', 'orderId'])
  const fos = await tx.fulfillmentOrder.findMany({ where: { orderId: order.id, status: { not: 'CANCELLED' } } })
  for (const fo of fos) fulfillmentMachine.assertTransition(fo.status, 'CANCELLED', ['input', 'orderId'])

  const allocations = await tx.allocation.findMany({
    where: { orderLine: { orderId: order.id }, status: 'RESERVED' },
    include: { orderLine: { select: { skuId: true } } },
  })
  const perPosition = new Map<string, { skuId: number; locationId: number; quantity: number }>()
  for (const a of allocations) {
    const key = `${a.orderLine.skuId}:${a.locationId}`
    const p = perPosition.get(key) ?? { skuId: a.orderLine.skuId, locationId: a.locationId, quantity: 0 }
    p.quantity += a.quantity
    perPosition.set(key, p)
  }
  const positions = [...perPosition.values()].sort((a, b) => a.skuId - b.skuId || a.locationId - b.locationId)
  const events: OutboxMessage[] = []
  if (positions.length) {
    const perSku = new Map<number, number>()
    for (const p of positions) perSku.set(p.skuId, (perSku.get(p.skuId) ?? 0) - p.quantity)
    // Same lock order as reservations: channel counters, then positions by (sku, location).
    await lockChannelCounters(tx, [...perSku.keys()].map((skuId) => ({ skuId, channelId: order.channelId })))
    await adjustChannelCounters(tx, order.channelId, perSku)
    for (const p of positions) {
      const moved = await moveStock(tx, {
        skuId: p.skuId,
        locationId: p.locationId,
        type: 'RELEASED',
        deltas: { reserved: -p.quantity },
        actor,
        orderId: order.id,
        reasonCode: 'ORDER_CANCELLED',
        referenceDocumentUri: `order:${order.number}`,
      })
      events.push({ topic: 'stock.changed', aggregateType: 'StockPosition', aggregateId: moved.id, payload: { skuId: p.skuId, locationId: p.locationId, reservedDelta: -p.quantity, orderId: order.id } })
    }
  }
  await tx.allocation.updateMany({ where: { id: { in: allocations.map((a) => a.id) } }, data: { status: 'CANCELLED' } })
  await tx.fulfillmentOrder.updateMany({ where: { id: { in: fos.map((f) => f.id) } }, data: { status: 'CANCELLED', cancelledAt: now } })
  await tx.$executeRaw`
    UPDATE order_lines SET cancelled_quantity = quantity - shipped_quantity, allocated_quantity = 0, backordered_quantity = 0
    WHERE order_id = ${order.id}`
  await resolveOrderExceptions(tx, order.id, null, `Order cancelled: ${input.reason}`, actor)

  const updated = await tx.order.update({
    where: { id: order.id },
    data: { status: 'CANCELLED', holds: [], cancelReason: input.reason, cancelledAt: now, version: { increment: 1 } },
  })
  const released = positions.reduce((s, p) => s + p.quantity, 0)
  await recordOrderEvents(
    tx,
    order.id,
    [{ kind: 'status', fromStatus: order.status, toStatus: 'CANCELLED', title: 'Order cancelled', detail: `${input.reason}${released ? ` - ${released} reserved unit(s) released` : ''}` }],
    actor,
  )
  await recordEvents(tx, [
    ...events,
    { topic: 'order.status_changed', aggregateType: 'Order', aggregateId: order.id, payload: { from: order.status, to: 'CANCELLED', channelId: order.channelId } },
    { topic: 'order.cancelled', aggregateType: 'Order', aggregateId: order.id, payload: { reason: input.reason, releasedUnits: released } },
    ...fos.map((fo) => ({ topic: 'fulfillment.changed' as const, aggregateType: 'FulfillmentOrder', aggregateId: fo.id, payload: { from: fo.status, to: 'CANCELLED', locationId: fo.locationId } })),
  ])
  return updated
}
