'use client'

import { useEffect, useState } from 'react'
import { useClient, useQuery } from 'urql'
import { Badge, DataTable } from '@/components/data-table'
import { describeError } from '@/components/metric-card'
import { Meter } from '@/components/meter'
import { formatCount, formatDateTime, humanize } from '@/lib/format'
import type { PickBacklog } from './operations.graphql'
import { refusalOf } from './decision-answer'
import { NodeAutomationSlot } from './node-automation-slot'
import {
  CREATE_WAVE_MUTATION, MOVE_FULFILLMENT_MUTATION, NODE_QUEUE_QUERY, NODES_QUERY, RELEASE_NOW_MUTATION, type QueuedFulfillment, type WorkbenchNode,
} from './workbench.graphql'
import styles from './workbench.module.css'

type NodeLoad = PickBacklog['locations'][number]

/**
 * Per fulfilment node: capacity used today against its daily pick capacity, release now and create a wave (the
 * same mutations as the API), and the node's queue - work not yet being picked - where a fulfilment order can be
 * moved to another node from its row. Follows the live pick-backlog snapshot, so what others do shows up too.
 */
export function NodeWorkbench({ backlog }: { backlog?: PickBacklog }) {
  const [nodes] = useQuery<{ locations: { nodes: WorkbenchNode[] } }>({ query: NODES_QUERY })
  const fulfilment = nodes.data?.locations.nodes.filter((n) => n.isFulfillmentNode) ?? []
  const [changed, setChanged] = useState(0)
  if (nodes.error) return <p className={styles.bad}>{describeError(nodes.error)}</p>
  if (!nodes.data) return <p className={styles.muted}>Loading…</p>
  if (fulfilment.length === 0) return <p className={styles.muted}>No fulfilment nodes.</p>
  return (
    <div className={styles.nodes}>
      {fulfilment.map((node) => (
        <NodeCard
          key={node.code}
          node={node}
          load={backlog?.locations.find((l) => l.locationCode === node.code)}
          others={fulfilment.filter((n) => n.code !== node.code)}
          refreshKey={`${backlog?.asOf ?? ''}:${changed}`}
          onChanged={() => setChanged((n) => n + 1)}
        />
      ))}
    </div>
  )
}

