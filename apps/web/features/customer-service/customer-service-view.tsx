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
import { OrderDetail } from './order-detail'
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
      <PanelGrid layout="narrow-wide">
        <Panel id="order-lookup" title="Find an order" explain="Search by order number (OH-…), customer e-mail or the channel's external id; any part of it, at least 2 characters.">
          <OrderLookup onOpen={setLookup} />
        </Panel>
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
                nowrap: true,
                cell: (o) => (
                  <button type="button" className={styles.linkButton} onClick={() => setLookup(o.number)}>
                    {o.number}
                  </button>
                ),
              },
              { header: 'Customer', cell: (o) => o.customerName },
              { header: 'Channel', cell: (o) => o.channel.code },
              { header: 'Status', cell: (o) => <OrderStatusBadge status={o.status} /> },
              { header: 'Placed', cell: (o) => formatDateTime(o.placedAt), nowrap: true },
              { header: 'Total', cell: (o) => formatMoney(o.totalAmount, o.currency), align: 'right', nowrap: true },
            ]}
          />
        </Panel>
        {lookup && (
          <div className={styles.wide}>
            <Panel id="order-page" title={`Order ${lookup}`} explain="Status, holds, projected dates, exceptions and the full timeline; it updates by itself when the order moves.">
              <OrderDetail key={lookup} number={lookup} />
            </Panel>
          </div>
        )}
      </PanelGrid>
    </>
  )
}
