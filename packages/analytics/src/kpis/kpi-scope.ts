import { Prisma, type PrismaClient } from '@ops-hub/db'
import { addDays, localParts, userError, zonedInstant, type IsoDate } from '@ops-hub/domain'

export const KPI_GROUP_BY = ['NONE', 'DAY', 'WEEK', 'CHANNEL', 'NODE'] as const
export type KpiGroupBy = (typeof KPI_GROUP_BY)[number]

export interface KpiInput {
  from: Date
  to: Date
  channelCode?: string | null
  locationCode?: string | null
  groupBy?: KpiGroupBy | null
  /** IANA zone whose calendar days and (Monday-first) weeks DAY and WEEK buckets follow; UTC by default. */
  timeZone?: string | null
}

/** One calendar bucket of a DAY or WEEK report, clipped to the report's window. */
export interface KpiBucket {
  key: IsoDate
  from: Date
  to: Date
}

/**
 * A KPI request resolved: codes to ids, the window, the range the previous period needs, and for DAY/WEEK every
 * bucket of the window (so a day with no activity is still a point of the trend).
 */
export interface KpiScope {
  from: Date
  to: Date
  groupBy: KpiGroupBy
  timeZone: string
  channel: { id: number; code: string } | null
  location: { id: number; code: string } | null
  /** Start of the range scanned: the previous period (or, for DAY/WEEK, the bucket before the first) begins here. */
  previousFrom: Date
  buckets: KpiBucket[]
}

const MAX_BUCKETS = { DAY: 400, WEEK: 260 } as const
const MAX_WINDOW_DAYS = 3 * 366

function validZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return true
  } catch {
    return false
  }
}

/** Monday of the week holding `date` (ISO weeks, as PostgreSQL's date_trunc('week') counts them). */
function weekStart(date: IsoDate): IsoDate {
  const [y, m, d] = date.split('-').map(Number)
  const dow = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7
  return addDays(date, -dow)
}

/** Resolves and checks a KPI request; unknown codes and impossible windows are the caller's mistake, said plainly. */
export async function resolveKpiScope(prisma: PrismaClient, input: KpiInput): Promise<KpiScope> {
  const groupBy = input.groupBy ?? 'NONE'
  const timeZone = input.timeZone ?? 'UTC'
  const { from, to } = input
  if (!(to.getTime() > from.getTime())) throw userError('INVALID_INPUT', '`to` must be after `from`', ['input', 'to'])
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * 86_400_000) {
    throw userError('INVALID_INPUT', `A KPI window spans at most ${MAX_WINDOW_DAYS} days`, ['input', 'from'])
  }
  if (!validZone(timeZone)) throw userError('INVALID_INPUT', `Unknown time zone ${timeZone}`, ['input', 'timeZone'])

  const [channel, location] = await Promise.all([
    input.channelCode ? prisma.channel.findUnique({ where: { code: input.channelCode }, select: { id: true, code: true } }) : null,
    input.locationCode ? prisma.location.findUnique({ where: { code: input.locationCode }, select: { id: true, code: true } }) : null,
  ])
  if (input.channelCode && !channel) throw userError('NOT_FOUND', `No channel ${input.channelCode}`, ['input', 'channelCode'])
  if (input.locationCode && !location) throw userError('NOT_FOUND', `No location ${input.locationCode}`, ['input', 'locationCode'])

  const buckets: KpiBucket[] = []
  let previousFrom = new Date(from.getTime() - (to.getTime() - from.getTime()))
  if (groupBy === 'DAY' || groupBy === 'WEEK') {
    const step = groupBy === 'DAY' ? 1 : 7
    const first = localParts(from, timeZone)
    const last = localParts(new Date(to.getTime() - 1), timeZone).date
    let day = groupBy === 'DAY' ? first.date : weekStart(first.date)
    while (day <= last) {
      const start = zonedInstant(day, 0, timeZone)
      const end = zonedInstant(addDays(day, step), 0, timeZone)
      buckets.push({ key: day, from: start < from ? from : start, to: end > to ? to : end })
      if (buckets.length > MAX_BUCKETS[groupBy]) {
        throw userError('INVALID_INPUT', `At most ${MAX_BUCKETS[groupBy]} ${groupBy === 'DAY' ? 'days' : 'weeks'} per report: narrow the window or group by WEEK`, ['input', 'groupBy'])
      }
      day = addDays(day, step)
    }
    // The first bucket's previous period: the same stretch of the calendar one bucket earlier.
    previousFrom = zonedInstant(addDays(first.date, -step), first.minutes, timeZone)
  }
  return { from, to, groupBy, timeZone, channel, location, previousFrom, buckets }
}

/**
 * The two columns every KPI family groups by: `period` (0 = the window, 1 = the previous period) and `k`, the
 * group key ('ALL', a local date, or a channel/location id as text; '' for a node-less order under NODE, and for
 * DAY/WEEK the single previous-period bucket before the first).
 */
export function periodAndKey(scope: KpiScope, at: Prisma.Sql, cols: { channelId?: Prisma.Sql; locationId?: Prisma.Sql }): Prisma.Sql {
  const current = Prisma.sql`${at} >= ${scope.from}::timestamptz`
  const period = Prisma.sql`CASE WHEN ${current} THEN 0 ELSE 1 END`
  const local = Prisma.sql`(${at} AT TIME ZONE ${scope.timeZone})`
  let key: Prisma.Sql
  switch (scope.groupBy) {
    case 'NONE':
      key = Prisma.sql`'ALL'`
      break
    case 'DAY':
      key = Prisma.sql`CASE WHEN ${current} THEN to_char(${local}::date, 'YYYY-MM-DD') ELSE '' END`
      break
    case 'WEEK':
      key = Prisma.sql`CASE WHEN ${current} THEN to_char(date_trunc('week', ${local})::date, 'YYYY-MM-DD') ELSE '' END`
      break
    case 'CHANNEL':
      key = cols.channelId ? Prisma.sql`${cols.channelId}::text` : Prisma.sql`''`
      break
    case 'NODE':
      key = cols.locationId ? Prisma.sql`COALESCE(${cols.locationId}::text, '')` : Prisma.sql`''`
      break
  }
  return Prisma.sql`${period} AS period, ${key} AS k`
}

/** `at` within the window or the previous period. */
export function inRange(scope: KpiScope, at: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`${at} >= ${scope.previousFrom}::timestamptz AND ${at} < ${scope.to}::timestamptz`
}

/** Rows of a family query: the two grouping columns and its own counts. */
export type FamilyRow<T> = T & { period: number; k: string }
