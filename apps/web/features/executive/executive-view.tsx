'use client'

import { useMemo } from 'react'
import { useQuery } from 'urql'
import { MetricCard } from '@/components/metric-card'
import { MetricGrid, Panel, PanelGrid } from '@/components/panel'
import { DataTable } from '@/components/data-table'
import { CountBarChart } from '@/components/count-bar-chart'
import { formatCount, formatDate, humanize } from '@/lib/format'
import { ViewGate } from '@/features/shell/view-gate'
import { AsOfBar, useRefresh } from '@/features/shell/as-of'
import {
  DAILY_ORDER_DAYS,
  EXECUTIVE_OVERVIEW_QUERY,
  ORDERS_PER_DAY_QUERY,
  executiveOverviewVariables,
  ordersPerDayVariables,
  type ExecutiveOverviewResult,
  type OrdersPerDayResult,
} from './executive.graphql'

export function ExecutiveView() {
  return (
    <ViewGate slug="executive">
      <ExecutiveFigures />
    </ViewGate>
  )
}

function ExecutiveFigures() {
  const variables = useMemo(() => executiveOverviewVariables(), [])
  const perDay = useMemo(() => ordersPerDayVariables(), [])
  const [overview, reOverview] = useQuery<ExecutiveOverviewResult>({ query: EXECUTIVE_OVERVIEW_QUERY, variables })
  const [daily, reDaily] = useQuery<OrdersPerDayResult>({ query: ORDERS_PER_DAY_QUERY, variables: perDay.variables })
  const { asOf, refresh } = useRefresh([reOverview, reDaily])
  const d = overview.data

  const placed = d?.placedLast7Days.totalCount
  const previous = d?.placedPrevious7Days.totalCount
  const change = placed !== undefined && previous ? (placed - previous) / previous : null
  const nodes = d?.locations.nodes.filter((l) => l.isFulfillmentNode)
  const pickCapacity = nodes?.reduce((sum, l) => sum + l.dailyPickCapacity, 0)
  const chart = daily.data
    ? perDay.days.map((day, i) => ({ label: day.toLocaleDateString('en-US', { month: 'short', day: 'numeric' }), count: daily.data![`day${i}`].totalCount }))
    : []

  return (
    <>
      <AsOfBar asOf={asOf} refresh={refresh} />
      <MetricGrid>
        <MetricCard
          id="orders-placed-7d"
          label="Orders placed, last 7 days"
          value={placed}
          fetching={overview.fetching}
          error={overview.error}
          explain={<>Every order placed on any channel since {formatDate(variables.since7)} (local midnight), whatever its status now.</>}
          footnote={
            previous !== undefined && (
              <>
                Previous 7 days: {formatCount(previous)}
                {change !== null && <> ({change >= 0 ? '+' : ''}{(change * 100).toFixed(1)}%)</>}
              </>
            )
          }
        />
        <MetricCard
          id="open-exceptions"
          label="Open exceptions"
          value={d?.openExceptions.totalCount}
          fetching={overview.fetching}
          error={overview.error}
          tone={d && d.overdueExceptions.totalCount > 0 ? 'warn' : 'neutral'}
          explain="Workflow problems (stock shortages, carrier delays, holds…) still open or being worked on, across every team."
          footnote={d && <>{formatCount(d.overdueExceptions.totalCount)} past their due-by time</>}
        />
        <MetricCard
          id="catalog-skus"
          label="SKUs in the catalog"
          value={d?.skus.totalCount}
          fetching={overview.fetching}
          error={overview.error}
          explain="Distinct stock-keeping units the hub knows, active or not."
        />
        <MetricCard
          id="daily-pick-capacity"
          label="Daily pick capacity"
          value={pickCapacity}
          fetching={overview.fetching}
          error={overview.error}
          explain={<>Orders per day the fulfilment nodes can pick, summed over {formatCount(nodes?.length)} node{nodes?.length === 1 ? '' : 's'}.</>}
        />
      </MetricGrid>
      <PanelGrid>
        <Panel
          id="orders-per-day"
          title="Orders placed per day"
          explain={`Count of orders by the local day they were placed, last ${DAILY_ORDER_DAYS} days; today is still counting.`}
        >
          {daily.error ? <p style={{ color: 'var(--bad)' }}>{daily.error.message}</p> : <CountBarChart id="orders-per-day" data={chart} name="Orders" />}
        </Panel>
        <Panel id="network" title="Fulfilment network" explain="Every location, with the orders per day it can pick and its same-day cut-off.">
          <DataTable
            id="locations"
            rows={d?.locations.nodes}
            fetching={overview.fetching}
            rowKey={(l) => l.id}
            empty="No locations yet."
            columns={[
              { header: 'Code', cell: (l) => <strong>{l.code}</strong>, nowrap: true },
              { header: 'Name', cell: (l) => l.name },
              { header: 'Kind', cell: (l) => humanize(l.kind), nowrap: true },
              { header: 'Pick / day', cell: (l) => formatCount(l.dailyPickCapacity), align: 'right', nowrap: true },
              { header: 'Cut-off', cell: (l) => l.cutoffTime, align: 'right' },
            ]}
          />
        </Panel>
      </PanelGrid>
    </>
  )
}
