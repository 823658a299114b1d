'use client'

import { useQuery } from 'urql'
import { Badge, DataTable } from '@/components/data-table'
import { formatCount } from '@/lib/format'
import { NODE_SLA_RISK_QUERY, type NodeAging, type NodeBacklog } from './executive.graphql'
import styles from './executive.module.css'

interface NodeRisk {
  code: string
  name: string
  capacity: number
  backlog: number
  load: number
  awaitingRelease: number
  open: number
  olderThan2Days: number
  pastShipBy: number
  level: 'High' | 'Watch' | 'OK'
}

/**
 * A node is at HIGH risk when its released backlog is more than a day of picking or it holds orders past ship-by;
 * WATCH when the backlog is above 80% of a day's capacity or it holds orders older than 48 h.
 */
export function nodeRisks(backlog?: NodeBacklog, aging?: NodeAging): NodeRisk[] | undefined {
  if (!backlog || !aging) return undefined
  return backlog.locations.map((n) => {
    const a = aging.byLocation.find((l) => l.locationCode === n.locationCode)
    const pastShipBy = a?.pastShipBy ?? 0
    const olderThan2Days = a?.buckets.find((b) => b.label === '>48h')?.count ?? 0
    const level = n.load > 1 || pastShipBy > 0 ? 'High' : n.load > 0.8 || olderThan2Days > 0 ? 'Watch' : 'OK'
    return {
      code: n.locationCode, name: n.locationName, capacity: n.capacity, backlog: n.backlog, load: n.load, awaitingRelease: n.awaitingRelease,
      open: a?.total ?? 0, olderThan2Days, pastShipBy, level,
    }
  })
}

/**
 * What the SLA-at-risk column counts against: the SHIP_BY_RISK exception threshold (orders.slaRisk.exceptionThreshold,
 * read from the ranked orders' slaRisk), or `none` when the network has no open order at all (every node then has 0).
 */
export type SlaThreshold = number | 'none' | undefined

export function NodeRiskTable({ rows, fetching, slaThreshold }: { rows?: NodeRisk[]; fetching: boolean; slaThreshold: SlaThreshold }) {
  return (
    <DataTable
      id="node-risk"
      rows={rows}
      fetching={fetching}
      rowKey={(r) => r.code}
      empty="No fulfilment nodes."
      columns={[
        { header: 'Node', cell: (r) => (<><strong>{r.code}</strong><br /><span className={styles.muted}>{r.name}</span></>) },
        { header: 'Risk', cell: (r) => <Badge tone={r.level === 'High' ? 'bad' : r.level === 'Watch' ? 'warn' : 'good'}>{r.level}</Badge> },
        {
          header: 'Backlog / capacity',
          cell: (r) => (
            <span className={styles.loadCell} title={`${r.backlog} fulfilment orders released or being picked against ${r.capacity} a day`}>
              {formatCount(r.backlog)} / {formatCount(r.capacity)} <span className={r.load > 1 ? styles.worse : styles.muted}>({Math.round(r.load * 100)}%)</span>
            </span>
          ),
          nowrap: true,
        },
        { header: 'Awaiting release', cell: (r) => formatCount(r.awaitingRelease), align: 'right' },
        { header: 'Open orders', cell: (r) => formatCount(r.open), align: 'right' },
        { header: 'Older than 48 h', cell: (r) => formatCount(r.olderThan2Days), align: 'right' },
        { header: 'Past ship-by', cell: (r) => <span className={r.pastShipBy > 0 ? styles.worse : ''}>{formatCount(r.pastShipBy)}</span>, align: 'right' },
        { header: 'SLA at risk', cell: (r) => <SlaAtRisk code={r.code} threshold={slaThreshold} />, align: 'right', nowrap: true },
      ]}
    />
  )
}

/** Open orders with work at the node whose probability of missing ship-by is at or above the exception threshold. */
function SlaAtRisk({ code, threshold }: { code: string; threshold: SlaThreshold }) {
  const [result] = useQuery<{ ordersAtRisk: { totalCount: number } }>({
    query: NODE_SLA_RISK_QUERY,
    variables: { locationCode: code, minProbability: typeof threshold === 'number' ? threshold : 0 },
    pause: typeof threshold !== 'number',
  })
  if (threshold === 'none') return <span title="No open orders in the network">0</span>
  if (result.error) return <span className={styles.muted} title={result.error.message}>—</span>
  const n = result.data?.ordersAtRisk.totalCount
  if (n === undefined || typeof threshold !== 'number') return <span className={styles.muted}>…</span>
  return (
    <span data-sla-at-risk={n} className={n > 0 ? styles.worse : ''} title={`Open orders with work at ${code} whose probability of missing ship-by is at least ${Math.round(threshold * 100)}% (the SHIP_BY_RISK threshold); those past their ship-by count at 100%.`}>
      {formatCount(n)}
    </span>
  )
}
