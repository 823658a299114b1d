const integer = new Intl.NumberFormat('en-US')

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : integer.format(n)
}

export function formatPercent(ratio: number | null): string {
  return ratio === null || !Number.isFinite(ratio) ? '—' : `${(ratio * 100).toFixed(1)}%`
}

export function formatMoney(amount: string | number, currency = 'USD'): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(Number(amount))
}

export function formatDate(iso: string | Date): string {
  return new Date(iso).toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric' })
}

export function formatDateTime(iso: string | Date): string {
  return new Date(iso).toLocaleString('en-US', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
}

/** Local midnight `days` days ago: windows align to whole days so a number does not drift while you look at it. */
export function startOfDayDaysAgo(days: number, now = new Date()): Date {
  const d = new Date(now)
  d.setHours(0, 0, 0, 0)
  d.setDate(d.getDate() - days)
  return d
}

/** ENUM_CASE -> "Enum case" for labels. */
export function humanize(value: string): string {
  const s = value.toLowerCase().replace(/_/g, ' ')
  return s.charAt(0).toUpperCase() + s.slice(1)
}
