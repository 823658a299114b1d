'use client'

import { Panel } from '@/components/panel'
import { formatCount } from '@/lib/format'
import type { ReplenishmentRisk } from './procurement.graphql'
import { RiskBar } from './risk-bar'
import styles from './procurement.module.css'

/** The live replenishment-risk snapshot: how many positions are likely to run out within their lead time, and which. */
export function ReplenishmentRiskPanel({ risk, fetching }: { risk?: ReplenishmentRisk; fetching: boolean }) {
  return (
    <Panel
      id="replenishment-risk"
      wide
      title="Replenishment risk, live"
      explain={
        <>
          Positions whose chance of running out before a new order could arrive, P = 1 − Φ((IP − d·L) / σ), is at least {risk ? `${(risk.threshold * 100).toFixed(0)}%` : 'the threshold'}.
          Pushed when stock or purchase orders change.
        </>
      }
    >
      <div className={styles.riskHeadline} data-at-risk={risk?.atRisk}>
        <strong>{risk ? formatCount(risk.atRisk) : fetching ? '…' : '—'}</strong>
        <span className={styles.muted}>{risk ? `of ${formatCount(risk.positions)} planned positions at risk` : ''}</span>
      </div>
      <ol className={styles.riskList} data-list="top-risks">
        {risk?.top.map((r) => (
          <li key={`${r.sku}@${r.locationCode}`} data-risk-sku={r.sku}>
            <span title={r.skuName}>
              <strong>{r.sku}</strong> <span className={styles.muted}>at {r.locationCode}</span>
            </span>
            <RiskBar probability={r.probability} threshold={risk.threshold} />
            <span className={styles.muted} title={`Inventory position ${r.terms.inventoryPosition} against ${r.terms.leadTimeDemandMean.toFixed(2)} units of expected demand (σ ${r.terms.leadTimeDemandStdDev.toFixed(2)}) over a ${r.horizonDays.toFixed(1)}-day lead time${r.openPurchaseOrders.length ? `; open: ${r.openPurchaseOrders.join(', ')}` : ''}`}>
              IP {formatCount(r.terms.inventoryPosition)} · μ {r.terms.leadTimeDemandMean.toFixed(1)}
              {r.openPurchaseOrders.length ? ` · ${r.openPurchaseOrders[0]}` : ''}
            </span>
          </li>
        ))}
      </ol>
    </Panel>
  )
}
