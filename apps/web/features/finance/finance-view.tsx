'use client'

import { useMemo } from 'react'
import { useQuery } from 'urql'
import { MetricCard } from '@/components/metric-card'
import { MetricGrid, Panel, PanelGrid } from '@/components/panel'
import { DataTable } from '@/components/data-table'
import { OrderStatusBadge } from '@/components/order-status'
import { formatCount, formatDate, formatPercent } from '@/lib/format'
import { ViewGate } from '@/features/shell/view-gate'
import { AsOfBar, useRefresh } from '@/features/shell/as-of'
import { FINANCE_OVERVIEW_QUERY, FINANCE_WINDOW_DAYS, ORDER_STATUSES, financeOverviewVariables, type FinanceOverviewResult } from './finance.graphql'

export function FinanceView() {
  return (
    <ViewGate slug="finance">
      <FinanceFigures />
    </ViewGate>
  )
}

function FinanceFigures() {
  const variables = useMemo(() => financeOverviewVariables(), [])
  const [result, reexecute] = useQuery<FinanceOverviewResult>({ query: FINANCE_OVERVIEW_QUERY, variables })
  const { asOf, refresh } = useRefresh([reexecute])
  const d = result.data
  const common = { fetching: result.fetching, error: result.error }
  const since = formatDate(variables.since)
  const cancelled = d?.CANCELLED.totalCount
  const rate = d && d.placed.totalCount > 0 ? d.CANCELLED.totalCount / d.placed.totalCount : null
  const byStatus = d ? ORDER_STATUSES.map((status) => ({ status, count: d[status].totalCount })).filter((r) => r.count > 0) : undefined

  return (
    <>
      <AsOfBar asOf={asOf} refresh={refresh} />
      <MetricGrid>
        <MetricCard
          id="orders-placed-30d"
          label={`Orders placed, last ${FINANCE_WINDOW_DAYS} days`}
          value={d?.placed.totalCount}
          {...common}
          explain={<>Every order placed on any channel since {since}, whatever its status now.</>}
        />
        <MetricCard
          id="orders-cancelled-30d"
          label="Cancelled"
          value={cancelled}
          {...common}
          tone={rate !== null && rate > 0.05 ? 'warn' : 'neutral'}
          explain={<>Orders placed since {since} that are now cancelled.</>}
          footnote={<>Cancellation rate {formatPercent(rate)} = cancelled ÷ placed in the same window</>}
        />
        <MetricCard
          id="orders-returned-30d"
          label="Returns"
          value={d?.returns.totalCount}
          {...common}
          explain={<>Orders placed since {since} with a return requested or received.</>}
        />
        <MetricCard
          id="finance-exceptions"
          label="Open finance exceptions"
          value={d?.financeExceptions.totalCount}
          {...common}
          explain="Exceptions owned by Finance (payment holds, adjustment approvals…) still open or in progress."
        />
      </MetricGrid>
      <PanelGrid>
        <Panel id="orders-by-status" title={`Orders by status, last ${FINANCE_WINDOW_DAYS} days`} explain={<>Orders placed since {since}, by the status they are in now (statuses with no orders are left out).</>}>
          <DataTable
            id="orders-by-status"
            rows={byStatus}
            fetching={result.fetching}
            rowKey={(r) => r.status}
            empty="No orders in the window."
            columns={[
              { header: 'Status', cell: (r) => <OrderStatusBadge status={r.status} /> },
              { header: 'Orders', cell: (r) => formatCount(r.count), align: 'right' },
              { header: 'Share', cell: (r) => formatPercent(d && d.placed.totalCount > 0 ? r.count / d.placed.totalCount : null), align: 'right' },
            ]}
          />
        </Panel>
      </PanelGrid>
    </>
  )
}
