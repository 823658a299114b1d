'use client'

import { DataTable } from '@/components/data-table'
import { formatCount } from '@/lib/format'
import type { StockoutRiskRow } from './executive.graphql'
import { Explained, ProbabilityBadge, Terms, num } from './risk-explained'
import styles from './executive.module.css'

/** Days the inventory position lasts at the mean daily demand: IP ÷ d (null when nothing is being sold). */
export function daysOfCover(r: StockoutRiskRow): number | null {
  return r.terms.dailyDemandMean > 0 ? Math.max(0, r.terms.inventoryPosition) / r.terms.dailyDemandMean : null
}

/**
 * The SKU x node positions most likely to run out before a new order could arrive (stockoutRisks): the probability,
 * the expected shortage, how many days the position covers against the lead time, and every input of the formula.
 */
export function StockoutRisksTable({ rows, threshold, fetching }: { rows?: StockoutRiskRow[]; threshold: number; fetching: boolean }) {
  return (
    <DataTable
      id="stockout-risks"
      rows={rows}
      fetching={fetching}
      rowKey={(r) => `${r.sku}@${r.locationCode}`}
      empty="No planned positions (no SKU with an active supplier at a fulfilment node)."
      columns={[
        {
          header: 'SKU at node',
          cell: (r) => (<><strong>{r.sku}</strong> <span className={styles.muted}>at</span> <strong>{r.locationCode}</strong><br /><span className={`${styles.muted} ${styles.clip}`} title={r.skuName}>{r.skuName}</span></>),
        },
        {
          header: 'P(stockout)',
          cell: (r) => (
            <ProbabilityBadge
              probability={r.probability}
              threshold={threshold}
              title={`P = 1 − Φ(k), k = (IP − μ_LTD) / σ_LTD = (${r.terms.inventoryPosition} − ${num(r.terms.leadTimeDemandMean)}) / ${num(r.terms.leadTimeDemandStdDev)} = ${num(r.terms.k, 3)}`}
            />
          ),
          align: 'right',
          nowrap: true,
        },
        {
          header: 'Short',
          cell: (r) => <span title={`Expected shortage over the ${num(r.horizonDays, 1)}-day lead time: σ_LTD·G(k), in units`}>{num(r.expectedShortageUnits, 1)} u</span>,
          align: 'right',
          nowrap: true,
        },
        {
          header: 'Cover',
          cell: (r) => {
            const cover = daysOfCover(r)
            return (
              <span title={`Days of cover = IP ÷ d = ${r.terms.inventoryPosition} ÷ ${num(r.terms.dailyDemandMean, 3)}; lead time L = ${num(r.horizonDays, 2)} days`}>
                <span className={cover !== null && cover < r.horizonDays ? styles.worse : undefined}>{cover === null ? '∞' : `${num(cover, 1)} d`}</span>
                <br />
                <span className={styles.muted}>of {num(r.horizonDays, 1)} d lead</span>
              </span>
            )
          },
          align: 'right',
          nowrap: true,
        },
        { header: 'Why', cell: (r) => <StockoutWhy risk={r} /> },
      ]}
    />
  )
}

function StockoutWhy({ risk: r }: { risk: StockoutRiskRow }) {
  const t = r.terms
  return (
    <Explained
      summary={<>IP {formatCount(t.inventoryPosition)} vs {num(t.leadTimeDemandMean, 1)} expected over the lead time{r.openPurchaseOrders.length ? ` · ${r.openPurchaseOrders.join(', ')}` : ' · no open PO'}</>}
    >
      <p>
        IP = onHand − damaged − QC + incoming + inTransit − reserved − backordered. μ_LTD = d·L, σ_LTD = √(L·σd² + d²·σL²); P = 1 − Φ((IP − μ_LTD) / σ_LTD).
      </p>
      <Terms
        rows={[
          ['onHand', t.onHand], ['damaged', t.damaged], ['QC', t.qualityControl], ['incoming', t.incoming], ['inTransit', t.inTransit],
          ['reserved', t.reserved], ['backordered', t.backordered], ['IP', t.inventoryPosition],
          ['d (units/day)', num(t.dailyDemandMean, 3)], ['σd', num(t.dailyDemandStdDev, 3)], ['days observed', t.demandDaysObserved],
          ['L (days)', `${num(t.leadTimeMeanDays, 2)} ${t.leadTimeBasis.toLowerCase()}`], ['σL', num(t.leadTimeStdDevDays, 2)], ['receipts', t.leadTimeSamples],
          ['μ_LTD', num(t.leadTimeDemandMean, 2)], ['σ_LTD', num(t.leadTimeDemandStdDev, 2)], ['k', num(t.k, 3)], ['ROP', num(t.reorderPoint, 1)],
        ]}
      />
    </Explained>
  )
}
