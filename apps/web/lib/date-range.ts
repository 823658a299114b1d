'use client'

import { useCallback, useEffect, useState } from 'react'

/** A window of whole local days, `from` inclusive to `to` exclusive (the local midnight after the last day). */
export interface DayRange {
  /** First day, 'YYYY-MM-DD' (local). */
  start: string
  /** Last day, 'YYYY-MM-DD' (local), inclusive. */
  end: string
}

const pad = (n: number) => String(n).padStart(2, '0')
export const isoDay = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/

/** Local midnight starting `day` ('YYYY-MM-DD'), `shift` days later. */
export function localMidnight(day: string, shift = 0): Date {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(y, m - 1, d + shift)
}

/** The last `days` days, today included. */
export function lastDays(days: number, now = new Date()): DayRange {
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1))
  return { start: isoDay(start), end: isoDay(now) }
}

/** The range as the API's [from, to) instants. */
export function rangeInstants(r: DayRange): { from: string; to: string } {
  return { from: localMidnight(r.start).toISOString(), to: localMidnight(r.end, 1).toISOString() }
}

export function rangeDays(r: DayRange): number {
  return Math.round((localMidnight(r.end, 1).getTime() - localMidnight(r.start).getTime()) / 86_400_000)
}

/**
 * A day range kept in the page's address (?from=YYYY-MM-DD&to=YYYY-MM-DD), so a view can be bookmarked or sent as
 * a link; `fallback` when the address has none (or a malformed one).
 */
export function useDayRange(fallback: () => DayRange): [DayRange, (r: DayRange) => void] {
  const [range, setRange] = useState<DayRange>(() => {
    if (typeof window === 'undefined') return fallback()
    const q = new URLSearchParams(window.location.search)
    const start = q.get('from')
    const end = q.get('to')
    return start && end && DAY_RE.test(start) && DAY_RE.test(end) && start <= end ? { start, end } : fallback()
  })
  useEffect(() => {
    const q = new URLSearchParams(window.location.search)
    q.set('from', range.start)
    q.set('to', range.end)
    window.history.replaceState(null, '', `${window.location.pathname}?${q.toString()}`)
  }, [range])
  const set = useCallback((r: DayRange) => setRange(r), [])
  return [range, set]
}
