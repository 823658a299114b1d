'use client'

import { useMemo, useState } from 'react'
import { useQuery } from 'urql'
import { MetricCard } from '@/components/metric-card'
import { MetricGrid, Panel, PanelGrid } from '@/components/panel'
import { DataTable } from '@/components/data-table'
import { OrderStatusBadge } from '@/components/order-status'
import { formatDate, formatDateTime, formatMoney } from '@/lib/format'
import { ViewGate } from '@/features/shell/view-gate'
import { AsOfBar, useRefresh } from '@/features/shell/as-of'
import { CUSTOMER_SERVICE_OVERVIEW_QUERY, customerServiceOverviewVariables, type CustomerServiceOverviewResult } from './customer-service.graphql'
import { OrderLookup } from './order-lookup'
import styles from './customer-service.module.css'

export function CustomerServiceView() {
  return (
    <ViewGate slug="customer-service">
      <CustomerServiceFigures />
    </ViewGate>
  )
}

function CustomerServiceFigures() {
  const variables = useMemo(() => customerServiceOverviewVariables(), [])
  const [result, reexecute] = useQuery<CustomerServiceOverviewResult>({ query: CUSTOMER_SERVICE_OVERVIEW_QUERY, variables })
  const { asOf, refresh } = useRefresh([reexecute])
  const [lookup, setLookup] = useState('')
  const d = result.data
  const common = { fetching: result.fetching, error: result.error }

  return (
    <>
      <AsOfBar asOf={asOf} refresh={refresh} />
      <MetricGrid>
        <MetricCard
          id="orders-on-hold"
          label="Customers waiting on a hold"
          value={d?.onHold.totalCount}
          {...common}
          tone={d && d.onHold.totalCount > 0 ? 'warn' : 'neutral'}
          explain="Orders on hold for payment, fraud or address checks: the customers most likely to get in touch."
        />
        <MetricCard
          id="customer-service-exceptions"
          label="Open customer-service exceptions"
          value={d?.customerServiceExceptions.totalCount}
          {...common}
          explain="Exceptions owned by Customer service (invalid addresses, delivery problems…) still open or in progress."
        />
        <MetricCard
          id="orders-placed-today"
          label="Orders placed today"
          value={d?.placedToday.totalCount}
          {...common}
          explain={<>Orders placed on any channel since local midnight ({formatDate(variables.today)}).</>}
        />
      </MetricGrid>
      <PanelGrid>
        <OrderLookup key={lookup} number={lookup} onNumber={setLookup} />
        <Panel id="recent-orders" title="Latest orders" explain="The 10 newest orders on every channel; pick one to look it up.">
          <DataTable
            id="recent-orders"
            rows={d?.recentOrders.nodes}
            fetching={result.fetching}
            rowKey={(o) => o.id}
            empty="No orders yet."
            columns={[
              {
                header: 'Order',
                cell: (o) => (
                  <button type="button" className={styles.linkButton} onClick={() => setLookup(o.number)}>
                    {o.number}
                  </button>
                ),
              },
              { header: 'Customer', cell: (o) => o.customerName },
              { header: 'Channel', cell: (o) => o.channel.code },
              { header: 'Status', cell: (o) => <OrderStatusBadge status={o.status} /> },
              { header: 'Placed', cell: (o) => formatDateTime(o.placedAt) },
              { header: 'Total', cell: (o) => formatMoney(o.totalAmount, o.currency), align: 'right' },
            ]}
          />
        </Panel>
      </PanelGrid>
    </>
  )
}
