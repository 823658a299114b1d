import { Prisma, type PrismaClient } from '@ops-hub/db'
import { inRange, periodAndKey, type FamilyRow, type KpiScope } from './kpi-scope.ts'

/**
 * Corrections of the book a person makes: a subset of the reasons adjustInventory accepts (MANUAL_REASONS). Goods
 * booked in against a document (RECEIVED, RETURN) and stock moved in or out of quality control are not corrections;
 * counts (CYCLE_COUNT) and 3PL feeds (FEED_SYNC) are the controls, not manual adjustments.
 */
export const CORRECTION_REASONS = ['DAMAGED', 'SHRINKAGE', 'FOUND', 'CORRECTION', 'WRITE_OFF'] as const

export type AdjustmentKpiRow = FamilyRow<{ adjustments: number; unitsShipped: number }>

/**
 * Manual adjustment frequency: corrections a person booked (CORRECTION_REASONS) that took effect in the window, against the units shipped in it (the shipped allocations of the
 * fulfilment orders that shipped), both at the same node(s). One aggregate over the union of the two streams.
 */
export async function adjustmentKpiRows(prisma: PrismaClient, scope: KpiScope): Promise<AdjustmentKpiRow[]> {
  const adjustmentAt = scope.location ? Prisma.sql`AND a.location_id = ${scope.location.id}` : Prisma.empty
  const shippedAt = scope.location ? Prisma.sql`AND f.location_id = ${scope.location.id}` : Prisma.empty
  return prisma.$queryRaw<AdjustmentKpiRow[]>`
    SELECT period, k, sum(adjustments)::int AS adjustments, sum(units)::int AS "unitsShipped"
    FROM (
      SELECT ${periodAndKey(scope, Prisma.sql`a.applied_at`, { locationId: Prisma.sql`a.location_id` })}, 1 AS adjustments, 0 AS units
      FROM adjustments a
      WHERE a.status = 'APPLIED' AND a.reason::text IN (${Prisma.join([...CORRECTION_REASONS])}) AND ${inRange(scope, Prisma.sql`a.applied_at`)} ${adjustmentAt}
      UNION ALL
      SELECT ${periodAndKey(scope, Prisma.sql`f.shipped_at`, { locationId: Prisma.sql`f.location_id` })}, 0, al.quantity
      FROM fulfillment_orders f JOIN allocations al ON al.fulfillment_order_id = f.id AND al.status = 'SHIPPED'
      WHERE f.status = 'SHIPPED' AND ${inRange(scope, Prisma.sql`f.shipped_at`)} ${shippedAt}
    ) x
    GROUP BY period, k`
}
