import { Prisma, type Tx } from '@ops-hub/db'
import { lockChannelCounters } from '../channels/channel-reservations.ts'

export interface LockedPosition {
  id: number
  skuId: number
  locationId: number
  onHand: number
  reserved: number
  safetyStock: number
  damaged: number
  qualityControl: number
  confidence: number
}

/**
 * Takes every stock lock an order-maintenance command needs before it moves a unit, in the one global lock order
 * that allocation and intake use - channel counters by (sku, channel), then positions by (sku, location) - so a
 * maintenance command racing new orders queues instead of deadlocking. Counters: the order's channel (or channels) and every
 * channel whose reserved pool fences these SKUs (allocateOrder may lock those when it re-routes). Positions: the
 * SKUs at `locationIds`, or at every location when null (a re-route may land anywhere). Returns the positions as
 * locked, so checks made on them hold until commit.
 */
export async function lockStock(tx: Tx, scope: { channelId: number | number[]; skuIds: number[]; locationIds: number[] | null }): Promise<LockedPosition[]> {
  const skuIds = [...new Set(scope.skuIds)].sort((a, b) => a - b)
  if (skuIds.length === 0) return []
  // Several orders' channels at once (a count taking back reservations): every counter before any position.
  const channelIds = [...new Set([scope.channelId].flat())]
  const pools = await tx.$queryRaw<Array<{ channel_id: number; sku_id: number | null }>>`
    SELECT DISTINCT channel_id, sku_id FROM allocation_rules
    WHERE active AND kind = 'RESERVED_POOL' AND (sku_id IS NULL OR sku_id = ANY(${skuIds}::int[]))`
  const keys = skuIds.flatMap((skuId) => [
    ...channelIds.map((channelId) => ({ skuId, channelId })),
    ...pools.filter((p) => p.sku_id === null || p.sku_id === skuId).map((p) => ({ skuId, channelId: p.channel_id })),
  ])
  await lockChannelCounters(tx, keys)
  const where = scope.locationIds
    ? Prisma.sql`sku_id = ANY(${skuIds}::int[]) AND location_id = ANY(${[...new Set(scope.locationIds)]}::int[])`
    : Prisma.sql`sku_id = ANY(${skuIds}::int[])`
  const rows = await tx.$queryRaw<Array<Record<string, number>>>`
    SELECT id, sku_id, location_id, on_hand, reserved, safety_stock, damaged, quality_control, confidence
    FROM stock_positions WHERE ${where}
    ORDER BY sku_id, location_id FOR UPDATE`
  return rows.map((r) => ({
    id: Number(r.id),
    skuId: Number(r.sku_id),
    locationId: Number(r.location_id),
    onHand: Number(r.on_hand),
    reserved: Number(r.reserved),
    safetyStock: Number(r.safety_stock),
    damaged: Number(r.damaged),
    qualityControl: Number(r.quality_control),
    confidence: Number(r.confidence),
  }))
}
