'use client'

import type { LiveStatus } from './use-live-snapshot'
import styles from './live.module.css'

const LABEL: Record<LiveStatus, string> = {
  live: 'Live',
  connecting: 'Connecting…',
  stale: 'Stale',
  offline: 'Offline',
}

const EXPLAIN: Record<LiveStatus, string> = {
  live: 'Figures are pushed by the server over a WebSocket as orders, stock and exceptions change (and every 30 s as ages shift). No need to reload.',
  connecting: 'Showing the figures fetched on load while the live connection opens.',
  stale: 'No push for over a minute: the live connection may be down. The figures shown are as of the time on the right.',
  offline: 'The live connection was refused or lost; the figures shown are as of the time on the right.',
}

/** A visible promise about freshness: whether pushes are arriving, and the as-of time of what is shown. */
export function LiveIndicator({ status, asOf }: { status: LiveStatus; asOf?: string }) {
  return (
    <div className={styles.indicator} data-live-status={status} title={EXPLAIN[status]}>
      <span className={`${styles.dot} ${styles[status]}`} aria-hidden />
      <strong>{LABEL[status]}</strong>
      {asOf && (
        <span className={styles.asOf} data-as-of={asOf}>
          as of {new Date(asOf).toLocaleTimeString('en-US', { hour: '2-digit', minute: '2-digit', second: '2-digit' })}
        </span>
      )}
    </div>
  )
}

/** The most pessimistic of several live feeds (one view, several subscriptions). */
export function worstStatus(statuses: LiveStatus[]): LiveStatus {
  for (const s of ['offline', 'stale', 'connecting'] as const) if (statuses.includes(s)) return s
  return 'live'
}
