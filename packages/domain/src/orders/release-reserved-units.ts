import type { Tx } from '@ops-hub/db'
import type { Actor } from '../shared/actor.ts'
import type { OutboxMessage } from '../shared/outbox.ts'
import { moveStock } from '../inventory/ledger.ts'
import { stockAvailableEvent } from '../inventory/stock-available.ts'
import { adjustChannelCounters } from '../channels/channel-reservations.ts'

/** Units of one RESERVED allocation to hand back. */
export interface UnitsToRelease {
  allocationId: number
  allocationQuantity: number
  skuId: number
  locationId: number
  quantity: number
}

export interface ReleasedUnits {
  /** Units handed back per position ("sku:location"). */
  byPosition: Map<string, { skuId: number; locationId: number; quantity: number }>
  total: number
  events: OutboxMessage[]
}

/**
 * Hands reserved units of an order back to available: one RELEASED ledger movement per position, the channel's
 * counters down by as much, and each allocation shrunk (or CANCELLED when nothing is left of it). The caller has
 * taken the locks (lockStock) and keeps the order lines' counters. Records `stock.available` per node, so
 * backorders waiting for those SKUs there can be served.
 */
export async function releaseReservedUnits(
  tx: Tx,
  order: { id: number; number: string; channelId: number },
  units: UnitsToRelease[],
  actor: Actor,
  reasonCode: string,
): Promise<ReleasedUnits> {
  const byPosition = new Map<string, { skuId: number; locationId: number; quantity: number }>()
  const byAllocation = new Map<number, { quantity: number; taken: number }>()
  for (const u of units) {
    if (u.quantity <= 0) continue
    const key = `${u.skuId}:${u.locationId}`
    const p = byPosition.get(key) ?? { skuId: u.skuId, locationId: u.locationId, quantity: 0 }
    p.quantity += u.quantity
    byPosition.set(key, p)
    const a = byAllocation.get(u.allocationId) ?? { quantity: u.allocationQuantity, taken: 0 }
    a.taken += u.quantity
    byAllocation.set(u.allocationId, a)
  }
  const events: OutboxMessage[] = []
  const positions = [...byPosition.values()].sort((a, b) => a.skuId - b.skuId || a.locationId - b.locationId)
  if (positions.length === 0) return { byPosition, total: 0, events }

  const perSku = new Map<number, number>()
  for (const p of positions) perSku.set(p.skuId, (perSku.get(p.skuId) ?? 0) - p.quantity)
  await adjustChannelCounters(tx, order.channelId, perSku)
  for (const p of positions) {
    const moved = await moveStock(tx, {
      skuId: p.skuId,
      locationId: p.locationId,
      type: 'RELEASED',
      deltas: { reserved: -p.quantity },
      actor,
      orderId: order.id,
      reasonCode,
      referenceDocumentUri: `order:${order.number}`,
    })
    events.push({ topic: 'stock.changed', aggregateType: 'StockPosition', aggregateId: moved.id, payload: { skuId: p.skuId, locationId: p.locationId, reservedDelta: -p.quantity, orderId: order.id } })
  }
  for (const locationId of [...new Set(positions.map((p) => p.locationId))].sort((a, b) => a - b)) {
    events.push(stockAvailableEvent(locationId, positions.filter((p) => p.locationId === locationId).map((p) => p.skuId), 'RESERVATION_RELEASED', `order:${order.number}`))
  }

  for (const [id, a] of byAllocation) {
    if (a.taken >= a.quantity) await tx.allocation.update({ where: { id }, data: { status: 'CANCELLED' } })
    else await tx.allocation.update({ where: { id }, data: { quantity: { decrement: a.taken } } })
  }
  return { byPosition, total: positions.reduce((s, p) => s + p.quantity, 0), events }
}
