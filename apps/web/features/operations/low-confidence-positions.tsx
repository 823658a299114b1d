'use client'

import { DataTable } from '@/components/data-table'
import { formatCount } from '@/lib/format'
import type { InventoryConfidence } from './operations.graphql'
import styles from './operations.module.css'

const FACTOR_LABEL: Record<string, string> = {
  countAge: 'Count age',
  countVariance: 'Count variance',
  sourceFreshness: 'Feed freshness',
  unreconciled: 'Unreconciled feed deltas',
  manualAdjustments: 'Manual adjustments',
}

/** The least trusted stock positions and, for each, the factors that pull its confidence down. */
export function LowConfidencePositions({ confidence, fetching }: { confidence?: InventoryConfidence; fetching: boolean }) {
  return (
    <DataTable
      id="low-confidence"
      rows={confidence?.lowest}
      fetching={fetching}
      rowKey={(p) => `${p.sku}@${p.location}`}
      empty="No stock positions."
      columns={[
        { header: 'SKU', cell: (p) => (<><strong>{p.sku}</strong><br /><span className={styles.muted}>{p.skuName}</span></>) },
        { header: 'Node', cell: (p) => p.location },
        {
          header: 'Confidence',
          cell: (p) => (
            <span className={p.score < (confidence?.threshold ?? 0) ? styles.bad : undefined} title={`Below ${confidence?.threshold} is not safely promisable`}>
              {(p.score * 100).toFixed(0)}%
            </span>
          ),
          align: 'right',
        },
        { header: 'On hand', cell: (p) => formatCount(p.onHand), align: 'right' },
        {
          header: 'Factors (1 = no doubt)',
          cell: (p) => (
            <ul className={styles.factors}>
              {p.factors
                .slice()
                .sort((a, b) => a.value - b.value)
                .map((f) => (
                  <li key={f.name} title={f.explanation ?? undefined}>
                    <span>{FACTOR_LABEL[f.name] ?? f.name}</span>
                    <span className={styles.factorBar}>
                      <span style={{ width: `${Math.round(f.value * 100)}%` }} className={f.value < 0.5 ? styles.factorLow : undefined} />
                    </span>
                    <span className={styles.factorValue}>{f.value.toFixed(2)}</span>
                  </li>
                ))}
            </ul>
          ),
        },
      ]}
    />
  )
}
