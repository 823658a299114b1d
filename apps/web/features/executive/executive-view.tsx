'use client'

import { useMemo } from 'react'
import { useQuery } from 'urql'
import { Panel, PanelGrid } from '@/components/panel'
import { DateRangePicker } from '@/components/date-range-picker'
import { describeError } from '@/components/metric-card'
import { formatCount, formatMoney } from '@/lib/format'
import { lastDays, rangeDays, rangeInstants, useDayRange } from '@/lib/date-range'
import { ViewActions, ViewGate } from '@/features/shell/view-gate'
import { useLiveSnapshot } from '@/features/live/use-live-snapshot'
import { LiveIndicator, worstStatus } from '@/features/live/live-indicator'
import {
  EXECUTIVE_QUERY, KPIS_TODAY_QUERY, KPIS_TODAY_SUBSCRIPTION, KPI_NAMES, KPI_SECTIONS, NODE_AGING_QUERY, NODE_AGING_SUBSCRIPTION, NODE_BACKLOG_QUERY,
  NODE_BACKLOG_SUBSCRIPTION, ORDERS_AT_RISK_QUERY, STOCKOUT_RISKS_QUERY, SUPPLIER_SCORECARDS_QUERY, browserTimeZone, executiveVariables,
  type ExecutiveResult, type KpisToday, type NodeAging, type NodeBacklog, type OrdersAtRiskResult, type StockoutRisksResult, type SupplierScorecardsResult,
} from './executive.graphql'
import { KpiTile } from './kpi-tile'
import { NodeRiskTable, nodeRisks, type SlaThreshold } from './node-risk-panel'
import { SupplierRiskTable } from './supplier-risk-panel'
import { OrdersAtRiskTable } from './orders-at-risk-panel'
import { StockoutRisksTable } from './stockout-risks-panel'
import styles from './executive.module.css'

export function ExecutiveView() {
  return (
    <ViewGate slug="executive">
      <ExecutiveFigures />
    </ViewGate>
  )
}

