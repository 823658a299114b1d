import type { ReactNode } from 'react'
import type { CombinedError } from 'urql'
import { formatCount } from '@/lib/format'
import styles from './components.module.css'

export interface MetricCardProps {
  /** Stable id for tests and links, e.g. "orders-placed-7d". */
  id: string
  label: string
  value: number | null | undefined
  /** Renders the value (default: a whole count). */
  format?: (value: number) => string
  /** What the number counts and where it comes from: every number on the dashboard explains itself. */
  explain: ReactNode
  fetching?: boolean
  error?: CombinedError
  tone?: 'neutral' | 'good' | 'warn' | 'bad'
  footnote?: ReactNode
}

export function MetricCard({ id, label, value, format = formatCount, explain, fetching, error, tone = 'neutral', footnote }: MetricCardProps) {
  const ready = typeof value === 'number'
  return (
    <article className={`${styles.metric} ${styles[`tone-${tone}`]}`} data-metric={id} aria-busy={!ready && fetching}>
      <h3 className={styles.metricLabel}>{label}</h3>
      <p className={styles.metricValue} data-value={ready ? value : undefined}>
        {ready ? format(value) : error ? '—' : <span className={styles.skeleton}>&nbsp;</span>}
      </p>
      <p className={styles.metricExplain} data-explain>
        {explain}
      </p>
      {error && <p className={styles.metricError}>{describeError(error)}</p>}
      {footnote && <p className={styles.metricFootnote}>{footnote}</p>}
    </article>
  )
}

export function describeError(error: CombinedError): string {
  const code = error.graphQLErrors[0]?.extensions?.code
  if (code === 'FORBIDDEN') return 'Your role may not see this number.'
  if (error.networkError) return `Cannot reach the API: ${error.networkError.message}`
  return error.graphQLErrors[0]?.message ?? error.message
}
