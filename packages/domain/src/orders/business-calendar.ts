/**
 * Calendar arithmetic in a node's own time zone. Days are ISO dates ('2026-11-27') in that zone; a business
 * day is Monday-Friday and not a holiday. Built on Intl (no tz database of our own to keep current).
 */

export type IsoDate = string

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** The wall-clock date and minute-of-day of `instant` in `timeZone`. */
export function localParts(instant: Date, timeZone: string): { date: IsoDate; minutes: number } {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(instant).map((p) => [p.type, p.value]))
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minutes: Number(parts.hour) * 60 + Number(parts.minute) }
}

/** Offset of `timeZone` from UTC at `instant`, in milliseconds (positive east of Greenwich). */
function offsetMs(instant: Date, timeZone: string): number {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(instant).map((p) => [p.type, p.value]))
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second))
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000
}

/** The instant at which the wall clock in `timeZone` shows `date` + `minutes` (DST gaps resolve forward). */
export function zonedInstant(date: IsoDate, minutes: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number)
  const naive = Date.UTC(y, m - 1, d, 0, minutes)
  let guess = naive - offsetMs(new Date(naive), timeZone)
  // A second pass settles instants whose offset differs from the naive guess's (DST change that day).
  guess = naive - offsetMs(new Date(guess), timeZone)
  return new Date(guess)
}

export function addDays(date: IsoDate, n: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10)
}

export function isBusinessDay(date: IsoDate, holidays: ReadonlySet<IsoDate>): boolean {
  const [y, m, d] = date.split('-').map(Number)
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay()
  return weekday !== 0 && weekday !== 6 && !holidays.has(date)
}

/** The first business day strictly after `date`. */
export function nextBusinessDay(date: IsoDate, holidays: ReadonlySet<IsoDate>): IsoDate {
  let day = addDays(date, 1)
  // A year of consecutive holidays would be a data error, not a calendar; stop rather than loop forever.
  for (let i = 0; i < 366 && !isBusinessDay(day, holidays); i++) day = addDays(day, 1)
  return day
}

export function addBusinessDays(date: IsoDate, n: number, holidays: ReadonlySet<IsoDate>): IsoDate {
  let day = date
  for (let i = 0; i < n; i++) day = nextBusinessDay(day, holidays)
  return day
}

export interface NodeClock {
  timezone: string
  /** Minutes after local midnight by which work must be released to ship that day. */
  cutoffMinutes: number
}

/**
 * The node's working day for work arriving at `now`: today if it is a business day and the cut-off has not
 * passed, otherwise the next business day. Release capacity and ship-by dates both count from it.
 */
export function workingDay(now: Date, node: NodeClock, holidays: ReadonlySet<IsoDate>): { day: IsoDate; afterCutoff: boolean } {
  const local = localParts(now, node.timezone)
  const afterCutoff = local.minutes >= node.cutoffMinutes
  if (!afterCutoff && isBusinessDay(local.date, holidays)) return { day: local.date, afterCutoff }
  return { day: nextBusinessDay(local.date, holidays), afterCutoff }
}
