'use client'

import { useEffect, useMemo, useState } from 'react'
import { useMutation, useQuery } from 'urql'
import { Badge, DataTable } from '@/components/data-table'
import { SeverityBadge } from '@/components/order-status'
import { describeError } from '@/components/metric-card'
import { formatDateTime, humanize } from '@/lib/format'
import { useSession } from '@/features/session/session-provider'
import {
  ASSIGN_EXCEPTION_MUTATION, EXCEPTION_QUEUE_QUERY, RESOLVE_EXCEPTION_MUTATION, type ExceptionSummary, type QueueException,
} from './operations.graphql'
import styles from './operations.module.css'

const OWNERS = ['OPERATIONS', 'CUSTOMER_SERVICE', 'PROCUREMENT', 'FINANCE', 'EXECUTIVE'] as const

/**
 * Unresolved exceptions, most urgent first, filtered by type and owner team. The list re-reads whenever the
 * live exception summary moves, so a colleague's assignment or a new exception shows up without reload.
 */
export function ExceptionQueue({ summary }: { summary?: ExceptionSummary }) {
  const [type, setType] = useState('')
  const [owner, setOwner] = useState('OPERATIONS')
  const filter = useMemo(
    () => ({ status: ['OPEN', 'IN_PROGRESS'], ...(type ? { type: [type] } : {}), ...(owner ? { ownerRole: owner } : {}) }),
    [type, owner],
  )
  const [result, reexecute] = useQuery<{ exceptions: { totalCount: number; nodes: QueueException[] } }>({ query: EXCEPTION_QUEUE_QUERY, variables: { filter } })
  useEffect(() => {
    if (summary) reexecute({ requestPolicy: 'network-only' })
  }, [summary?.asOf, reexecute]) // eslint-disable-line react-hooks/exhaustive-deps
  const types = summary?.byType.map((t) => t.type) ?? []

  return (
    <>
      <div className={styles.filters} role="group" aria-label="Filter exceptions">
        <label>
          Type
          <select value={type} onChange={(e) => setType(e.target.value)} data-filter="type">
            <option value="">All types</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {humanize(t)} ({summary?.byType.find((x) => x.type === t)?.open})
              </option>
            ))}
          </select>
        </label>
        <label>
          Owner
          <select value={owner} onChange={(e) => setOwner(e.target.value)} data-filter="owner">
            <option value="">All teams</option>
            {OWNERS.map((o) => (
              <option key={o} value={o}>
                {humanize(o)}
              </option>
            ))}
          </select>
        </label>
        <span className={styles.muted} data-queue-count={result.data?.exceptions.totalCount}>
          {result.data ? `${result.data.exceptions.totalCount} unresolved` : ''}
        </span>
      </div>
      {result.error && <p className={styles.bad}>{describeError(result.error)}</p>}
      <DataTable
        id="exception-queue"
        rows={result.data?.exceptions.nodes}
        fetching={result.fetching}
        rowKey={(e) => e.id}
        empty="Nothing unresolved for this filter."
        columns={[
          { header: 'Exception', cell: (e) => (<span className={styles.cellTitle}><strong>{e.title}</strong>{e.detail && <><br /><span className={styles.muted}>{e.detail}</span></>}</span>) },
          { header: 'Type', cell: (e) => humanize(e.type) },
          { header: 'Severity', cell: (e) => <SeverityBadge severity={e.severity} /> },
          { header: 'Owner', cell: (e) => humanize(e.ownerRole) },
          { header: 'Due', cell: (e) => (e.overdue ? <Badge tone="bad">Overdue {formatDateTime(e.dueBy)}</Badge> : formatDateTime(e.dueBy)) },
          { header: 'Assignee', cell: (e) => (e.assignedTo ? <span className={styles.assignee} data-assignee={e.assignedTo}>{e.assignedTo}</span> : <span className={styles.muted}>Nobody</span>) },
          { header: '', cell: (e) => <ExceptionActions exception={e} /> },
        ]}
      />
    </>
  )
}

function ExceptionActions({ exception }: { exception: QueueException }) {
  const { session } = useSession()
  const me = session.status === 'signed-in' ? session.claims.sub : ''
  const [assignState, assign] = useMutation(ASSIGN_EXCEPTION_MUTATION)
  const [resolveState, resolve] = useMutation(RESOLVE_EXCEPTION_MUTATION)
  const [resolving, setResolving] = useState(false)
  const [resolution, setResolution] = useState('')
  const [error, setError] = useState<string | null>(null)

  async function run(promise: Promise<{ data?: any; error?: any }>, field: string) {
    const res = await promise
    const problem = res.error ? describeError(res.error) : res.data?.[field]?.userErrors?.[0]?.message
    setError(problem ?? null)
    return !problem
  }

  if (resolving) {
    return (
      <form
        className={styles.resolve}
        onSubmit={async (e) => {
          e.preventDefault()
          if (await run(resolve({ input: { id: exception.id, resolution } }), 'resolveException')) setResolving(false)
        }}
      >
        <input autoFocus aria-label="Resolution" placeholder="What was done" value={resolution} onChange={(e) => setResolution(e.target.value)} />
        <button type="submit" disabled={!resolution.trim() || resolveState.fetching}>Resolve</button>
        <button type="button" className={styles.secondary} onClick={() => setResolving(false)}>Cancel</button>
        {error && <span className={styles.bad}>{error}</span>}
      </form>
    )
  }
  return (
    <div className={styles.actions}>
      {exception.assignedTo !== me && (
        <button type="button" className={styles.secondary} disabled={assignState.fetching} onClick={() => void run(assign({ input: { id: exception.id, assignee: me } }), 'assignException')}>
          Assign to me
        </button>
      )}
      <button type="button" onClick={() => setResolving(true)}>Resolve…</button>
      {error && <span className={styles.bad}>{error}</span>}
    </div>
  )
}
