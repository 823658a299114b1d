'use client'

import { useEffect, useMemo, useState, type ReactNode } from 'react'
import { useClient, useQuery } from 'urql'
import { Badge, DataTable } from '@/components/data-table'
import { describeError } from '@/components/metric-card'
import { formatCount, formatDateTime, formatMoney, formatPercent, humanize } from '@/lib/format'
import { refusalOf } from './decision-answer'
import { APPROVALS_INBOX_QUERY, DECIDE_MUTATIONS, type DecideMutation, type InboxResult } from './workbench.graphql'
import styles from './workbench.module.css'

type Kind = 'ADJUSTMENT' | 'TRANSFER' | 'FEED_DISCREPANCY' | 'RECOUNT'
const KIND_LABEL: Record<Kind, string> = { ADJUSTMENT: 'Adjustment', TRANSFER: 'Transfer', FEED_DISCREPANCY: 'Feed discrepancy', RECOUNT: 'Recount' }
const KIND_PLURAL: Record<Kind, string> = { ADJUSTMENT: 'Adjustments', TRANSFER: 'Transfers', FEED_DISCREPANCY: 'Feed discrepancies', RECOUNT: 'Recounts' }

interface InboxItem {
  key: string
  kind: Kind
  since: string
  requestedBy: string
  /** Plain words for the line confirming a decision. */
  label: string
  what: ReactNode
  why: ReactNode
  approve: { mutation: DecideMutation; id: string } | null
  reject: { mutation: DecideMutation; id: string } | null
}

/** Whether any kind holds more than the page the inbox read of it. */
const shownFewer = (d: InboxResult) =>
  [d.adjustments, d.transfers, d.feedDiscrepancies, d.cycleCounts].some((c) => c.totalCount > c.nodes.length)

const signed = (n: number) => (n > 0 ? `+${formatCount(n)}` : formatCount(n))

/** One list, oldest first, of the four kinds of decision the hub waits on a person for. */
function inboxItems(data: InboxResult): InboxItem[] {
  // A recount's variance is booked by an adjustment: it is listed once, as the recount.
  const recountAdjustments = new Set(data.cycleCounts.nodes.map((c) => c.adjustment?.id).filter(Boolean))
  const items: InboxItem[] = [
    ...data.adjustments.nodes
      .filter((a) => !recountAdjustments.has(a.id))
      .map((a) => ({
        key: `adjustment:${a.id}`,
        kind: 'ADJUSTMENT' as const,
        since: a.createdAt,
        requestedBy: a.requestedBy,
        label: `adjustment ${signed(a.quantityDelta)} x ${a.sku.code} at ${a.location.code}`,
        what: <><strong>{signed(a.quantityDelta)} x {a.sku.code}</strong> at {a.location.code}{a.bucket !== 'ON_HAND' && <> ({humanize(a.bucket)})</>}</>,
        why: <>{humanize(a.reason)}, value {formatMoney(a.valueDelta)}{a.note && <> · {a.note}</>}{a.anomalyFlags.length > 0 && <> · <Badge tone="warn">{a.anomalyFlags.map(humanize).join(', ')}</Badge></>}</>,
        approve: { mutation: 'approveAdjustment' as const, id: a.id },
        reject: { mutation: 'rejectAdjustment' as const, id: a.id },
      })),
    ...data.transfers.nodes.map((tr) => ({
      key: `transfer:${tr.id}`,
      kind: 'TRANSFER' as const,
      since: tr.createdAt,
      requestedBy: tr.requestedBy,
      label: `transfer ${tr.number}`,
      what: <><strong>{tr.number}</strong> {tr.fromLocation.code} → {tr.toLocation.code}</>,
      why: <>{tr.lines.map((l) => `${formatCount(l.quantity)} x ${l.sku.code}`).join(', ')}</>,
      approve: { mutation: 'approveTransfer' as const, id: tr.id },
      reject: { mutation: 'rejectTransfer' as const, id: tr.id },
    })),
    ...data.feedDiscrepancies.nodes.map((d) => ({
      key: `feed:${d.id}`,
      kind: 'FEED_DISCREPANCY' as const,
      since: d.feed.createdAt,
      requestedBy: d.feed.importedBy,
      label: `feed discrepancy of ${d.stockPosition.sku.code} at ${d.stockPosition.location.code}`,
      what: <><strong>{d.stockPosition.sku.code}</strong> at {d.stockPosition.location.code}</>,
      why: <>3PL says {formatCount(d.feedQuantity)}, book {formatCount(d.bookQuantity)} ({signed(d.delta)}){d.feed.fileName && <> · {d.feed.fileName}</>}</>,
      approve: { mutation: 'approveFeedDiscrepancy' as const, id: d.id },
      reject: { mutation: 'rejectFeedDiscrepancy' as const, id: d.id },
    })),
    ...data.cycleCounts.nodes.map((c) => ({
      key: `recount:${c.id}`,
      kind: 'RECOUNT' as const,
      since: c.countedAt ?? '',
      requestedBy: c.adjustment?.requestedBy ?? c.countedBy ?? '—',
      label: `recount of ${c.sku.code} at ${c.location.code}`,
      what: <><strong>{c.sku.code}</strong> at {c.location.code}</>,
      why: (
        <>
          Counted {formatCount(c.countedQuantity)} against book {formatCount(c.bookQuantity)} ({signed(c.variance ?? 0)}
          {c.varianceRatio !== null && <>, {formatPercent(c.varianceRatio)}</>}) on attempt {c.attempt}
          {c.adjustment && <>, value {formatMoney(c.adjustment.valueDelta)}</>}
        </>
      ),
      approve: c.adjustment ? { mutation: 'approveAdjustment' as const, id: c.adjustment.id } : null,
      reject: c.adjustment ? { mutation: 'rejectAdjustment' as const, id: c.adjustment.id } : null,
    })),
  ]
  return items.sort((a, b) => a.since.localeCompare(b.since))
}

