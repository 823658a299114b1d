'use client'

import { useEffect, useMemo } from 'react'
import { useQuery } from 'urql'
import { MetricCard } from '@/components/metric-card'
import { MetricGrid, Panel, PanelGrid } from '@/components/panel'
import { formatCount, formatPercent, humanize } from '@/lib/format'
import { ViewGate } from '@/features/shell/view-gate'
import { useLiveSnapshot } from '@/features/live/use-live-snapshot'
import { LiveIndicator, worstStatus } from '@/features/live/live-indicator'
import {
  CONFIDENCE_QUERY, CONFIDENCE_SUBSCRIPTION, EXCEPTIONS_CHANGED_SUBSCRIPTION, EXCEPTION_SUMMARY_QUERY, ORDER_AGING_QUERY,
  ORDER_AGING_SUBSCRIPTION, PICK_BACKLOG_QUERY, PICK_BACKLOG_SUBSCRIPTION, AWAITING_SHIPMENT_STATUSES, OPERATIONS_OVERVIEW_QUERY,
  operationsOverviewVariables, type OperationsOverviewResult,
  type ExceptionSummary, type InventoryConfidence, type OrderAging, type PickBacklog,
} from './operations.graphql'
import { OrderAgingChart } from './order-aging-chart'
import { PickBacklogTable } from './pick-backlog-panel'
import { ExceptionQueue } from './exception-queue'
import { LowConfidencePositions } from './low-confidence-positions'
import { ApprovalsInbox } from './approvals-inbox'
import { NodeWorkbench } from './node-workbench'
import styles from './operations.module.css'

export function OperationsView() {
  return (
    <ViewGate slug="operations">
      <LiveOperations />
    </ViewGate>
  )
}

const NO_VARIABLES = {}

