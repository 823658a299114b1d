'use client'

import { useQuery } from 'urql'
import { DataTable } from '@/components/data-table'
import { Panel } from '@/components/panel'
import { describeError } from '@/components/metric-card'
import { formatCount, formatPercent } from '@/lib/format'
import { SUPPLIER_SCORECARDS_QUERY, type SupplierScorecardRow } from './procurement.graphql'
import styles from './procurement.module.css'

const rate = (v: number | null, good = 0.95) => <span className={v === null ? styles.muted : v >= good ? styles.good : v < 0.8 ? styles.bad : undefined}>{formatPercent(v)}</span>

/** Every supplier's delivery performance over the last 90 days and the lead time replenishment plans with. */
export function SupplierScorecards() {
  const [result] = useQuery<{ suppliers: { nodes: SupplierScorecardRow[] } }>({ query: SUPPLIER_SCORECARDS_QUERY })
  const tolerance = result.data?.suppliers.nodes[0]?.scorecard.leadTimeToleranceDays
  return (
    <Panel
      id="supplier-scorecards"
      wide
      title="Supplier scorecards, last 90 days"
      explain={
        <>
          Over PO lines due in the period. On time: first receipt by the expected arrival. In full: every unit ordered arrived undamaged. Fill rate: good
          units received / ordered. Lead-time adherence: first receipt − sent within the promised lead time + {tolerance ?? 2} days. Lead time: learned from
          receipts once there are enough, else promised.
        </>
      }
    >
      {result.error && <p className={styles.bad}>{describeError(result.error)}</p>}
      <DataTable
        id="supplier-scorecards"
        rows={result.data?.suppliers.nodes}
        fetching={result.fetching}
        rowKey={(s) => s.id}
        empty="No suppliers yet."
        columns={[
          { header: 'Supplier', cell: (s) => (<><strong>{s.code}</strong><br /><span className={styles.muted}>{s.name}</span></>) },
          {
            header: 'Lead time',
            cell: (s) => (
              <span title={`${s.leadTime.basis === 'OBSERVED' ? 'Observed' : 'Promised'}; 90th percentile ${s.leadTime.p90Days.toFixed(1)} days; ${s.leadTime.samples} receipts measured`}>
                {s.leadTime.meanDays.toFixed(1)} d <span className={styles.muted}>{s.leadTime.basis === 'OBSERVED' ? 'observed' : 'promised'}</span>
              </span>
            ),
            nowrap: true,
          },
          { header: 'Lines due', cell: (s) => formatCount(s.scorecard.linesDue), align: 'right' },
          { header: 'On time', cell: (s) => rate(s.scorecard.onTimeRate), align: 'right' },
          { header: 'In full', cell: (s) => rate(s.scorecard.inFullRate), align: 'right' },
          { header: 'Fill rate', cell: (s) => rate(s.scorecard.fillRate, 0.98), align: 'right' },
          { header: 'LT adherence', cell: (s) => rate(s.scorecard.leadTimeAdherence), align: 'right' },
          { header: 'Days late', cell: (s) => (s.scorecard.meanDaysLate === null ? '—' : s.scorecard.meanDaysLate.toFixed(1)), align: 'right' },
          { header: 'Receipts', cell: (s) => formatCount(s.scorecard.receipts), align: 'right' },
        ]}
      />
    </Panel>
  )
}
