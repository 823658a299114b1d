'use client'

import { useState, type FormEvent } from 'react'
import { useQuery } from 'urql'
import { Panel } from '@/components/panel'
import { DataTable } from '@/components/data-table'
import { OrderStatusBadge } from '@/components/order-status'
import { describeError } from '@/components/metric-card'
import { formatDateTime, formatMoney, humanize } from '@/lib/format'
import { ORDER_BY_NUMBER_QUERY, type OrderByNumberResult } from './customer-service.graphql'
import styles from './customer-service.module.css'

/** Finds one order by its number and shows what a customer would ask about. */
export function OrderLookup({ number, onNumber }: { number: string; onNumber: (n: string) => void }) {
  const [draft, setDraft] = useState(number)
  const [result] = useQuery<OrderByNumberResult>({ query: ORDER_BY_NUMBER_QUERY, variables: { number }, pause: !number })

  function submit(e: FormEvent) {
    e.preventDefault()
    onNumber(draft.trim().toUpperCase())
  }
  const order = result.data?.order

  return (
    <Panel id="order-lookup" title="Order lookup" explain="Enter an order number (e.g. OH-1001) to see its status, lines and dates.">
      <form className={styles.search} onSubmit={submit} role="search">
        <input aria-label="Order number" placeholder="Order number" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit" disabled={!draft.trim()}>
          Look up
        </button>
      </form>
      {number && result.fetching && !result.data && <p className={styles.muted}>Looking up {number}…</p>}
      {result.error && <p className={styles.error}>{describeError(result.error)}</p>}
      {number && result.data && !order && <p className={styles.muted}>No order {number} (or not visible to your role).</p>}
      {order && (
        <div className={styles.order} data-order={order.number}>
          <div className={styles.orderHead}>
            <div>
              <h3>{order.number}</h3>
              <p className={styles.muted}>
                {order.channel.name} · external id {order.externalId}
              </p>
            </div>
            <OrderStatusBadge status={order.status} />
          </div>
          <dl className={styles.facts}>
            <dt>Customer</dt>
            <dd>
              {order.customerName} · {order.customerEmail}
            </dd>
            <dt>Placed</dt>
            <dd>{formatDateTime(order.placedAt)}</dd>
            <dt>Ship by</dt>
            <dd>{order.shipBy ? formatDateTime(order.shipBy) : 'Not set yet'}</dd>
            <dt>Service</dt>
            <dd>{humanize(order.serviceLevel)}</dd>
            <dt>Payment</dt>
            <dd>{humanize(order.paymentStatus)}</dd>
            <dt>Total</dt>
            <dd>{formatMoney(order.totalAmount, order.currency)}</dd>
          </dl>
          <DataTable
            id="order-lines"
            rows={order.lines}
            rowKey={(l) => String(l.lineNumber)}
            empty="No lines."
            columns={[
              { header: '#', cell: (l) => l.lineNumber },
              { header: 'SKU', cell: (l) => <strong>{l.sku}</strong> },
              { header: 'Qty', cell: (l) => l.quantity, align: 'right' },
              { header: 'Allocated', cell: (l) => l.allocatedQuantity, align: 'right' },
              { header: 'Shipped', cell: (l) => l.shippedQuantity, align: 'right' },
              { header: 'Backordered', cell: (l) => l.backorderedQuantity, align: 'right' },
              { header: 'Unit price', cell: (l) => formatMoney(l.unitPrice, order.currency), align: 'right' },
            ]}
          />
        </div>
      )}
    </Panel>
  )
}
