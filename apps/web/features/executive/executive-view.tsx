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
  NODE_BACKLOG_SUBSCRIPTION, browserTimeZone, executiveVariables, type ExecutiveResult, type KpisToday, type NodeAging, type NodeBacklog,
} from './executive.graphql'
import { KpiTile } from './kpi-tile'
import { NodeRiskTable, nodeRisks } from './node-risk-panel'
import { SupplierRiskTable } from './supplier-risk-panel'
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
          <NodeRiskTable rows={risks} fetching={!risks && (aging.fetching || backlog.fetching)} />
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
          <SupplierRiskTable rows={commitments?.bySupplier} fetching={result.fetching} />
        </Panel>
        {/*
          WIRED AFTER MERGE (engineer `predict`): "Orders at risk of missing ship-by" - ordersAtRisk(first: 10) ranked by
          Order.slaRisk.probability, with each order's basis and terms. This panel holds its place; it queries nothing
          until that field exists.
        */}
        <Panel id="orders-at-risk" title="Orders at risk of missing ship-by" explain="Open orders ranked by the probability that they miss their promised ship-by.">
          <p className={styles.pending} data-pending="ordersAtRisk">
            The ranked list arrives with the SLA-risk model. Until then, Node risk shows the orders already past their ship-by.
          </p>
        </Panel>
        {/*
          WIRED AFTER MERGE (engineer `procure`): "Top stockout risks" - stockoutRisks(first: 10): SKU x node with the
          probability of a stockout within the lead time and its inputs. This panel holds its place; it queries nothing
          until that field exists.
        */}
        <Panel id="stockout-risks" title="Top stockout risks" explain="SKUs most likely to run out at a node before replenishment arrives.">
          <p className={styles.pending} data-pending="stockoutRisks">
            The ranked list arrives with the replenishment model (stockout probability within lead time).
          </p>
        </Panel>
      </PanelGrid>
    </>
  )
}

const NO_VARIABLES = {}
