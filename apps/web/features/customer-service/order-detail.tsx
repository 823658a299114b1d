'use client'

import { useEffect, useState } from 'react'
import { useQuery, useSubscription } from 'urql'
import { Badge, DataTable } from '@/components/data-table'
import { OrderStatusBadge, SeverityBadge } from '@/components/order-status'
import { describeError } from '@/components/metric-card'
import { formatDateTime, formatMoney, humanize } from '@/lib/format'
import { LiveIndicator } from '@/features/live/live-indicator'
import { ORDER_PAGE_QUERY, ORDER_PAGE_SUBSCRIPTION, type OrderPage } from './order-page.graphql'
import styles from './customer-service.module.css'

const HOLD_EXPLAIN: Record<string, string> = {
  PAYMENT: 'Payment not authorised yet',
  FRAUD: 'Fraud review: score above the threshold',
  ADDRESS: 'Shipping address failed validation',
  LOW_CONFIDENCE_STOCK: 'Stock figure not trusted enough to promise',
  MANUAL: 'Held by a colleague',
}

/**
 * One order as a customer would ask about it: where it is, why it waits, when it will ship and arrive,
 * and everything that happened, oldest first. The page follows the order live (orderUpdated).
 */
export function OrderDetail({ number }: { number: string }) {
  const variables = { number }
  const [initial] = useQuery<{ order: OrderPage | null }>({ query: ORDER_PAGE_QUERY, variables, requestPolicy: 'network-only' })
  const [live] = useSubscription<{ order: OrderPage }>({ query: ORDER_PAGE_SUBSCRIPTION, variables, pause: !initial.data?.order })
  const order = live.data?.order ?? initial.data?.order
  // As of when this page last heard from the server (the fetch, then each push).
  const [asOf, setAsOf] = useState<string>()
  useEffect(() => {
    if (initial.data || live.data) setAsOf(new Date().toISOString())
  }, [initial.data, live.data])

  if (initial.error) return <p className={styles.error}>{describeError(initial.error)}</p>
  if (!order) return <p className={styles.muted}>{initial.fetching ? `Loading ${number}…` : `No order ${number} (or not visible to your role).`}</p>

  const openExceptions = order.exceptions.filter((e) => e.status !== 'RESOLVED')
  return (
    <div className={styles.order} data-order={order.number} data-status={order.status}>
      <div className={styles.orderHead}>
        <div>
          <h3>{order.number}</h3>
          <p className={styles.muted}>
            {order.channel.name} · external id {order.externalId} · placed {formatDateTime(order.placedAt)}
          </p>
        </div>
        <div className={styles.orderHeadRight}>
          <LiveIndicator status={live.error ? 'offline' : live.data ? 'live' : 'connecting'} asOf={asOf} />
          <OrderStatusBadge status={order.status} />
        </div>
      </div>

      {order.holds.length > 0 && (
        <div className={styles.holds} data-holds={order.holds.join(',')}>
          <strong>On hold:</strong>
          {order.holds.map((h) => (
            <Badge key={h} tone="warn">
              {HOLD_EXPLAIN[h] ?? humanize(h)}
            </Badge>
          ))}
        </div>
      )}

      <div className={styles.dates}>
        <div title="When the order is expected to leave the warehouse, from where its fulfilment orders stand in the node's queue.">
          <span>Projected ship</span>
          <strong data-projected-ship={order.projectedShipDate ?? ''}>{order.projectedShipDate ? formatDateTime(order.projectedShipDate) : 'Not projectable yet'}</strong>
          {order.promisedShipBy && <small>promised by {formatDateTime(order.promisedShipBy)}</small>}
        </div>
        <div title="Projected ship plus carrier transit (the carrier's own projection once shipped).">
          <span>Projected delivery</span>
          <strong>{order.projectedDeliveryDate ? formatDateTime(order.projectedDeliveryDate) : 'Not projectable yet'}</strong>
          <small>{humanize(order.serviceLevel)} service</small>
        </div>
        <div>
          <span>Customer</span>
          <strong>{order.customerName}</strong>
          <small>
            {order.customerEmail} · {order.shipTo.city} {order.shipTo.postalCode}, {order.shipTo.country}
          </small>
        </div>
        <div>
          <span>Payment</span>
          <strong>{humanize(order.paymentStatus)}</strong>
          <small>{formatMoney(order.totalAmount, order.currency)}</small>
        </div>
      </div>
      {order.projectionBasis.length > 0 && (
        <ul className={styles.basis} aria-label="Why these dates">
          {order.projectionBasis.map((b) => (
            <li key={b}>{b}</li>
          ))}
        </ul>
      )}

      <div className={styles.columns}>
        <section>
          <h4>Timeline</h4>
          <ol className={styles.timeline} data-timeline-count={order.timeline.length}>
            {[...order.timeline].reverse().map((e, i) => (
              <li key={`${e.at}-${i}`} className={styles[`kind-${e.kind}`]}>
                <time>{formatDateTime(e.at)}</time>
                <div>
                  <strong>{e.title}</strong> <span className={styles.kind}>{humanize(e.kind)}</span>
                  {e.detail && <p>{e.detail}</p>}
                  {e.actor && <small>by {e.actor}</small>}
                </div>
              </li>
            ))}
          </ol>
        </section>
        <section>
          <h4>Exceptions {openExceptions.length > 0 && <Badge tone="warn">{openExceptions.length} open</Badge>}</h4>
          {order.exceptions.length === 0 ? (
            <p className={styles.muted}>None: nothing has gone wrong with this order.</p>
          ) : (
            <ul className={styles.exceptions}>
              {order.exceptions.map((e) => (
                <li key={e.id}>
                  <SeverityBadge severity={e.severity} /> <strong>{e.title}</strong>
                  <br />
                  <small>
                    {humanize(e.status)} · owner {humanize(e.ownerRole)}
                    {e.assignedTo ? ` · ${e.assignedTo}` : ''}
                    {e.status !== 'RESOLVED' ? ` · due ${formatDateTime(e.dueBy)}` : e.resolution ? ` · ${e.resolution}` : ''}
                    {e.overdue && ' · overdue'}
                  </small>
                </li>
              ))}
            </ul>
          )}
          <h4>Lines</h4>
          <DataTable
            id="order-lines"
            rows={withComponentsUnderBundles(order.lines)}
            rowKey={(l) => String(l.lineNumber)}
            empty="No lines."
            columns={[
              {
                header: 'SKU',
                cell: (l) =>
                  l.bundleLineNumber !== null ? (
                    <span className={styles.component} data-component-of={l.bundleLineNumber}>
                      ↳ {l.sku} <small>{l.quantityPerBundle} per bundle</small>
                    </span>
                  ) : (
                    <>
                      <strong>{l.sku}</strong>
                      {l.isBundle && <> <Badge tone="info">Bundle</Badge></>}
                      <br />
                      <small data-unit-price>{formatMoney(l.unitPrice, order.currency)} each</small>
                    </>
                  ),
              },
              {
                header: 'Qty',
                cell: (l) => (l.cancelledQuantity > 0 ? <>{l.quantity}<br /><small data-cancelled={l.cancelledQuantity}>{l.cancelledQuantity} cancelled</small></> : l.quantity),
                align: 'right',
              },
              { header: 'Allocated', cell: (l) => l.allocatedQuantity, align: 'right' },
              { header: 'Shipped', cell: (l) => l.shippedQuantity, align: 'right' },
              { header: 'Backordered', cell: (l) => l.backorderedQuantity, align: 'right' },
            ]}
          />
        </section>
      </div>
    </div>
  )
}

/** Lines as the customer bought them: each bundle line followed by the component lines that ship in its place. */
function withComponentsUnderBundles(lines: OrderPage['lines']): OrderPage['lines'] {
  const top = lines.filter((l) => l.bundleLineNumber === null).sort((a, b) => a.lineNumber - b.lineNumber)
  return top.flatMap((l) => [l, ...lines.filter((c) => c.bundleLineNumber === l.lineNumber).sort((a, b) => a.lineNumber - b.lineNumber)])
}