function LiveOperations() {
  const aging = useLiveSnapshot<OrderAging, object>(ORDER_AGING_QUERY, ORDER_AGING_SUBSCRIPTION, NO_VARIABLES, 'orderAging')
  const backlog = useLiveSnapshot<PickBacklog, object>(PICK_BACKLOG_QUERY, PICK_BACKLOG_SUBSCRIPTION, NO_VARIABLES, 'pickBacklog')
  const exceptions = useLiveSnapshot<ExceptionSummary, object>(EXCEPTION_SUMMARY_QUERY, EXCEPTIONS_CHANGED_SUBSCRIPTION, NO_VARIABLES, 'exceptionSummary')
  const confidence = useLiveSnapshot<InventoryConfidence, object>(CONFIDENCE_QUERY, CONFIDENCE_SUBSCRIPTION, NO_VARIABLES, 'inventoryConfidence')
  const latest = [aging.data?.asOf, backlog.data?.asOf, exceptions.data?.asOf, confidence.data?.asOf].filter(Boolean).sort().at(-1)
  const a = aging.data
  const oldest = a?.buckets.at(-1)
  // Order-status counts follow the live snapshots: re-read whenever orders or exceptions move.
  const overviewVariables = useMemo(operationsOverviewVariables, [])
  const [overview, reexecuteOverview] = useQuery<OperationsOverviewResult>({ query: OPERATIONS_OVERVIEW_QUERY, variables: overviewVariables })
  useEffect(() => {
    if (a || exceptions.data) reexecuteOverview({ requestPolicy: 'network-only' })
  }, [a?.asOf, exceptions.data?.asOf, reexecuteOverview]) // eslint-disable-line react-hooks/exhaustive-deps
  const o = overview.data
  const oc = { fetching: overview.fetching, error: overview.error }

  return (
    <>
      <div className={styles.toolbar}>
        <p>Pushed live from the hub as orders, stock and exceptions change; hover a number to see what it counts.</p>
        <LiveIndicator status={worstStatus([aging.status, backlog.status, exceptions.status, confidence.status])} asOf={latest} />
      </div>
      <MetricGrid>
        <MetricCard
          id="open-orders"
          label="Open orders"
          value={a?.total}
          fetching={aging.fetching}
          error={aging.error}
          explain="Orders placed and not yet shipped, delivered or cancelled (pending, on hold, allocated, released, in fulfilment, backordered, partly shipped)."
          footnote={a && oldest ? <>{formatCount(oldest.count)} older than 48 h</> : undefined}
        />
        <MetricCard
          id="past-ship-by"
          label="Past ship-by"
          value={a?.pastShipBy}
          fetching={aging.fetching}
          error={aging.error}
          tone={a && a.pastShipBy > 0 ? 'bad' : 'good'}
          explain="Open orders whose promised ship-by time has already passed: late unless they leave now."
          footnote={a && a.byStatus.length > 0 ? <>Most in {humanize([...a.byStatus].sort((x, y) => y.pastShipBy - x.pastShipBy)[0].status)}</> : undefined}
        />
        <MetricCard
          id="pick-backlog"
          label="Pick backlog"
          value={backlog.data?.totalBacklog}
          fetching={backlog.fetching}
          error={backlog.error}
          explain="Fulfilment orders released to the floor or being picked and not yet packed, across all nodes."
          footnote={backlog.data && <>Network pick capacity {formatCount(backlog.data.totalCapacity)} fulfilment orders / day</>}
        />
        <MetricCard
          id="inventory-confidence"
          label="Inventory confidence"
          value={confidence.data?.overall}
          format={(v) => formatPercent(v)}
          fetching={confidence.fetching}
          error={confidence.error}
          tone={confidence.data && confidence.data.belowThreshold > 0 ? 'warn' : 'good'}
          explain="Mean confidence (0–100%) that the stock figures are right, over every stock position: count age, count variance, feed freshness, unreconciled deltas and manual adjustments."
          footnote={confidence.data && <>{formatCount(confidence.data.belowThreshold)} of {formatCount(confidence.data.positions)} positions below {formatPercent(confidence.data.threshold)}</>}
        />
      </MetricGrid>
      <MetricGrid>
        <MetricCard
          id="orders-awaiting-shipment"
          label="Orders waiting to ship"
          value={o?.awaitingShipment.totalCount}
          {...oc}
          explain={<>Orders not yet fully shipped and free to move: {AWAITING_SHIPMENT_STATUSES.map(humanize).join(', ')}.</>}
        />
        <MetricCard
          id="orders-on-hold"
          label="Orders on hold"
          value={o?.onHold.totalCount}
          {...oc}
          tone={o && o.onHold.totalCount > 0 ? 'warn' : 'neutral'}
          explain="Stopped for payment, fraud or address checks; they cannot be released until the hold is cleared."
        />
        <MetricCard
          id="orders-backordered"
          label="Orders backordered"
          value={o?.backordered.totalCount}
          {...oc}
          tone={o && o.backordered.totalCount > 0 ? 'bad' : 'neutral'}
          explain="Orders with no stock to allocate anywhere in the network; they wait for receipts or transfers."
        />
        <MetricCard
          id="operations-exceptions"
          label="Open operations exceptions"
          value={o?.operationsExceptions.totalCount}
          {...oc}
          tone={o && o.operationsOverdue.totalCount > 0 ? 'warn' : 'neutral'}
          explain="Exceptions owned by the Operations team that are open or in progress."
          footnote={o && <>{formatCount(o.operationsOverdue.totalCount)} past their due-by time{exceptions.data ? ` · ${formatCount(exceptions.data.open)} open across all teams` : ''}</>}
        />
      </MetricGrid>
      <PanelGrid>
        <Panel
          id="order-aging"
          title="Order aging"
          explain="Open orders by time since they were placed, stacked by the node working them (grey: not routed to a node yet). A split order counts at each of its nodes. Ages move every 30 s even without new events."
        >
          {a ? <OrderAgingChart aging={a} /> : <p className={styles.muted}>{aging.error ? 'Order aging is not available.' : 'Loading…'}</p>}
        </Panel>
        <Panel
          id="pick-backlog"
          title="Pick backlog vs capacity"
          explain="Per node: fulfilment orders released or being picked (not yet packed) against how many the node can pick in a day; released and picked counts are for the node's local calendar day."
        >
          <PickBacklogTable backlog={backlog.data} fetching={backlog.fetching} />
        </Panel>
        <div className={styles.wide}>
          <Panel
            id="approvals-inbox"
            title="Approvals inbox"
            explain="Everything waiting on a person's decision, oldest first: adjustments over the approval threshold, transfer requests, 3PL feed discrepancies and recounts beyond tolerance. Nobody may decide what they requested; the API's answer shows on the row."
          >
            <ApprovalsInbox refreshKey={exceptions.data?.asOf} />
          </Panel>
        </div>
        <div className={styles.wide}>
          <Panel
            id="node-workbench"
            title="Nodes: release, waves and moves"
            explain="Per fulfilment node: fulfilment orders released today against its daily pick capacity, release the queue now or create a pick wave, and move a fulfilment order that is not yet being picked to another node (all or nothing: the new node must be able to promise every unit)."
          >
            <NodeWorkbench backlog={backlog.data} />
          </Panel>
        </div>
        <div className={styles.wide}>
          <Panel id="exception-queue" title="Exception queue" explain="Unresolved exceptions, earliest due-by first. Assign one to yourself or resolve it with a note; the list follows live changes.">
            <ExceptionQueue summary={exceptions.data} />
          </Panel>
        </div>
        <div className={styles.wide}>
          <Panel
            id="low-confidence"
            title="Lowest-confidence stock positions"
            explain="The stock figures least likely to be right, weakest first, with the factors behind each score (1 = no doubt). Below the threshold a position is not promised to customers."
          >
            <LowConfidencePositions confidence={confidence.data} fetching={confidence.fetching} />
          </Panel>
        </div>
      </PanelGrid>
    </>
  )
}
