'use client'

import { useEffect } from 'react'
import { useQuery } from 'urql'
import { Badge, DataTable } from '@/components/data-table'
import { Panel } from '@/components/panel'
import { describeError } from '@/components/metric-card'
import { formatCount, formatDate, formatMoney, humanize } from '@/lib/format'
import { OPEN_PURCHASE_ORDERS_QUERY, type OpenPurchaseOrder } from './procurement.graphql'
import styles from './procurement.module.css'

const STATUS_TONE: Record<string, 'neutral' | 'info' | 'warn' | 'good'> = {
  DRAFT: 'neutral',
  PENDING_APPROVAL: 'warn',
  APPROVED: 'info',
  SENT: 'info',
  PARTIALLY_RECEIVED: 'good',
}

/** Purchase orders not yet received or cancelled, newest first, with their expected arrival and whether they are late. */
export function PurchaseOrdersPanel({ refreshKey }: { refreshKey: number }) {
  const [result, reexecute] = useQuery<{ purchaseOrders: { totalCount: number; nodes: OpenPurchaseOrder[] } }>({ query: OPEN_PURCHASE_ORDERS_QUERY })
  useEffect(() => {
    if (refreshKey) reexecute({ requestPolicy: 'network-only' })
  }, [refreshKey, reexecute])
  const data = result.data?.purchaseOrders
  const late = data?.nodes.filter((p) => p.late).length ?? 0
  return (
    <Panel
      id="open-purchase-orders"
      wide
      title="Open purchase orders"
      explain={
        <>
          Drafted, awaiting approval, approved, sent or partly received, newest first{data ? ` (${data.nodes.length} of ${formatCount(data.totalCount)} shown)` : ''}. Late:
          sent and past the expected arrival{late ? ` (${late} of those shown)` : ''}.
        </>
      }
    >
      {result.error && <p className={styles.bad}>{describeError(result.error)}</p>}
      <DataTable
        id="open-purchase-orders"
        rows={data?.nodes}
        fetching={result.fetching}
        rowKey={(p) => p.id}
        empty="No open purchase orders."
        columns={[
          { header: 'PO', cell: (p) => <strong data-po={p.number}>{p.number}</strong>, nowrap: true },
          { header: 'Supplier → node', cell: (p) => <span title={`${p.supplier.name} to ${p.location.code}`}>{p.supplier.code} → {p.location.code}</span>, nowrap: true },
          { header: 'Status', cell: (p) => <Badge tone={STATUS_TONE[p.status] ?? 'neutral'}>{humanize(p.status)}</Badge>, nowrap: true },
          {
            header: 'Units',
            cell: (p) => {
              const ordered = p.lines.reduce((s, l) => s + l.quantity, 0)
              const received = p.lines.reduce((s, l) => s + l.receivedQuantity, 0)
              return received ? `${formatCount(received)} / ${formatCount(ordered)}` : formatCount(ordered)
            },
            align: 'right',
            nowrap: true,
          },
          { header: 'Value', cell: (p) => formatMoney(p.value), align: 'right', nowrap: true },
          {
            header: 'Expected',
            cell: (p) =>
              p.expectedArrival ? (
                <span data-late={p.late}>
                  {formatDate(p.expectedArrival)} {p.late && <Badge tone="bad">Late</Badge>}
                </span>
              ) : (
                <span className={styles.muted}>not sent</span>
              ),
            nowrap: true,
          },
        ]}
      />
    </Panel>
  )
}
