'use client'

import { DataTable } from '@/components/data-table'
import { formatCount, formatDateTime, humanize } from '@/lib/format'
import type { OrderAtRisk, SlaRisk } from './executive.graphql'
import { Explained, ProbabilityBadge, Terms, num } from './risk-explained'
import styles from './executive.module.css'

const term = (r: SlaRisk, name: string) => r.terms.find((t) => t.name === name)

/** How the probability came about, in words: the history cell, its counts and the prior it is shrunk toward. */
export function slaFormula(r: SlaRisk): string {
  const b = r.basis
  if (b.level === 'PAST_SHIP_BY') return 'The ship-by has passed with the order still open: P = 1.'
  if (b.level === 'NO_HISTORY' || r.probability === null) return 'No settled history to learn from yet.'
  const prior = b.priorRate === null ? '' : ` + ${num(b.pseudoCount, 1)} × prior ${num(b.priorRate, 3)}`
  const weight = b.priorRate === null ? '' : ` + ${num(b.pseudoCount, 1)}`
  return `(${b.misses} misses${prior}) / (${b.observations} order-moments${weight}) = ${num(r.probability, 3)}`
}

function hoursText(hours: number | null | undefined): string {
  if (hours === null || hours === undefined) return ''
  return hours < 0 ? `${num(-hours, 1)} h ago` : `in ${num(hours, 1)} h`
}

/**
 * The open orders most likely to miss their promised ship-by (ordersAtRisk, ranked by Order.slaRisk): the
 * probability with the history behind it, the ship-by and the node, and the inputs that explain it.
 */
export function OrdersAtRiskTable({ rows, fetching }: { rows?: OrderAtRisk[]; fetching: boolean }) {
  return (
    <DataTable
      id="orders-at-risk"
      rows={rows}
      fetching={fetching}
      rowKey={(o) => o.id}
      empty="No open orders."
      columns={[
        {
          header: 'Order',
          cell: (o) => (<><strong>{o.number}</strong><br /><span className={styles.muted}>{o.channel.code} · {humanize(o.status)}</span></>),
          nowrap: true,
        },
        {
          header: 'P(miss)',
          cell: (o) => (o.slaRisk ? <ProbabilityBadge probability={o.slaRisk.probability} threshold={o.slaRisk.threshold} title={`${slaFormula(o.slaRisk)} (exception at ${num(o.slaRisk.threshold * 100, 0)}%)`} /> : '—'),
          align: 'right',
          nowrap: true,
        },
        {
          header: 'Ship-by',
          cell: (o) => (o.slaRisk ? (<>{formatDateTime(o.slaRisk.shipBy)}<br /><span className={styles.muted}>{hoursText(term(o.slaRisk, 'hoursLeft')?.number)}</span></>) : '—'),
          nowrap: true,
        },
        {
          header: 'Node',
          cell: (o) => {
            const node = o.slaRisk ? term(o.slaRisk, 'node')?.value : undefined
            const queue = o.slaRisk ? term(o.slaRisk, 'releaseQueue')?.value : undefined
            return (<><strong>{node && node !== 'NONE' && node !== 'null' ? node : '—'}</strong>{queue && <><br /><span className={styles.muted}>{humanize(queue)}</span></>}</>)
          },
          nowrap: true,
        },
        { header: 'Why', cell: (o) => (o.slaRisk ? <SlaWhy risk={o.slaRisk} /> : <span className={styles.muted}>No longer open</span>) },
      ]}
    />
  )
}

function SlaWhy({ risk }: { risk: SlaRisk }) {
  const b = risk.basis
  const ahead = term(risk, 'backlogAhead')
  const room = term(risk, 'releaseRoomToday')
  const history =
    b.level === 'PAST_SHIP_BY' ? `ship-by passed ${hoursText(term(risk, 'hoursLeft')?.number)}` :
    b.level === 'NO_HISTORY' ? 'no history to learn from yet' :
    `${formatCount(b.misses)} of ${formatCount(b.observations)} like it missed`
  const queue = ahead?.number != null ? `${formatCount(ahead.number)} ahead in the release queue` : room?.number != null && term(risk, 'releaseQueue')?.value !== 'RELEASED' ? `${formatCount(room.number)} release room today` : null
  const summary = [history, queue, term(risk, 'releaseRuleAtRisk')?.value === 'yes' ? 'release rule: at risk' : null].filter(Boolean).join(' · ')
  return (
    <Explained summary={summary}>
      {b.level === 'PAST_SHIP_BY' || b.level === 'NO_HISTORY' ? (
        <p>{slaFormula(risk)}</p>
      ) : (
        <p>
          History cell “{b.cell}” ({humanize(b.level)}; {formatCount(b.orders)} orders, {formatDateTime(b.from)} – {formatDateTime(b.to)}): {slaFormula(risk)}.
        </p>
      )}
      <Terms rows={risk.terms.filter((t) => t.name !== 'shipBy').map((t) => [t.name, t.value])} />
    </Explained>
  )
}
