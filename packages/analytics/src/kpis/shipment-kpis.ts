import { Prisma, type PrismaClient } from '@ops-hub/db'
import { inRange, periodAndKey, type FamilyRow, type KpiScope } from './kpi-scope.ts'

export type ShipmentKpiRow = FamilyRow<{
  /** Orders that finished shipping. */
  shipped: number
  hoursTotal: number
  p50Hours: number | null
  p90Hours: number | null
  /** Of them, with a promised ship-by (the on-time and OTIF denominators). */
  promised: number
  onTime: number
  otif: number
}>

/**
 * The shipment-based family, over orders that finished shipping in the window (their last unit left: orders.shipped_at):
 * hours from placement to that moment (mean, p50, p90), whether it was by the promised ship-by, and whether it was on
 * time AND in full in no more parcels (Order.parcels, counted as they ship) than its routing promised: one per node it
 * was routed to when allocated; a short pick re-routed to another node or a backorder filled later adds a parcel beyond
 * that. An order that shipped has shipped every unit (cancelling part of an order is not offered), so "in full" is the
 * parcel count. Under NODE an order counts at every node that shipped part of it.
 */
export async function shipmentKpiRows(prisma: PrismaClient, scope: KpiScope): Promise<ShipmentKpiRow[]> {
  const byNode = scope.groupBy === 'NODE'
  const channel = scope.channel ? Prisma.sql`AND o.channel_id = ${scope.channel.id}` : Prisma.empty
  const atLocation =
    scope.location && !byNode
      ? Prisma.sql`AND EXISTS (SELECT 1 FROM fulfillment_orders lf WHERE lf.order_id = o.id AND lf.location_id = ${scope.location.id} AND lf.status = 'SHIPPED')`
      : Prisma.empty
  const nodes = byNode
    ? Prisma.sql`JOIN fulfillment_orders f ON f.order_id = o.id AND f.status = 'SHIPPED' ${scope.location ? Prisma.sql`AND f.location_id = ${scope.location.id}` : Prisma.empty}`
    : Prisma.empty
  return prisma.$queryRaw<ShipmentKpiRow[]>`
    WITH shipped AS MATERIALIZED (
      -- Materialized: the aggregate below sorts these narrow rows (for the percentiles), not the orders they came from.
      SELECT extract(epoch FROM o.shipped_at - o.placed_at)::float8 / 3600 AS hours,
        o.ship_by IS NOT NULL AS promised,
        o.ship_by IS NOT NULL AND o.shipped_at <= o.ship_by AS on_time,
        o.parcels <= GREATEST(1, CASE jsonb_typeof(o.routing -> 'nodes') WHEN 'array' THEN jsonb_array_length(o.routing -> 'nodes') ELSE 1 END) AS as_promised,
        ${periodAndKey(scope, Prisma.sql`o.shipped_at`, { channelId: Prisma.sql`o.channel_id`, locationId: Prisma.sql`f.location_id` })}
      FROM orders o ${nodes}
      WHERE ${inRange(scope, Prisma.sql`o.shipped_at`)} ${channel} ${atLocation}
    )
    SELECT period, k, count(*)::int AS shipped, COALESCE(sum(hours), 0)::float8 AS "hoursTotal",
      percentile_cont(0.5) WITHIN GROUP (ORDER BY hours)::float8 AS "p50Hours",
      percentile_cont(0.9) WITHIN GROUP (ORDER BY hours)::float8 AS "p90Hours",
      count(*) FILTER (WHERE promised)::int AS promised,
      count(*) FILTER (WHERE on_time)::int AS "onTime",
      count(*) FILTER (WHERE on_time AND as_promised)::int AS otif
    FROM shipped GROUP BY period, k`
}
