'use client'

import { useMemo } from 'react'
import { useQuery } from 'urql'
import { MetricCard } from '@/components/metric-card'
import { MetricGrid, Panel, PanelGrid } from '@/components/panel'
import { Badge, DataTable } from '@/components/data-table'
import { SeverityBadge } from '@/components/order-status'
import { formatCount, formatDateTime, humanize } from '@/lib/format'
import { ViewGate } from '@/features/shell/view-gate'
import { AsOfBar, useRefresh } from '@/features/shell/as-of'
import { AWAITING_SHIPMENT_STATUSES, OPERATIONS_OVERVIEW_QUERY, operationsOverviewVariables, type OperationsOverviewResult } from './operations.graphql'

export function OperationsView() {
  return (
    <ViewGate slug="operations">
      <OperationsFigures />
    </ViewGate>
  )
}

function OperationsFigures() {
  const variables = useMemo(operationsOverviewVariables, [])
  const [result, reexecute] = useQuery<OperationsOverviewResult>({ query: OPERATIONS_OVERVIEW_QUERY, variables })
  const { asOf, refresh } = useRefresh([reexecute])
  const d = result.data
  const common = { fetching: result.fetching, error: result.error }

  return (
    <>
      <AsOfBar asOf={asOf} refresh={refresh} />
      <MetricGrid>
        <MetricCard
          id="orders-awaiting-shipment"
          label="Orders waiting to ship"
          value={d?.awaitingShipment.totalCount}
          {...common}
          explain={<>Orders not yet fully shipped and free to move: {AWAITING_SHIPMENT_STATUSES.map(humanize).join(', ')}.</>}
        />
        <MetricCard
          id="orders-on-hold"
          label="Orders on hold"
          value={d?.onHold.totalCount}
          {...common}
          tone={d && d.onHold.totalCount > 0 ? 'warn' : 'neutral'}
          explain="Stopped for payment, fraud or address checks; they cannot be released until the hold is cleared."
        />
        <MetricCard
          id="orders-backordered"
          label="Orders backordered"
          value={d?.backordered.totalCount}
          {...common}
          tone={d && d.backordered.totalCount > 0 ? 'bad' : 'neutral'}
          explain="Orders with no stock to allocate anywhere in the network; they wait for receipts or transfers."
        />
        <MetricCard
          id="operations-exceptions"
          label="Open operations exceptions"
          value={d?.operationsExceptions.totalCount}
          {...common}
          tone={d && d.operationsOverdue.totalCount > 0 ? 'warn' : 'neutral'}
          explain="Exceptions owned by the Operations team that are open or in progress."
          footnote={d && <>{formatCount(d.operationsOverdue.totalCount)} past their due-by time</>}
        />
      </MetricGrid>
      <PanelGrid>
        <Panel id="exception-queue" title="Exception queue" explain="The 10 most urgent open Operations exceptions, earliest due-by first.">
          <DataTable
            id="exception-queue"
            rows={d?.exceptionQueue.nodes}
            fetching={result.fetching}
            rowKey={(e) => e.id}
            empty="Nothing open for Operations."
            columns={[
              { header: 'Exception', cell: (e) => <strong>{e.title}</strong> },
              { header: 'Type', cell: (e) => humanize(e.type) },
              { header: 'Severity', cell: (e) => <SeverityBadge severity={e.severity} /> },
              { header: 'Due', cell: (e) => (e.overdue ? <Badge tone="bad">Overdue · {formatDateTime(e.dueBy)}</Badge> : formatDateTime(e.dueBy)) },
            ]}
          />
        </Panel>
        <Panel id="capacity" title="Warehouse capacity" explain="Orders per day each location can pick and pack, and its same-day cut-off (local time).">
          <DataTable
            id="capacity"
            rows={d?.locations.nodes}
            fetching={result.fetching}
            rowKey={(l) => l.id}
            empty="No locations yet."
            columns={[
              { header: 'Location', cell: (l) => (<><strong>{l.code}</strong> <span style={{ color: 'var(--muted)' }}>{l.name}</span></>) },
              { header: 'Kind', cell: (l) => humanize(l.kind) + (l.feedManaged ? ' (feed)' : '') },
              { header: 'Pick / day', cell: (l) => formatCount(l.dailyPickCapacity), align: 'right' },
              { header: 'Pack / day', cell: (l) => formatCount(l.dailyPackCapacity), align: 'right' },
              { header: 'Cut-off', cell: (l) => l.cutoffTime, align: 'right' },
            ]}
          />
        </Panel>
      </PanelGrid>
    </>
  )
}
