import type { KpiDefinition, KpiStatus, KpiValue } from './executive.graphql'

const count = new Intl.NumberFormat('en-US')

/** A KPI value in its unit: a percent (two decimals when its target is 99% or more), hours, or a rate per 1,000 units. */
export function formatKpi(value: number | null | undefined, unit: KpiDefinition['unit'], target?: number): string {
  if (value === null || value === undefined) return '—'
  if (unit === 'RATIO') return `${(value * 100).toFixed(target !== undefined && target >= 0.99 ? 2 : 1)}%`
  if (unit === 'HOURS') return `${value < 10 ? value.toFixed(1) : Math.round(value)} h`
  return value < 10 ? value.toFixed(2) : count.format(Math.round(value))
}

/** The change against the previous period, in the KPI's unit, and whether it moved the good way. */
export function formatChange(v: KpiValue, unit: KpiDefinition['unit']): { text: string; good: boolean | null } | null {
  if (v.value === null || v.previousPeriodValue === null) return null
  const delta = v.value - v.previousPeriodValue
  if (Math.abs(delta) < 1e-9) return { text: 'no change', good: null }
  const arrow = delta > 0 ? '▲' : '▼'
  const size = unit === 'RATIO' ? `${Math.abs(delta * 100).toFixed(1)} pts` : unit === 'HOURS' ? `${Math.abs(delta).toFixed(1)} h` : Math.abs(delta).toFixed(2)
  return { text: `${arrow} ${size}`, good: v.better === 'HIGHER' ? delta > 0 : delta < 0 }
}

/** "Target ≥ 99.70%" and "Watch ≥ 95.00%": what ON_TARGET and WATCH mean for this KPI. */
export function targetText(v: KpiValue, unit: KpiDefinition['unit']): [string, string] {
  const op = v.better === 'HIGHER' ? '≥' : '≤'
  return [`Target ${op} ${formatKpi(v.target, unit, v.target)}`, `Watch ${op} ${formatKpi(v.watch, unit, v.target)}`]
}

export const STATUS_LABEL: Record<KpiStatus, string> = { ON_TARGET: 'On target', WATCH: 'Watch', OFF_TARGET: 'Off target' }
export const STATUS_TONE: Record<KpiStatus, 'good' | 'warn' | 'bad'> = { ON_TARGET: 'good', WATCH: 'warn', OFF_TARGET: 'bad' }

/** What the value is made of, in words: "12 of 340 orders", "85 returns · mean 31 h · p50 24 h". */
export function basisText(name: string, v: KpiValue): string {
  const n = (x: number) => count.format(x)
  switch (name) {
    case 'orderCycleTime':
      return `${n(v.denominator)} orders shipped · mean ${formatKpi(v.meanHours, 'HOURS')} · p50 ${formatKpi(v.p50Hours, 'HOURS')}`
    case 'returnProcessingTime':
      return `${n(v.denominator)} returns processed · mean ${formatKpi(v.meanHours, 'HOURS')} · p50 ${formatKpi(v.p50Hours, 'HOURS')}`
    case 'onTimeShipmentRate':
      return `${n(v.numerator)} of ${n(v.denominator)} shipped orders on time`
    case 'otifRate':
      return `${n(v.numerator)} of ${n(v.denominator)} shipped orders on time, in full`
    case 'cancellationRate':
      return `${n(v.numerator)} of ${n(v.denominator)} orders placed`
    case 'backorderRate':
      return `${n(v.numerator)} of ${n(v.denominator)} orders placed · ${n(v.backorderedUnits ?? 0)} units short`
    case 'inventoryRecordAccuracy':
      return `${n(v.numerator)} of ${n(v.denominator)} counts within tolerance`
    case 'replenishmentLeadTimeAdherence':
      return `${n(v.numerator)} of ${n(v.denominator)} PO lines within lead time`
    case 'warehouseExceptionRate':
      return `${n(v.numerator)} of ${n(v.denominator)} parcels with a short pick or pack mismatch`
    case 'manualAdjustmentFrequency':
      return `${n(v.numerator)} corrections per ${n(v.denominator)} units shipped`
    default:
      return `${n(v.numerator)} / ${n(v.denominator)}`
  }
}
