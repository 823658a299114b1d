import { Prisma, type PrismaClient } from '@ops-hub/db'
import { inRange, periodAndKey, type FamilyRow, type KpiScope } from './kpi-scope.ts'

export type LeadTimeKpiRow = FamilyRow<{ lines: number; adherent: number; observedDaysTotal: number }>

/**
 * Replenishment lead-time adherence, the definition the supplier scorecard shares (brief, "Purchase-order times"):
 * per purchase-order line whose FIRST receipt fell in the window, observed days = (that receipt's receivedAt - the
 * PO's orderedAt, when it was sent) / 1 day; promised days = the supplier's lead-time mean for the SKU; adherent when
 * observed <= promised + `toleranceDays`. Lines of POs never sent, or of a SKU the supplier has no terms for, have
 * no promise to keep and are left out. The node is the PO's receiving location.
 */
export async function leadTimeKpiRows(prisma: PrismaClient, scope: KpiScope, toleranceDays: number): Promise<LeadTimeKpiRow[]> {
  const location = scope.location ? Prisma.sql`AND po.location_id = ${scope.location.id}` : Prisma.empty
  return prisma.$queryRaw<LeadTimeKpiRow[]>`
    WITH first_receipt AS (
      SELECT rl.purchase_order_line_id AS line_id, min(r.received_at) AS received_at
      FROM receipt_lines rl JOIN receipts r ON r.id = rl.receipt_id
      GROUP BY rl.purchase_order_line_id
    ), judged AS (
      SELECT extract(epoch FROM fr.received_at - po.ordered_at)::float8 / 86400 AS observed, ss.lead_time_mean_days AS promised,
        ${periodAndKey(scope, Prisma.sql`fr.received_at`, { locationId: Prisma.sql`po.location_id` })}
      FROM first_receipt fr
      JOIN purchase_order_lines pol ON pol.id = fr.line_id
      JOIN purchase_orders po ON po.id = pol.purchase_order_id
      JOIN supplier_skus ss ON ss.supplier_id = po.supplier_id AND ss.sku_id = pol.sku_id
      WHERE po.ordered_at IS NOT NULL AND ${inRange(scope, Prisma.sql`fr.received_at`)} ${location}
    )
    SELECT period, k, count(*)::int AS lines, count(*) FILTER (WHERE observed <= promised + ${toleranceDays}::float8)::int AS adherent,
      COALESCE(sum(observed), 0)::float8 AS "observedDaysTotal"
    FROM judged GROUP BY period, k`
}
