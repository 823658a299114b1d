import { z } from 'zod'
import type { PickWaveStatus, Tx } from '@ops-hub/db'
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
import { pickTaskMachine, pickWaveMachine } from '../../warehouse/pick.machine.ts'
import { workingDay, type IsoDate } from '../business-calendar.ts'
import { holidaysFor } from '../../shipments/delivery-projection.ts'
import { stockAvailableEvent } from '../../inventory/stock-available.ts'

export const cancelOrderInput = z.object({
  orderId: z.number().int().positive(),
  reason: z.string().trim().min(1, 'Say why the order is cancelled').max(1000),
})

/**
 * Cancels an order before it ships: every reservation is released back to available (ledger RELEASED), the
 * channel's counters drop, allocations and fulfillment orders are cancelled and its open exceptions closed.
 * Work already in the warehouse is unwound: open pick tasks are cancelled and picked units go back to the bin
 * they came from (they never left on-hand, so only the bin count moves). Once anything has shipped the order
 * cannot be cancelled: the order machine refuses PARTIALLY_SHIPPED/SHIPPED (partial cancel is not offered).
 * A fulfillment order released today but not yet picked gives its slot of the node's release capacity back.
 */
export async function cancelOrder(tx: Tx, rawInput: z.input<typeof cancelOrderInput>, actor: Actor, now = new Date()) {
  const input = parseInput(cancelOrderInput, rawInput)
  const order = await lockOrder(tx, input.orderId)
  if (actor.role === 'PARTNER' && actor.channelCode !== order.channel.code) throw userError('NOT_FOUND', `Order ${input.orderId} not found`, ['input', 'orderId'])
  // Partial cancellation (only the unshipped fulfillment orders) is out of scope: the order machine has no
  // PARTIALLY_SHIPPED -> CANCELLED, and a refusal that says why beats the generic transition message.
  if (order.status === 'PARTIALLY_SHIPPED') {
    throw userError('ILLEGAL_TRANSITION', `Order ${order.number} has partly shipped; cancelling only its unshipped part is not supported`, ['input', 'orderId'])
  }
  orderMachine.assertTransition(order.status, 'CANCELLED', ['input', 'orderId'])
  // The fulfilment lock order (warehouse/locks.ts): the order, then its fulfillment orders, then pick tasks.
  // Packing and shipping hold the same locks, so cancel waits for them and then sees what they did.
  await tx.$queryRaw`SELECT id FROM fulfillment_orders WHERE order_id = ${order.id} ORDER BY id FOR UPDATE`
  const fos = await tx.fulfillmentOrder.findMany({ where: { orderId: order.id, status: { not: 'CANCELLED' } } })
  for (const fo of fos) fulfillmentMachine.assertTransition(fo.status, 'CANCELLED', ['input', 'orderId'])

  const putBack = await unwindPicking(tx, fos.filter((f) => f.status === 'PICKING' || f.status === 'PACKED').map((f) => f.id), now)

  // Picked units stay reserved until shipment, so PICKED allocations are released like unpicked ones.
  const allocations = await tx.allocation.findMany({
    where: { orderLine: { orderId: order.id }, status: { in: ['RESERVED', 'PICKED'] } },
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
    // The released units are promisable again: backorders of those SKUs are served from them first.
    for (const locationId of [...new Set(positions.map((p) => p.locationId))]) {
      events.push(stockAvailableEvent(locationId, positions.filter((p) => p.locationId === locationId).map((p) => p.skuId), 'RESERVATION_RELEASED', `order:${order.number}`))
    }
  }
  await tx.allocation.updateMany({ where: { id: { in: allocations.map((a) => a.id) } }, data: { status: 'CANCELLED' } })
  await tx.fulfillmentOrder.updateMany({ where: { id: { in: fos.map((f) => f.id) } }, data: { status: 'CANCELLED', cancelledAt: now } })
  const capacityReturned = await returnReleaseCapacity(tx, fos, now)
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
    [
      ...putBack.map((b) => ({
        kind: 'warehouse',
        title: `Picked units returned to bin ${b.binCode}`,
        detail: `${b.foNumber}: ${b.quantity} x ${b.skuCode} put back in ${b.binCode}`,
      })),
      ...(putBack.cancelledTasks ? [{ kind: 'warehouse', title: 'Open pick tasks cancelled', detail: `${putBack.cancelledTasks} open pick task(s) cancelled` }] : []),
      ...fos.map((fo) => ({ kind: 'fulfillment_status', title: `${fo.number} cancelled`, detail: `${fo.number}: ${fo.status} -> CANCELLED` })),
      ...capacityReturned.map((c) => ({ kind: 'warehouse', title: `Release capacity returned to ${c.code}`, detail: `${c.count} slot(s) of ${c.day} free again: released, not yet picked` })),
      { kind: 'status', fromStatus: order.status, toStatus: 'CANCELLED', title: 'Order cancelled', detail: `${input.reason}${released ? ` - ${released} reserved unit(s) released` : ''}` },
    ],
    actor,
  )
  await recordEvents(tx, [
    ...events,
    { topic: 'order.status_changed', aggregateType: 'Order', aggregateId: order.id, payload: { from: order.status, to: 'CANCELLED', channelId: order.channelId } },
    { topic: 'order.cancelled', aggregateType: 'Order', aggregateId: order.id, payload: { reason: input.reason, releasedUnits: released } },
    ...fos.map((fo) => ({ topic: 'fulfillment.changed' as const, aggregateType: 'FulfillmentOrder', aggregateId: fo.id, payload: { from: fo.status, to: 'CANCELLED', locationId: fo.locationId, orderId: order.id } })),
  ])
  return updated
}

