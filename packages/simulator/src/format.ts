import type { ScenarioKpis, ScenarioReport } from './params.ts'

const ROWS: Array<{ key: Exclude<keyof ScenarioKpis, 'exceptionsByType'>; label: string; kind: 'count' | 'rate' | 'hours' }> = [
  { key: 'oversoldUnits', label: 'Oversold units', kind: 'count' },
  { key: 'oversoldOrders', label: 'Oversold orders', kind: 'count' },
  { key: 'lostSalesUnits', label: 'Lost sales (units not listed)', kind: 'count' },
  { key: 'cancellationRate', label: 'Cancellation rate', kind: 'rate' },
  { key: 'onTimeShipmentRate', label: 'On-time shipment rate', kind: 'rate' },
  { key: 'otif', label: 'OTIF', kind: 'rate' },
  { key: 'orderCycleTimeP50Hours', label: 'Order cycle time p50 (h)', kind: 'hours' },
  { key: 'orderCycleTimeP90Hours', label: 'Order cycle time p90 (h)', kind: 'hours' },
  { key: 'backorderUnits', label: 'Backordered units', kind: 'count' },
  { key: 'inventoryRecordAccuracy', label: 'Inventory record accuracy', kind: 'rate' },
  { key: 'stockoutDays', label: 'Stockout SKU-days', kind: 'count' },
  { key: 'latePurchaseOrders', label: 'Late purchase orders', kind: 'count' },
  { key: 'manualAdjustments', label: 'Manual adjustments', kind: 'count' },
]

function show(v: number | null, kind: 'count' | 'rate' | 'hours'): string {
  if (v === null) return '-'
  if (kind === 'rate') return `${(v * 100).toFixed(1)}%`
  if (kind === 'hours') return v.toFixed(1)
  return String(v)
}

function diff(h: number | null, n: number | null, kind: 'count' | 'rate' | 'hours'): string {
  if (h === null || n === null) return '-'
  const d = h - n
  const sign = d > 0 ? '+' : d < 0 ? '-' : '±'
  if (kind === 'rate') return `${sign}${Math.abs(d * 100).toFixed(1)} pts`
  if (kind === 'hours') return `${sign}${Math.abs(d).toFixed(1)}`
  return `${sign}${Math.abs(d)}`
}

/** The KPI table side by side: hub | naive | difference (hub minus naive). */
export function formatReport(r: ScenarioReport): string {
  const p = r.params
  const head = `promo-spike: ${p.days} days, seed ${p.seed}, promotion x${p.promoMultiplier}, 3PL file every ${p.feedIntervalHours} h, late supplier +${p.supplierDelayDays} days`
  const rows: string[][] = [['KPI', 'hub', 'naive', 'difference']]
  for (const row of ROWS) rows.push([row.label, show(r.hub.kpis[row.key], row.kind), show(r.naive.kpis[row.key], row.kind), diff(r.hub.kpis[row.key], r.naive.kpis[row.key], row.kind)])
  const types = [...new Set([...Object.keys(r.hub.kpis.exceptionsByType), ...Object.keys(r.naive.kpis.exceptionsByType)])].sort()
  for (const t of types) {
    const h = r.hub.kpis.exceptionsByType[t] ?? 0
    const n = r.naive.kpis.exceptionsByType[t] ?? 0
    rows.push([`Exceptions: ${t}`, String(h), String(n), diff(h, n, 'count')])
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
