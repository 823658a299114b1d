import { Prisma, type PrismaClient } from '@ops-hub/db'
import { inRange, periodAndKey, type FamilyRow, type KpiScope } from './kpi-scope.ts'

export type OrderKpiRow = FamilyRow<{
  /** Null on a group's total row; the cancel reason on a per-reason row. */
  reason: string | null
  byReason: boolean
  orders: number
  cancelled: number
  backordered: number
  backorderedUnits: number
}>

/**
 * The order-based family, over orders PLACED in the window: how many, how many are now cancelled (and why), and
 * how many had a line short at their first allocation (with the units short). One grouped aggregate: the group
 * totals and the per-reason rows come from the same pass (GROUPING SETS). Under NODE, an order counts at every
 * node that holds one of its fulfilment orders; one that never reached a node counts under key ''.
 */
export async function orderKpiRows(prisma: PrismaClient, scope: KpiScope): Promise<OrderKpiRow[]> {
  const byNode = scope.groupBy === 'NODE'
  const channel = scope.channel ? Prisma.sql`AND o.channel_id = ${scope.channel.id}` : Prisma.empty
  const atLocation =
    scope.location && !byNode
      ? Prisma.sql`AND EXISTS (SELECT 1 FROM fulfillment_orders lf WHERE lf.order_id = o.id AND lf.location_id = ${scope.location.id})`
      : Prisma.empty
  const nodes = byNode
    ? Prisma.sql`${scope.location ? Prisma.sql`JOIN` : Prisma.sql`LEFT JOIN`} fulfillment_orders f ON f.order_id = o.id
        ${scope.location ? Prisma.sql`AND f.location_id = ${scope.location.id}` : Prisma.empty}`
    : Prisma.empty
  return prisma.$queryRaw<OrderKpiRow[]>`
    WITH placed AS (
      SELECT o.id, o.status,
        CASE WHEN o.status = 'CANCELLED' THEN COALESCE(NULLIF(btrim(o.cancel_reason), ''), 'Unspecified') END AS reason,
        ${periodAndKey(scope, Prisma.sql`o.placed_at`, { channelId: Prisma.sql`o.channel_id`, locationId: Prisma.sql`f.location_id` })}
      FROM orders o ${nodes}
      WHERE ${inRange(scope, Prisma.sql`o.placed_at`)} ${channel} ${atLocation}
    ), short AS (
      -- Filtered on the orders' own range rather than on the CTE above, whose size the planner cannot see: it starts
      -- from the few short lines (table statistics) and probes their orders, instead of probing every placed order.
      SELECT ol.order_id, sum(ol.first_allocation_short) AS units
      FROM order_lines ol JOIN orders o ON o.id = ol.order_id
      WHERE ol.first_allocation_short > 0 AND ${inRange(scope, Prisma.sql`o.placed_at`)} ${channel}
      GROUP BY ol.order_id
    )
    SELECT p.period, p.k, p.reason, GROUPING(p.reason) = 0 AS "byReason",
      count(*)::int AS orders,
      count(*) FILTER (WHERE p.status = 'CANCELLED')::int AS cancelled,
      count(s.order_id)::int AS backordered,
      COALESCE(sum(s.units), 0)::int AS "backorderedUnits"
    FROM placed p LEFT JOIN short s ON s.order_id = p.id
    GROUP BY GROUPING SETS ((p.period, p.k), (p.period, p.k, p.reason))`
}
