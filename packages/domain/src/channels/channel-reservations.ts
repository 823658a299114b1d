import { Prisma, type Tx } from '@ops-hub/db'

/**
 * Locks the (channel, sku) reservation counters in (sku, channel) order and returns what each holds. Every
 * path that reserves or releases stock takes these locks before any stock-position lock, so the two lock
 * families are always acquired in the same order and concurrent orders cannot deadlock on them.
 */
export async function lockChannelCounters(tx: Tx, keys: Array<{ channelId: number; skuId: number }>): Promise<Map<number, Map<number, number>>> {
  const unique = [...new Map(keys.map((k) => [`${k.skuId}:${k.channelId}`, k])).values()].sort((a, b) => a.skuId - b.skuId || a.channelId - b.channelId)
  const bySku = new Map<number, Map<number, number>>()
  if (unique.length === 0) return bySku
  // Upsert-as-lock: one statement creates missing counters and row-locks all of them in VALUES order.
  const rows = await tx.$queryRaw<Array<{ channel_id: number; sku_id: number; reserved: number }>>`
    INSERT INTO channel_reservations (channel_id, sku_id, reserved)
    VALUES ${Prisma.join(unique.map((k) => Prisma.sql`(${k.channelId}::int, ${k.skuId}::int, 0)`))}
    ON CONFLICT (channel_id, sku_id) DO UPDATE SET reserved = channel_reservations.reserved
    RETURNING channel_id, sku_id, reserved`
  for (const r of rows) {
    if (!bySku.has(r.sku_id)) bySku.set(r.sku_id, new Map())
    bySku.get(r.sku_id)!.set(r.channel_id, Number(r.reserved))
  }
  return bySku
}

/** Adds (or with negative quantities, removes) units a channel holds per SKU; the counters must be locked already. */
export async function adjustChannelCounters(tx: Tx, channelId: number, perSku: Map<number, number>): Promise<void> {
  const entries = [...perSku].filter(([, q]) => q !== 0)
  if (entries.length === 0) return
  await tx.$executeRaw(channelCountersUpdateSql(channelId, perSku))
}

/**
 * The UPDATE behind `adjustChannelCounters`, for commands that fold it into one larger statement.
 * `perSku` must hold at least one non-zero quantity.
 */
export function channelCountersUpdateSql(channelId: number, perSku: Map<number, number>): Prisma.Sql {
  const entries = [...perSku].filter(([, q]) => q !== 0)
  // Floored at zero: counters created after orders already held stock (seeded data) must not block a release.
  return Prisma.sql`
    UPDATE channel_reservations cr SET reserved = GREATEST(0, cr.reserved + v.q)
    FROM (VALUES ${Prisma.join(entries.map(([sku, q]) => Prisma.sql`(${sku}::int, ${q}::int)`))}) AS v(sku_id, q)
    WHERE cr.channel_id = ${channelId}::int AND cr.sku_id = v.sku_id`
}
