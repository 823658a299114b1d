import type { PrismaClient } from '@ops-hub/db'
import { addDays, localParts, zonedInstant } from '@ops-hub/domain'
import { computeKpis, type KpiReport } from '../kpis/compute-kpis.ts'

/**
 * Today's KPIs at a node (or the whole network): the report for the calendar day in `timeZone` that holds `now`
 * (what has happened so far), compared with the whole of yesterday.
 */
export async function computeKpisToday(
  prisma: PrismaClient,
  scope: { locationId: number | null; locationCode: string | null; timeZone: string },
  now: Date,
): Promise<KpiReport> {
  const today = localParts(now, scope.timeZone).date
  return computeKpis(
    prisma,
    {
      from: zonedInstant(today, 0, scope.timeZone),
      to: zonedInstant(addDays(today, 1), 0, scope.timeZone),
      locationCode: scope.locationCode,
      groupBy: 'NONE',
      timeZone: scope.timeZone,
    },
    now,
  )
}
