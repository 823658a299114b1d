'use client'

import { useEffect, useState, type FormEvent } from 'react'
import { useQuery } from 'urql'
import { DataTable } from '@/components/data-table'
import { OrderStatusBadge } from '@/components/order-status'
import { describeError } from '@/components/metric-card'
import { formatDateTime } from '@/lib/format'
import { ORDER_LOOKUP_QUERY, type LookupMatch } from './order-page.graphql'
import styles from './customer-service.module.css'

/** Search by order number, customer e-mail or the channel's external id; a single match opens directly. */
export function OrderLookup({ onOpen }: { onOpen: (number: string) => void }) {
  const [draft, setDraft] = useState('')
  const [query, setQuery] = useState('')
  const [result] = useQuery<{ orderLookup: { totalCount: number; nodes: LookupMatch[] } }>({
    query: ORDER_LOOKUP_QUERY,
    variables: { query },
    pause: query.length < 2,
  })
  const matches = result.data?.orderLookup
  // One match, or an exact order number among several: open it straight away.
  const direct = matches && (matches.nodes.length === 1 ? matches.nodes[0] : matches.nodes.find((o) => o.number.toUpperCase() === query.toUpperCase()))
  useEffect(() => {
    if (direct) onOpen(direct.number)
  }, [direct?.number]) // eslint-disable-line react-hooks/exhaustive-deps

  function submit(e: FormEvent) {
    e.preventDefault()
    setQuery(draft.trim())
  }

  return (
    <>
      <form className={styles.search} onSubmit={submit} role="search">
        <input
          aria-label="Order number, e-mail or external id"
          placeholder="Order number, customer e-mail or external id"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" disabled={draft.trim().length < 2}>
          Look up
        </button>
      </form>
      {query && result.fetching && !matches && <p className={styles.muted}>Searching for “{query}”…</p>}
      {result.error && <p className={styles.error}>{describeError(result.error)}</p>}
      {query && matches && (
        <>
          <p className={styles.muted} data-lookup-count={matches.totalCount}>
            {matches.totalCount === 0
              ? `No order matches “${query}” (or none visible to your role).`
              : `${matches.totalCount} order${matches.totalCount === 1 ? '' : 's'} match “${query}”${matches.totalCount > matches.nodes.length ? `; showing the newest ${matches.nodes.length}` : ''}.`}
          </p>
          {matches.nodes.length > 0 && (
            <DataTable
              id="lookup-results"
              rows={matches.nodes}
              rowKey={(o) => o.id}
              empty=""
              columns={[
                {
                  header: 'Order',
                  nowrap: true,
                  cell: (o) => (
                    <button type="button" className={styles.linkButton} onClick={() => onOpen(o.number)} data-open-order={o.number}>
                      {o.number}
                    </button>
                  ),
                },
                { header: 'Customer', cell: (o) => (<>{o.customerName}<br /><span className={styles.muted}>{o.customerEmail}</span></>) },
                { header: 'Channel', cell: (o) => <span title={`External id ${o.externalId}`}>{o.channel.code}</span> },
                { header: 'Status', cell: (o) => <OrderStatusBadge status={o.status} /> },
                { header: 'Placed', cell: (o) => formatDateTime(o.placedAt) },
              ]}
            />
          )}
        </>
      )}
    </>
  )
}
