'use client'

import { Badge, DataTable } from '@/components/data-table'
import { formatCount, formatDate, formatMoney, formatPercent } from '@/lib/format'
import type { SupplierRisk, SupplierScorecardRow } from './executive.graphql'
import styles from './executive.module.css'

const rateClass = (v: number | null) => (v === null ? styles.muted : v < 0.8 ? styles.worse : v >= 0.95 ? styles.better : undefined)

/**
 * Suppliers with open purchase orders, the late ones first: where inbound stock, and so availability, is at risk; with
 * each supplier's scorecard (last 90 days, joined by supplier code) and the lead time replenishment plans with.
 */
export function SupplierRiskTable({ rows, scorecards, fetching }: { rows?: SupplierRisk[]; scorecards?: SupplierScorecardRow[]; fetching: boolean }) {
  const card = (code: string) => scorecards?.find((s) => s.code === code)
  return (
    <DataTable
      id="supplier-risk"
      rows={rows}
      fetching={fetching}
      rowKey={(r) => r.supplierCode}
      empty="No open purchase orders."
      columns={[
        { header: 'Supplier', cell: (r) => (<><strong>{r.supplierCode}</strong><br /><span className={styles.muted}>{r.supplierName}</span></>) },
        {
          header: 'Late POs',
          cell: (r) => (r.latePurchaseOrders > 0 ? <Badge tone="bad">{formatCount(r.latePurchaseOrders)} late</Badge> : <Badge tone="good">On time</Badge>),
          nowrap: true,
        },
        { header: 'Open POs', cell: (r) => formatCount(r.openPurchaseOrders), align: 'right' },
        { header: 'Most late', cell: (r) => (r.maxDaysLate > 0 ? `${r.maxDaysLate.toFixed(1)} d` : '—'), align: 'right', nowrap: true },
        { header: 'Open value', cell: (r) => formatMoney(r.value), align: 'right', nowrap: true },
        { header: 'Late value', cell: (r) => (Number(r.lateValue) > 0 ? <span className={styles.worse}>{formatMoney(r.lateValue)}</span> : '—'), align: 'right', nowrap: true },
        { header: 'Next due', cell: (r) => (r.nextExpectedAt ? formatDate(r.nextExpectedAt) : '—'), nowrap: true },
        { header: 'On time / in full', cell: (r) => <Delivery row={card(r.supplierCode)} />, align: 'right', nowrap: true },
        { header: 'Lead time', cell: (r) => <LeadTime row={card(r.supplierCode)} />, align: 'right', nowrap: true },
      ]}
    />
  )
}

/** On-time and in-full rates over the PO lines due in the scorecard's period, with their basis on hover. */
function Delivery({ row }: { row?: SupplierScorecardRow }) {
  if (!row) return <span className={styles.muted}>—</span>
  const s = row.scorecard
  const title =
    `${formatDate(s.from)} – ${formatDate(s.to)}: ${s.linesDue} PO lines due, ${s.receipts} receipts. On time = first receipt by the expected arrival; ` +
    `in full = the whole ordered quantity in good units. Lead-time adherence ${formatPercent(s.leadTimeAdherence)} of ${s.linesMeasured} lines measured ` +
    `(within promise + ${s.leadTimeToleranceDays} d)${s.meanDaysLate === null ? '' : `; late lines ${s.meanDaysLate.toFixed(1)} d late on average`}.`
  return (
    <span title={title} data-scorecard={row.code}>
      <span className={rateClass(s.onTimeRate)}>{formatPercent(s.onTimeRate)}</span> / <span className={rateClass(s.inFullRate)}>{formatPercent(s.inFullRate)}</span>
      <br />
      <span className={styles.muted}>{formatCount(s.linesDue)} lines due</span>
    </span>
  )
}

/** Mean and 90th-percentile lead time, learned from receipts or promised (basis and samples shown). */
function LeadTime({ row }: { row?: SupplierScorecardRow }) {
  if (!row) return <span className={styles.muted}>—</span>
  const l = row.leadTime
  const title =
    l.basis === 'OBSERVED'
      ? `Observed from ${l.samples} first receipts (receipt − PO sent): mean ${l.meanDays.toFixed(2)} d, σ ${l.stdDevDays.toFixed(2)} d, 90th percentile ${l.p90Days.toFixed(2)} d.`
      : `Promised by the supplier (${l.samples} receipts measured, too few to learn from): mean ${l.meanDays.toFixed(2)} d, σ ${l.stdDevDays.toFixed(2)} d, p90 = mean + 1.2816 σ = ${l.p90Days.toFixed(2)} d.`
  return (
    <span title={title} data-lead-time={l.basis}>
      {l.meanDays.toFixed(1)} d · p90 {l.p90Days.toFixed(1)}
      <br />
      <span className={styles.muted}>{l.basis === 'OBSERVED' ? `observed, n=${l.samples}` : 'promised'}</span>
    </span>
  )
}