function ExecutiveFigures() {
  const [range, setRange] = useDayRange(() => lastDays(30))
  const timeZone = useMemo(browserTimeZone, [])
  const variables = useMemo(() => executiveVariables(rangeInstants(range), timeZone), [range, timeZone])
  const [result] = useQuery<ExecutiveResult>({ query: EXECUTIVE_QUERY, variables })
  const live = useMemo(() => ({ tz: timeZone }), [timeZone])
  const today = useLiveSnapshot<KpisToday, typeof live>(KPIS_TODAY_QUERY, KPIS_TODAY_SUBSCRIPTION, live, 'kpisChanged')
  const aging = useLiveSnapshot<NodeAging, object>(NODE_AGING_QUERY, NODE_AGING_SUBSCRIPTION, NO_VARIABLES, 'orderAging')
  const backlog = useLiveSnapshot<NodeBacklog, object>(NODE_BACKLOG_QUERY, NODE_BACKLOG_SUBSCRIPTION, NO_VARIABLES, 'pickBacklog')
  const latest = [today.data?.asOf, aging.data?.asOf, backlog.data?.asOf].filter(Boolean).sort().at(-1)

  const d = result.data
  const group = d?.period.groups[0]
  const days = rangeDays(range)
  const trends = useMemo(() => {
    const byName = new Map<string, Array<{ day: string; value: number | null }>>()
    for (const name of KPI_NAMES) byName.set(name, (d?.trend.groups ?? []).map((g) => ({ day: g.key, value: g[name].value })))
    return byName
  }, [d])
  const risks = nodeRisks(backlog.data, aging.data)
  const commitments = d?.purchaseCommitments
  // Predictions are read when the view opens (no subscription carries them); each panel owns its document, so one
  // that fails says so in its own panel.
  const [atRisk] = useQuery<OrdersAtRiskResult>({ query: ORDERS_AT_RISK_QUERY })
  const [stockouts] = useQuery<StockoutRisksResult>({ query: STOCKOUT_RISKS_QUERY })
  const [scorecards] = useQuery<SupplierScorecardsResult>({ query: SUPPLIER_SCORECARDS_QUERY })
  const ranked = atRisk.data?.ordersAtRisk
  const slaThreshold: SlaThreshold = ranked ? (ranked.nodes.find((o) => o.slaRisk)?.slaRisk?.threshold ?? 'none') : undefined
  const replenishment = stockouts.data?.replenishmentRisk

  return (
    <>
      <ViewActions>
        <LiveIndicator status={worstStatus([today.status, aging.status, backlog.status])} asOf={latest} />
      </ViewActions>
      <div className={styles.toolbar}>
        <DateRangePicker id="executive" value={range} onChange={setRange} />
        <p>
          KPIs over the period against their targets and the {days} days before; the line under each is its daily trend,
          and today’s value is pushed live.
        </p>
      </div>
      {result.error && <p className={styles.error}>{describeError(result.error)}</p>}
      {KPI_SECTIONS.map((section) => (
        <section key={section.title} className={styles.tileSection} aria-label={section.title} aria-busy={result.fetching}>
          <h2>{section.title}</h2>
          <div className={styles.tiles}>
            {section.names.map((name) =>
              d && group ? (
                <KpiTile
                  key={name}
                  definition={d.period.definitions.find((x) => x.name === name)!}
                  value={group[name]}
                  trend={trends.get(name) ?? []}
                  today={today.data?.groups[0]?.[name]}
                  periodDays={days}
                />
              ) : (
                <div key={name} className={styles.tileSkeleton} />
              ),
            )}
          </div>
        </section>
      ))}

      <PanelGrid>
        <Panel
          id="node-risk"
          wide
          title="Node risk"
          explain="Where fulfilment is constrained, live: released work against a day of picking, what waits for release, and how old the open orders are."
        >
          <NodeRiskTable rows={risks} fetching={!risks && (aging.fetching || backlog.fetching)} slaThreshold={slaThreshold} />
        </Panel>
        <Panel
          id="supplier-risk"
          wide
          title="Supplier risk"
          explain={
            commitments ? (
              <>
                {formatCount(commitments.openPurchaseOrders)} open purchase orders worth {formatMoney(commitments.value)};{' '}
                {formatCount(commitments.latePurchaseOrders)} past their expected arrival ({formatMoney(commitments.lateValue)}).
              </>
            ) : (
              'Open purchase orders per supplier, the late ones first.'
            )
          }
        >
          {scorecards.error && <p className={styles.error}>{describeError(scorecards.error)}</p>}
          <SupplierRiskTable rows={commitments?.bySupplier} scorecards={scorecards.data?.suppliers.nodes} fetching={result.fetching} />
        </Panel>
        <Panel
          id="orders-at-risk"
          wide
          title="Orders at risk of missing ship-by"
          explain={
            <>
              The 10 open orders{ranked ? ` (of ${formatCount(ranked.totalCount)})` : ''} most likely to miss their promised ship-by: the share of past
              order-moments like each one (status, node, service level, time left, place in the release queue) that were still open at their ship-by.
              {slaThreshold !== undefined && slaThreshold !== 'none' && <> An exception opens at {Math.round(slaThreshold * 100)}%.</>} “How” shows the history and inputs.
            </>
          }
        >
          {atRisk.error && <p className={styles.error}>{describeError(atRisk.error)}</p>}
          <OrdersAtRiskTable rows={ranked?.nodes} fetching={atRisk.fetching} />
        </Panel>
        <Panel
          id="stockout-risks"
          wide
          title="Top stockout risks"
          explain={
            <>
              SKU × node positions most likely to run out before a new order could arrive: P = 1 − Φ((IP − d·L) / σ_LTD)
              {replenishment && <>; {formatCount(replenishment.atRisk)} of {formatCount(replenishment.positions)} planned positions are at or above {Math.round(replenishment.threshold * 100)}%</>}.
              Cover = inventory position ÷ daily demand, against the lead time L.
            </>
          }
        >
          {stockouts.error && <p className={styles.error}>{describeError(stockouts.error)}</p>}
          <StockoutRisksTable rows={stockouts.data?.stockoutRisks.nodes} threshold={replenishment?.threshold ?? 0.5} fetching={stockouts.fetching} />
        </Panel>
      </PanelGrid>
    </>
  )
}

const NO_VARIABLES = {}
