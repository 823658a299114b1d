// Local-time arithmetic for the seed: cut-offs, shifts and carrier pick-ups happen in each node's time zone,
// and a "work day" is what release-by-capacity books against (Sundays and network holidays are closed).
export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

const offsetCache = new Map<string, number>()
const formatters = new Map<string, Intl.DateTimeFormat>()

/** Minutes to add to UTC to get wall-clock time in `tz` at `instant` (DST-aware, cached per hour). */
export function tzOffset(tz: string, instant: number): number {
  const hourKey = `${tz}|${Math.floor(instant / HOUR)}`
  const cached = offsetCache.get(hourKey)
  if (cached !== undefined) return cached
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    })
    formatters.set(tz, f)
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(Math.floor(instant / HOUR) * HOUR)).map((p) => [p.type, p.value]))
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute))
  const offset = Math.round((wall - Math.floor(instant / HOUR) * HOUR) / MINUTE)
  offsetCache.set(hourKey, offset)
  return offset
}

/** Local calendar day number (days since 1970-01-01 in `tz`) of an instant. */
export function localDay(tz: string, instant: number): number {
  return Math.floor((instant + tzOffset(tz, instant) * MINUTE) / DAY)
}

/** Minutes after local midnight of an instant. */
export function localMinutes(tz: string, instant: number): number {
  const wall = instant + tzOffset(tz, instant) * MINUTE
  return Math.floor((wall - Math.floor(wall / DAY) * DAY) / MINUTE)
}

/** The UTC instant of local day `day` at `minutes` after local midnight. */
export function atLocal(tz: string, day: number, minutes: number): number {
  const wall = day * DAY + minutes * MINUTE
  const guess = wall - tzOffset(tz, wall) * MINUTE
  return wall - tzOffset(tz, guess) * MINUTE
}

/** 0 = Sunday ... 6 = Saturday for a day number. */
export function dayOfWeek(day: number): number {
  return (day + 4) % 7
}

export function isoDate(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10)
}

/** US holidays a warehouse closes for, for the given years, as UTC day numbers with names. */
export function usHolidays(years: number[]): Array<{ day: number; name: string }> {
  const out: Array<{ day: number; name: string }> = []
  const d = (y: number, m: number, dd: number) => Math.floor(Date.UTC(y, m, dd) / DAY)
  const nthWeekday = (y: number, m: number, weekday: number, n: number) => {
    const first = d(y, m, 1)
    return first + ((weekday - dayOfWeek(first) + 7) % 7) + (n - 1) * 7
  }
  const lastWeekday = (y: number, m: number, weekday: number) => {
    const last = d(y, m + 1, 0)
    return last - ((dayOfWeek(last) - weekday + 7) % 7)
  }
  for (const y of years) {
    out.push({ day: d(y, 0, 1), name: "New Year's Day" })
    out.push({ day: nthWeekday(y, 0, 1, 3), name: 'Martin Luther King Jr. Day' })
    out.push({ day: lastWeekday(y, 4, 1), name: 'Memorial Day' })
    out.push({ day: d(y, 6, 4), name: 'Independence Day' })
    out.push({ day: nthWeekday(y, 8, 1, 1), name: 'Labor Day' })
    out.push({ day: nthWeekday(y, 10, 4, 4), name: 'Thanksgiving Day' })
    out.push({ day: d(y, 11, 25), name: 'Christmas Day' })
  }
  return out.sort((a, b) => a.day - b.day)
}

/** Work days of the network: Monday to Saturday, except holidays. */
export class WorkCalendar {
  constructor(private readonly closed: Set<number>) {}

  isWorkDay(day: number): boolean {
    return dayOfWeek(day) !== 0 && !this.closed.has(day)
  }

  nextWorkDay(day: number): number {
    let d = day + 1
    while (!this.isWorkDay(d)) d++
    return d
  }

  /** The work day `n` work days after `day` (n = 0: `day` itself if open, else the next open one). */
  addWorkDays(day: number, n: number): number {
    let d = this.isWorkDay(day) ? day : this.nextWorkDay(day)
    for (let i = 0; i < n; i++) d = this.nextWorkDay(d)
    return d
  }
}
