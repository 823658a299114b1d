'use client'

import { useEffect, useState } from 'react'
import { useMutation, useQuery } from 'urql'
import { MetricCard, describeError } from '@/components/metric-card'
import { MetricGrid, PanelGrid } from '@/components/panel'
import { ViewGate } from '@/features/shell/view-gate'
import { useSession } from '@/features/session/session-provider'
import { useLiveSnapshot } from '@/features/live/use-live-snapshot'
import { LiveIndicator } from '@/features/live/live-indicator'
import {
  GENERATE_SUGGESTIONS_MUTATION, PROCUREMENT_OVERVIEW_QUERY, REPLENISHMENT_RISK_QUERY, REPLENISHMENT_RISK_SUBSCRIPTION,
  type ProcurementOverviewResult, type ReplenishmentRisk,
} from './procurement.graphql'
import { SuggestionsPanel } from './suggestions-panel'
import { PurchaseOrdersPanel } from './purchase-orders-panel'
import { SupplierScorecards } from './supplier-scorecards'
import { ReplenishmentRiskPanel } from './replenishment-risk-panel'
import styles from './procurement.module.css'

export function ProcurementView() {
  return (
    <ViewGate slug="procurement">
      <Procurement />
    </ViewGate>
  )
}

const NO_VARIABLES = {}

function Procurement() {
  const { session } = useSession()
  const role = session.status === 'signed-in' ? session.claims.role : null
  // Buyers act; executives watch.
  const canAct = role === 'PROCUREMENT' || role === 'ADMIN'
  const [overview, reexecuteOverview] = useQuery<ProcurementOverviewResult>({ query: PROCUREMENT_OVERVIEW_QUERY })
  const risk = useLiveSnapshot<ReplenishmentRisk, object>(REPLENISHMENT_RISK_QUERY, REPLENISHMENT_RISK_SUBSCRIPTION, NO_VARIABLES, 'replenishmentRisk')
  const [refreshKey, setRefreshKey] = useState(0)
  const [planning, plan] = useMutation(GENERATE_SUGGESTIONS_MUTATION)
  const [planned, setPlanned] = useState<string | null>(null)
  // Suggestions and orders follow the live risk: a reservation or receipt that moves it re-reads them.
  useEffect(() => {
    if (risk.data) setRefreshKey((k) => k + 1)
  }, [risk.data?.asOf]) // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (refreshKey) reexecuteOverview({ requestPolicy: 'network-only' })
  }, [refreshKey, reexecuteOverview])
  const d = overview.data
  const common = { fetching: overview.fetching, error: overview.error }

  async function planNow() {
    const res = await plan({})
    const payload = res.data?.generateReplenishmentSuggestions
    const problem = res.error ? describeError(res.error) : payload?.userErrors?.[0]?.message
    setPlanned(problem ?? `Planned ${payload.run.planned} positions: ${payload.run.due} due (${payload.run.created} new, ${payload.run.expired} no longer due).`)
    setRefreshKey((k) => k + 1)
  }

  return (
    <>
      <div className={styles.toolbar}>
        <p>{planned ?? 'Suggestions are planned nightly and whenever stock at a position moves; ranked by the chance of running out before a new order could arrive.'}</p>
        <div className={styles.toolbarRight}>
          {canAct && (
            <button type="button" className={`${styles.button} ${styles.secondary}`} disabled={planning.fetching} onClick={() => void planNow()} data-action="plan-now">
              {planning.fetching ? 'Planning…' : 'Plan now'}
            </button>
          )}
          <LiveIndicator status={risk.status} asOf={risk.data?.asOf} />
        </div>
      </div>
      <MetricGrid>
        <MetricCard
          id="positions-at-risk"
          label="Positions at risk"
          value={risk.data?.atRisk}
          fetching={risk.fetching}
          error={risk.error}
          tone={risk.data && risk.data.atRisk > 0 ? 'bad' : 'good'}
          explain="SKU × node positions likely to run out within their lead time (stockout probability at or above the threshold). Live."
          footnote={risk.data ? <>of {risk.data.positions} planned positions</> : undefined}
        />
        <MetricCard
          id="orders-waiting-on-stock"
          label="Orders waiting on stock"
          value={d?.backordered.totalCount}
          {...common}
          tone={d && d.backordered.totalCount > 0 ? 'bad' : 'neutral'}
          explain="Orders backordered or only partly allocated: demand the network could not cover when they were placed."
        />
        <MetricCard
          id="procurement-exceptions"
          label="Open procurement exceptions"
          value={d?.procurementExceptions.totalCount}
          {...common}
          explain="Exceptions owned by Procurement (late purchase orders, replenishment risk…) still open or in progress."
        />
        <MetricCard id="catalog-skus" label="SKUs in the catalog" value={d?.skus.totalCount} {...common} explain="Distinct stock-keeping units the hub knows, active or not." />
        <MetricCard
          id="stock-positions"
          label="Stock positions tracked"
          value={d?.stockPositions.totalCount}
          {...common}
          explain="SKU × location pairs with a stock record: each one has on-hand, reserved, incoming and safety-stock buckets."
        />
      </MetricGrid>
      <PanelGrid>
        <SuggestionsPanel refreshKey={refreshKey} canApprove={canAct} onApproved={() => setRefreshKey((k) => k + 1)} />
      </PanelGrid>
      <div className={styles.gap} />
      <PanelGrid>
        <ReplenishmentRiskPanel risk={risk.data} fetching={risk.fetching} />
      </PanelGrid>
      <div className={styles.gap} />
      <PanelGrid>
        <PurchaseOrdersPanel refreshKey={refreshKey} />
      </PanelGrid>
      <div className={styles.gap} />
      <PanelGrid>
        <SupplierScorecards />
      </PanelGrid>
    </>
  )
}
