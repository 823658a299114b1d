import { Prisma, type AbcClass, type Tx } from '@ops-hub/db'
import { userError } from '../../shared/errors.ts'

export interface AccuracyRow {
  accuracy: number | null
  counts: number
  accurate: number
}

/**
 * A count that has a final result (`cc` is the cycle_counts row): completed, waiting for its variance to be
 * approved, or cancelled after it was recorded. The IRA query below and the `kpis` report both count these.
 */
export const SETTLED_COUNT = Prisma.sql`cc.status IN ('COMPLETED', 'PENDING_APPROVAL', 'CANCELLED') AND cc.within_tolerance IS NOT NULL`

/**
 * Inventory record accuracy (IRA): the share of counts in [from, to) whose final result was within its class
 * tolerance of the book, overall, per ABC class and per location. No counts -> accuracy null (unknown, not 100%).
 */
export async function inventoryRecordAccuracy(tx: Tx, args: { locationCode?: string | null; from: Date; to: Date }) {
  let locationFilter = Prisma.sql`TRUE`
  if (args.locationCode) {
    const location = await tx.location.findUnique({ where: { code: args.locationCode } })
    if (!location) throw userError('NOT_FOUND', `No location ${args.locationCode}`, ['locationCode'])
    locationFilter = Prisma.sql`cc.location_id = ${location.id}`
  }
  const rows = await tx.$queryRaw<Array<{ abc_class: AbcClass; location_code: string; counts: number; accurate: number }>>`
    SELECT s.abc_class::text AS abc_class, l.code AS location_code, count(*)::int AS counts,
      count(*) FILTER (WHERE cc.within_tolerance)::int AS accurate
    FROM cycle_counts cc JOIN skus s ON s.id = cc.sku_id JOIN locations l ON l.id = cc.location_id
    WHERE ${locationFilter} AND cc.counted_at >= ${args.from} AND cc.counted_at < ${args.to}
      AND ${SETTLED_COUNT}
    GROUP BY s.abc_class, l.code`
  const summarize = (rs: typeof rows): AccuracyRow => {
    const counts = rs.reduce((s, r) => s + Number(r.counts), 0)
    const accurate = rs.reduce((s, r) => s + Number(r.accurate), 0)
    return { counts, accurate, accuracy: counts === 0 ? null : Math.round((accurate / counts) * 10_000) / 10_000 }
  }
  const classes: AbcClass[] = ['A', 'B', 'C']
  const locations = [...new Set(rows.map((r) => r.location_code))].sort()
  return {
    overall: summarize(rows),
    byClass: classes.map((abcClass) => ({ abcClass, ...summarize(rows.filter((r) => r.abc_class === abcClass)) })),
    byLocation: locations.map((locationCode) => ({ locationCode, ...summarize(rows.filter((r) => r.location_code === locationCode)) })),
  }
}
