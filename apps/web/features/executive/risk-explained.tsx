'use client'

import type { ReactNode } from 'react'
import { Badge } from '@/components/data-table'
import styles from './executive.module.css'

/** A probability as a percentage badge: red at or above the threshold, amber above half of it, else neutral. */
export function ProbabilityBadge({ probability, threshold, title }: { probability: number | null; threshold: number; title: string }) {
  if (probability === null) return <span className={styles.muted} title={title}>no history</span>
  const pct = probability * 100
  const text = pct > 0 && pct < 0.1 ? '<0.1%' : `${pct.toFixed(pct < 10 ? 1 : 0)}%`
  return (
    <span title={title} data-probability={probability}>
      <Badge tone={probability >= threshold ? 'bad' : probability >= threshold / 2 ? 'warn' : 'neutral'}>{text}</Badge>
    </span>
  )
}

/** The inputs behind a number, folded: a one-line summary, then every term and the formula on demand. */
export function Explained({ summary, children }: { summary: ReactNode; children: ReactNode }) {
  return (
    <div className={styles.why}>
      <span>{summary}</span>
      <details>
        <summary>How</summary>
        {children}
      </details>
    </div>
  )
}

/** Name = value pairs in two columns. */
export function Terms({ rows }: { rows: Array<[string, ReactNode]> }) {
  return (
    <dl className={styles.terms}>
      {rows.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  )
}

/** A float for reading: whole numbers as they are, others to `digits` places. */
export const num = (n: number | null | undefined, digits = 2) => (n === null || n === undefined ? '—' : Number.isInteger(n) ? String(n) : n.toFixed(digits))