/**
 * Everything waiting on a person: adjustments over the approval threshold, transfer requests, 3PL feed
 * discrepancies and recounts beyond tolerance. Approve and reject run the API's own mutations; the four-eyes rule
 * (a requester cannot decide their own) and role limits are the API's, shown on the row as it answers.
 */
export function ApprovalsInbox({ refreshKey }: { refreshKey?: string }) {
  const [result, reexecute] = useQuery<InboxResult>({ query: APPROVALS_INBOX_QUERY })
  useEffect(() => {
    if (refreshKey) reexecute({ requestPolicy: 'network-only' })
  }, [refreshKey, reexecute])
  const [done, setDone] = useState<string | null>(null)
  const items = useMemo(() => (result.data ? inboxItems(result.data) : undefined), [result.data])
  const counts = result.data && {
    ADJUSTMENT: result.data.adjustments.totalCount - (items?.filter((i) => i.kind === 'RECOUNT').length ?? 0),
    TRANSFER: result.data.transfers.totalCount,
    FEED_DISCREPANCY: result.data.feedDiscrepancies.totalCount,
    RECOUNT: result.data.cycleCounts.totalCount,
  }

  return (
    <>
      <div className={styles.inboxSummary} data-inbox-count={items?.length}>
        {counts &&
          (Object.keys(KIND_LABEL) as Kind[]).map((k) => (
            <span key={k} data-inbox-kind={k}>
              {KIND_PLURAL[k]} <strong>{formatCount(Math.max(0, counts[k]))}</strong>
            </span>
          ))}
        {done && <span className={styles.done} data-decision-done>{done}</span>}
      </div>
      {result.data && shownFewer(result.data) && <p className={styles.muted}>Each kind lists its 20 most recent; decide these and older ones follow.</p>}
      {result.error && <p className={styles.bad}>{describeError(result.error)}</p>}
      <DataTable
        id="approvals-inbox"
        rows={items}
        fetching={result.fetching}
        rowKey={(i) => i.key}
        empty="Nothing is waiting on a decision."
        columns={[
          { header: 'Waiting', cell: (i) => <Badge tone="info">{KIND_LABEL[i.kind]}</Badge>, nowrap: true },
          { header: 'What', cell: (i) => <span className={styles.what}>{i.what}</span> },
          { header: 'Why', cell: (i) => <span className={styles.why}>{i.why}</span> },
          { header: 'Requested by', cell: (i) => <span className={styles.who}>{i.requestedBy}</span> },
          { header: 'Since', cell: (i) => (i.since ? formatDateTime(i.since) : '—'), nowrap: true },
          {
            header: 'Decision',
            cell: (i) => (
              <Decision
                item={i}
                onDecided={(verb) => {
                  setDone(`${verb}: ${i.label}`)
                  reexecute({ requestPolicy: 'network-only' })
                }}
              />
            ),
          },
        ]}
      />
    </>
  )
}

function Decision({ item, onDecided }: { item: InboxItem; onDecided: (verb: 'Approved' | 'Rejected') => void }) {
  const client = useClient()
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)
  const [refusal, setRefusal] = useState<{ code: string; message: string } | null>(null)
  if (!item.approve || !item.reject) return <span className={styles.muted}>No adjustment to decide</span>

  async function decide(target: { mutation: DecideMutation; id: string }, verb: 'Approved' | 'Rejected') {
    setBusy(true)
    const answer = await client.mutation(DECIDE_MUTATIONS[target.mutation], { input: { id: target.id, note: note.trim() || null } }).toPromise()
    setBusy(false)
    const problem = refusalOf(answer as never, target.mutation)
    setRefusal(problem)
    if (!problem) onDecided(verb)
  }

  return (
    <div className={styles.decision} data-decision={item.key}>
      <input aria-label="Decision note" placeholder="Note (optional)" value={note} onChange={(e) => setNote(e.target.value)} />
      <button type="button" disabled={busy} onClick={() => void decide(item.approve!, 'Approved')}>Approve</button>
      <button type="button" className={styles.secondary} disabled={busy} onClick={() => void decide(item.reject!, 'Rejected')}>Reject</button>
      {refusal && (
        <span className={styles.refusal} role="alert" data-refusal={refusal.code}>
          {refusal.code}: {refusal.message}
        </span>
      )}
    </div>
  )
}
