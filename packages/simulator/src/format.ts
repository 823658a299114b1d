import { compareScenarioPolicies, type ScenarioKpiUnit } from '@ops-hub/domain'
import type { ScenarioReport } from './params.ts'

// The table's rows, labels and directions are the domain's (SCENARIO_KPIS via compareScenarioPolicies): the CLI, the
// API and the Scenario lab show one comparison.
const HOURS_SUFFIX: Partial<Record<ScenarioKpiUnit, string>> = { HOURS: ' (h)' }

function show(v: number | null, unit: ScenarioKpiUnit): string {
  if (v === null) return '-'
  if (unit === 'RATE') return `${(v * 100).toFixed(1)}%`
  if (unit === 'HOURS') return v.toFixed(1)
  return String(v)
}

function diff(d: number | null, unit: ScenarioKpiUnit): string {
  if (d === null) return '-'
  const sign = d > 0 ? '+' : d < 0 ? '-' : '±'
  if (unit === 'RATE') return `${sign}${Math.abs(d * 100).toFixed(1)} pts`
  if (unit === 'HOURS') return `${sign}${Math.abs(d).toFixed(1)}`
  return `${sign}${Math.abs(d)}`
}

/** The KPI table side by side: hub | naive | difference (hub minus naive). */
export function formatReport(r: ScenarioReport): string {
  const p = r.params
  const head = `promo-spike: ${p.days} days, seed ${p.seed}, promotion x${p.promoMultiplier}, 3PL file every ${p.feedIntervalHours} h, late supplier +${p.supplierDelayDays} days`
  const rows: string[][] = [['KPI', 'hub', 'naive', 'difference']]
  for (const row of compareScenarioPolicies(r)) {
    rows.push([`${row.label}${HOURS_SUFFIX[row.unit] ?? ''}`, show(row.hub, row.unit), show(row.naive, row.unit), diff(row.difference, row.unit)])
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((x) => x[i].length)))
  const line = (x: string[]) => x.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  const out = [head, '', line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)]
  const ordersH = r.hub.daily.reduce((s, d) => s + d.orders, 0)
  const ordersN = r.naive.daily.reduce((s, d) => s + d.orders, 0)
  const customers = r.hub.daily.reduce((s, d) => s + d.customers, 0)
  out.push('', `customers: ${customers}; orders placed: hub ${ordersH}, naive ${ordersN} (the rest found nothing of their cart listed)`)
  return out.join('\n')
}
