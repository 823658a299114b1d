import { Prisma, type PrismaClient } from '@ops-hub/db'
import { SETTLED_COUNT } from '@ops-hub/domain'
import { inRange, periodAndKey, type FamilyRow, type KpiScope } from './kpi-scope.ts'

export type AccuracyKpiRow = FamilyRow<{ counts: number; accurate: number }>

/**
 * Inventory record accuracy with the hub's one definition (inventoryRecordAccuracy, SETTLED_COUNT): counts recorded
 * in the window whose result was within the SKU's ABC tolerance of the book, over all such counts.
 */
export async function accuracyKpiRows(prisma: PrismaClient, scope: KpiScope): Promise<AccuracyKpiRow[]> {
  const location = scope.location ? Prisma.sql`AND cc.location_id = ${scope.location.id}` : Prisma.empty
  return prisma.$queryRaw<AccuracyKpiRow[]>`
    SELECT period, k, count(*)::int AS counts, count(*) FILTER (WHERE within_tolerance)::int AS accurate
    FROM (
      SELECT cc.within_tolerance, ${periodAndKey(scope, Prisma.sql`cc.counted_at`, { locationId: Prisma.sql`cc.location_id` })}
      FROM cycle_counts cc
      WHERE ${SETTLED_COUNT} AND ${inRange(scope, Prisma.sql`cc.counted_at`)} ${location}
    ) c
    GROUP BY period, k`
}