/**
 * A fulfillment order released but not yet picked used one slot of its node's daily release capacity; cancelling
 * it frees that slot, so releaseOrders can send other work today. Only for the day it counted against (its
 * release instant's working day) and only while that day is still the node's current or a coming working day -
 * past days keep their history. Runs after the fulfillment orders are locked, and locks the day's counter after
 * them, as releaseOrders does (fulfillment orders, then node_day_loads).
 */
export async function returnReleaseCapacity(tx: Tx, fos: Array<{ status: string; locationId: number; releasedAt: Date | null }>, now: Date) {
  const released = fos.filter((f) => f.status === 'RELEASED' && f.releasedAt)
  if (released.length === 0) return []
  const locations = await tx.location.findMany({ where: { id: { in: [...new Set(released.map((f) => f.locationId))] } } })
  const calendars = new Map<number, Awaited<ReturnType<typeof holidaysFor>>>()
  for (const l of locations) calendars.set(l.id, await holidaysFor(tx, l.id))
  const slots = new Map<string, { locationId: number; code: string; day: IsoDate; count: number }>()
  for (const fo of released) {
    const location = locations.find((l) => l.id === fo.locationId)!
    const days = calendars.get(location.id)!
    const day = workingDay(fo.releasedAt!, location, days).day
    if (day < workingDay(now, location, days).day) continue
    const key = `${location.id}:${day}`
    const slot = slots.get(key) ?? { locationId: location.id, code: location.code, day, count: 0 }
    slot.count++
    slots.set(key, slot)
  }
  for (const s of [...slots.values()].sort((a, b) => a.locationId - b.locationId || a.day.localeCompare(b.day))) {
    await tx.$executeRaw`UPDATE node_day_loads SET released = GREATEST(0, released - ${s.count}) WHERE location_id = ${s.locationId} AND day = ${s.day}::date`
  }
  return [...slots.values()]
}

type PutBack = Array<{ foNumber: string; binCode: string; skuCode: string; quantity: number }> & {
  cancelledTasks: number
  waves: Array<{ id: number; from: PickWaveStatus; to: PickWaveStatus }>
}

/**
 * Unwinds warehouse work on fulfillment orders being picked or packed: open tasks are cancelled, units already
 * picked (full or short) return to their bin, and a wave left without open tasks is closed (cancelled if none of
 * its tasks was worked, otherwise completed).
 */
async function unwindPicking(tx: Tx, foIds: number[], now: Date): Promise<PutBack> {
  const result = Object.assign([], { cancelledTasks: 0, waves: [] }) as PutBack
  if (foIds.length === 0) return result
  await tx.$queryRaw`SELECT id FROM pick_tasks WHERE fulfillment_order_id = ANY(${foIds}::int[]) ORDER BY id FOR UPDATE`
  const tasks = await tx.pickTask.findMany({
    where: { fulfillmentOrderId: { in: foIds } },
    include: { bin: { select: { code: true } }, sku: { select: { code: true } }, fulfillmentOrder: { select: { number: true } } },
    orderBy: [{ binId: 'asc' }, { skuId: 'asc' }],
  })
  const open = tasks.filter((t) => t.status === 'OPEN')
  for (const t of open) pickTaskMachine.assertTransition(t.status, 'CANCELLED')
  if (open.length) {
    await tx.pickTask.updateMany({ where: { id: { in: open.map((t) => t.id) } }, data: { status: 'CANCELLED' } })
    result.cancelledTasks = open.length
  }
  const perBin = new Map<string, PutBack[number] & { binId: number; skuId: number }>()
  for (const t of tasks) {
    if ((t.status !== 'PICKED' && t.status !== 'SHORT') || t.pickedQuantity <= 0) continue
    const key = `${t.binId}:${t.skuId}:${t.fulfillmentOrderId}`
    const entry = perBin.get(key) ?? { binId: t.binId, skuId: t.skuId, foNumber: t.fulfillmentOrder.number, binCode: t.bin.code, skuCode: t.sku.code, quantity: 0 }
    entry.quantity += t.pickedQuantity
    perBin.set(key, entry)
  }
  for (const e of perBin.values()) {
    await tx.$executeRaw`
      INSERT INTO bin_stocks (bin_id, sku_id, quantity) VALUES (${e.binId}, ${e.skuId}, ${e.quantity})
      ON CONFLICT (bin_id, sku_id) DO UPDATE SET quantity = bin_stocks.quantity + EXCLUDED.quantity`
    result.push({ foNumber: e.foNumber, binCode: e.binCode, skuCode: e.skuCode, quantity: e.quantity })
  }
  const waveIds = [...new Set(tasks.map((t) => t.waveId))].sort((a, b) => a - b)
  for (const waveId of waveIds) {
    const wave = await tx.pickWave.findUniqueOrThrow({ where: { id: waveId }, include: { tasks: { select: { status: true } } } })
    if (wave.status === 'COMPLETED' || wave.status === 'CANCELLED' || wave.tasks.some((t) => t.status === 'OPEN')) continue
    const to: PickWaveStatus = wave.tasks.every((t) => t.status === 'CANCELLED') ? 'CANCELLED' : 'COMPLETED'
    pickWaveMachine.assertTransition(wave.status, to)
    await tx.pickWave.update({ where: { id: waveId }, data: { status: to, ...(to === 'COMPLETED' ? { completedAt: now } : {}) } })
    result.waves.push({ id: waveId, from: wave.status, to })
  }
  return result
}
