import { Prisma, type PrismaClient } from '@ops-hub/db'
import { inRange, periodAndKey, type FamilyRow, type KpiScope } from './kpi-scope.ts'

export type ReturnKpiRow = FamilyRow<{ returns: number; hoursTotal: number; p50Hours: number | null; p90Hours: number | null }>

/**
 * Return processing time, over returns whose processing finished in the window: hours from the parcel's receipt at a
 * node to the first of (a) the refund being issued and (b) every received unit having its disposition (the last
 * inspection). The node is where the return was received; the channel is its order's.
 */
export async function returnKpiRows(prisma: PrismaClient, scope: KpiScope): Promise<ReturnKpiRow[]> {
  const channel = scope.channel ? Prisma.sql`AND o.channel_id = ${scope.channel.id}` : Prisma.empty
  const location = scope.location ? Prisma.sql`AND r.location_id = ${scope.location.id}` : Prisma.empty
  return prisma.$queryRaw<ReturnKpiRow[]>`
    WITH candidate AS (
      -- Processing ends by the time a return closes (closing needs every line inspected), so one closed before the
      -- range cannot end in it.
      SELECT r.id, r.location_id, o.channel_id, r.received_at, r.refunded_at
      FROM returns r JOIN orders o ON o.id = r.order_id
      WHERE r.received_at IS NOT NULL AND r.received_at < ${scope.to}::timestamptz
        AND (r.closed_at IS NULL OR r.closed_at >= ${scope.previousFrom}::timestamptz) ${channel} ${location}
    ), dispositions AS (
      SELECT rl.return_id, count(*) FILTER (WHERE rl.disposition IS NULL) AS undecided, max(rl.inspected_at) AS last_inspected
      FROM return_lines rl JOIN candidate c ON c.id = rl.return_id
      WHERE rl.received_quantity > 0
      GROUP BY rl.return_id
    ), processed AS (
      SELECT c.location_id, c.channel_id, c.received_at,
        LEAST(c.refunded_at, CASE WHEN d.undecided = 0 THEN d.last_inspected END) AS done_at
      FROM candidate c LEFT JOIN dispositions d ON d.return_id = c.id
    ), timed AS (
      SELECT extract(epoch FROM done_at - received_at)::float8 / 3600 AS hours,
        ${periodAndKey(scope, Prisma.sql`done_at`, { channelId: Prisma.sql`channel_id`, locationId: Prisma.sql`location_id` })}
      FROM processed WHERE ${inRange(scope, Prisma.sql`done_at`)}
    )
    SELECT period, k, count(*)::int AS returns, COALESCE(sum(hours), 0)::float8 AS "hoursTotal",
      percentile_cont(0.5) WITHIN GROUP (ORDER BY hours)::float8 AS "p50Hours",
      percentile_cont(0.9) WITHIN GROUP (ORDER BY hours)::float8 AS "p90Hours"
    FROM timed GROUP BY period, k`
}
