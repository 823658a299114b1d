import { formatCount } from '@/lib/format'
import type { ScenarioKpiComparison } from './scenario-lab.graphql'

type Unit = ScenarioKpiComparison['unit']

/** A KPI value as a person reads it: rates in percent, hours with one decimal, counts whole. */
export function formatKpi(value: number | null, unit: Unit): string {
  if (value === null || !Number.isFinite(value)) return '—'
  if (unit === 'RATE') return `${(value * 100).toFixed(1)}%`
  if (unit === 'HOURS') return `${value.toFixed(1)} h`
  return Number.isInteger(value) ? formatCount(value) : value.toFixed(1)
}

/** hub − naive, signed: percentage points for rates. */
export function formatDifference(value: number | null, unit: Unit): string {
  if (value === null || !Number.isFinite(value)) return '—'
  if (Math.abs(value) < 1e-9) return '±0'
  const sign = value > 0 ? '+' : '−'
  const abs = Math.abs(value)
  if (unit === 'RATE') return `${sign}${(abs * 100).toFixed(1)} pts`
  if (unit === 'HOURS') return `${sign}${abs.toFixed(1)} h`
  return `${sign}${Number.isInteger(abs) ? formatCount(abs) : abs.toFixed(1)}`
}

export function formatDuration(fromIso: string | null, toIso: string | null): string {
  if (!fromIso || !toIso) return '—'
  const s = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000))
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`
}