function NodeCard({ node, load, others, refreshKey, onChanged }: { node: WorkbenchNode; load?: NodeLoad; others: WorkbenchNode[]; refreshKey: string; onChanged: () => void }) {
  const client = useClient()
  const [queue, reexecute] = useQuery<{ fulfillmentOrders: { totalCount: number; nodes: QueuedFulfillment[] } }>({ query: NODE_QUEUE_QUERY, variables: { locationCode: node.code } })
  useEffect(() => {
    reexecute({ requestPolicy: 'network-only' })
  }, [refreshKey, reexecute])
  const [busy, setBusy] = useState(false)
  const [outcome, setOutcome] = useState<{ tone: 'good' | 'bad'; text: string } | null>(null)

  async function act(kind: 'release' | 'wave') {
    setBusy(true)
    const [doc, field] = kind === 'release' ? [RELEASE_NOW_MUTATION, 'releaseOrders'] : [CREATE_WAVE_MUTATION, 'createPickWave']
    const answer = await client.mutation(doc, { input: { locationCode: node.code } }).toPromise()
    setBusy(false)
    const problem = refusalOf(answer as never, field)
    if (problem) return setOutcome({ tone: 'bad', text: `${problem.code}: ${problem.message}` })
    if (kind === 'release') {
      const r = answer.data.releaseOrders
      const capacityHeld = r.heldBack.filter((h: { code: string }) => h.code === 'CAPACITY').length
      const keptForDue = r.heldBack.filter((h: { code: string }) => h.code === 'RESERVED_FOR_DUE_WORK').length
      setOutcome({
        tone: 'good',
        text: `Released ${r.released.length} against ${r.day}${r.afterCutoff ? " (today's cut-off has passed)" : ''}, ${r.releasedBefore + r.released.length} of ${r.capacity} for that day` +
          `${capacityHeld ? `; ${capacityHeld} held back by capacity` : ''}` +
          `${keptForDue ? `; ${keptForDue} due later wait while the rest of the day is kept for work due that day` : ''}${r.released.length ? `: ${r.released.map((f: { number: string }) => f.number).join(', ')}` : ''}`,
      })
    } else {
      const w = answer.data.createPickWave.pickWave
      setOutcome({ tone: 'good', text: `Wave ${w.number} created with ${w.tasks.length} pick task${w.tasks.length === 1 ? '' : 's'}` })
    }
    onChanged()
  }

  const used = load?.releasedToday ?? 0
  const share = node.dailyPickCapacity > 0 ? used / node.dailyPickCapacity : 0
  return (
    <section className={styles.node} data-node={node.code}>
      <header className={styles.nodeHeader}>
        <div>
          <h3>{node.code}</h3>
          <span className={styles.muted}>{node.name} · cut-off {node.cutoffTime} {node.timezone}</span>
        </div>
        <div className={styles.capacity} data-capacity-used={used} data-capacity={node.dailyPickCapacity} title="Fulfilment orders released today (the node's local day) against how many it can pick in a day">
          <span className={styles.muted}>Released today vs pick capacity</span>
          <Meter share={share} over={share >= 1}>
            {formatCount(used)} / {formatCount(node.dailyPickCapacity)}
          </Meter>
          <span className={styles.muted}>
            {load ? <>{formatCount(load.awaitingRelease)} awaiting release · {formatCount(load.backlog)} on the floor · pack capacity {formatCount(node.dailyPackCapacity)}</> : 'Live load not reported yet'}
          </span>
        </div>
        <div className={styles.nodeActions}>
          <button type="button" disabled={busy} onClick={() => void act('release')} data-action="release-now">Release now</button>
          <button type="button" disabled={busy} onClick={() => void act('wave')} data-action="create-wave">Create wave</button>
        </div>
      </header>
      <NodeAutomationSlot locationCode={node.code} refreshKey={refreshKey} onSaved={onChanged} />
      {outcome && <p className={outcome.tone === 'bad' ? styles.refusal : styles.done} data-node-outcome={outcome.tone}>{outcome.text}</p>}
      {queue.error && <p className={styles.bad}>{describeError(queue.error)}</p>}
      <DataTable
        id={`node-queue-${node.code}`}
        rows={queue.data?.fulfillmentOrders.nodes}
        fetching={queue.fetching}
        rowKey={(f) => f.id}
        empty="Nothing waiting at this node."
        columns={[
          { header: 'Fulfilment order', cell: (f) => <><strong>{f.number}</strong><br /><span className={styles.muted}>order {f.order.number}</span></>, nowrap: true },
          { header: 'Status', cell: (f) => <Badge tone={f.status === 'ON_HOLD' ? 'warn' : f.status === 'RELEASED' ? 'info' : 'neutral'}>{humanize(f.status)}</Badge> },
          { header: 'Ship by', cell: (f) => (f.shipBy ? formatDateTime(f.shipBy) : '—'), nowrap: true },
          { header: 'Priority', cell: (f) => f.priority, align: 'right' },
          {
            header: 'Units',
            cell: (f) => <span className={styles.why}>{f.allocations.filter((a) => a.status === 'RESERVED').map((a) => `${a.quantity} x ${a.sku}`).join(', ') || '—'}</span>,
          },
          { header: 'Move to another node', cell: (f) => <MoveControl fulfillment={f} others={others} onMoved={onChanged} /> },
        ]}
      />
      {queue.data && queue.data.fulfillmentOrders.totalCount > queue.data.fulfillmentOrders.nodes.length && (
        <p className={styles.muted}>Showing the {queue.data.fulfillmentOrders.nodes.length} most urgent of {formatCount(queue.data.fulfillmentOrders.totalCount)}.</p>
      )}
    </section>
  )
}

function MoveControl({ fulfillment, others, onMoved }: { fulfillment: QueuedFulfillment; others: WorkbenchNode[]; onMoved: () => void }) {
  const client = useClient()
  const [to, setTo] = useState(others[0]?.code ?? '')
  const [busy, setBusy] = useState(false)
  const [refusal, setRefusal] = useState<{ code: string; message: string } | null>(null)
  if (others.length === 0) return <span className={styles.muted}>No other node</span>

  async function move() {
    setBusy(true)
    const answer = await client
      .mutation(MOVE_FULFILLMENT_MUTATION, { input: { fulfillmentOrderId: fulfillment.id, toLocationCode: to, reason: 'Moved from the operations workbench' } })
      .toPromise()
    setBusy(false)
    const problem = refusalOf(answer as never, 'moveFulfillmentOrder')
    setRefusal(problem)
    if (!problem) onMoved()
  }

  return (
    <div className={styles.move} data-move={fulfillment.number}>
      <select aria-label={`Move ${fulfillment.number} to`} value={to} onChange={(e) => setTo(e.target.value)}>
        {others.map((n) => (
          <option key={n.code} value={n.code}>{n.code}</option>
        ))}
      </select>
      <button type="button" disabled={busy || !to} onClick={() => void move()}>Move</button>
      {refusal && <span className={styles.refusal} role="alert" data-refusal={refusal.code}>{refusal.code}: {refusal.message}</span>}
    </div>
  )
}
