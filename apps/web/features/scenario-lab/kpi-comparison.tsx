'use client'

import type { ScenarioKpiComparison } from './scenario-lab.graphql'
import { formatDifference, formatKpi } from './scenario-format'
import styles from './scenario-lab.module.css'

const DIRECTION: Record<ScenarioKpiComparison['better'], string> = {
  LOWER: 'lower is better',
  HIGHER: 'higher is better',
  NEITHER: 'no better side: the hub routes problems as exceptions, the baseline meets them at pick time',
}

/** The KPI table, hub | naive | difference; the better side of each KPI is highlighted by its direction. */
export function KpiComparisonTable({ rows }: { rows: ScenarioKpiComparison[] }) {
  const cell = (row: ScenarioKpiComparison, side: 'HUB' | 'NAIVE') => {
    const value = side === 'HUB' ? row.hub : row.naive
    const tone = row.winner === side ? styles.better : row.winner !== 'NONE' && row.winner !== 'EVEN' ? styles.worse : ''
    return (
      <td className={`${styles.num} ${tone}`} data-side={side.toLowerCase()} data-value={value ?? ''}>
        {formatKpi(value, row.unit)}
        {row.winner === side && <span className={styles.srOnly}> (better)</span>}
      </td>
    )
  }
  return (
    <div className={styles.tableWrap}>
      <table className={styles.table} data-table="scenario-kpis">
        <thead>
          <tr>
            <th>KPI</th>
            <th className={styles.num}>Hub</th>
            <th className={styles.num}>Naive</th>
            <th className={styles.num}>Difference</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-kpi={row.key} data-winner={row.winner}>
              <td>
                <span className={styles.kpiLabel}>{row.label}</span>
                <span className={styles.kpiHint} title={DIRECTION[row.better]}>
                  {row.better === 'LOWER' ? 'lower is better' : row.better === 'HIGHER' ? 'higher is better' : 'no better side'}
                </span>
              </td>
              {cell(row, 'HUB')}
              {cell(row, 'NAIVE')}
              <td className={`${styles.num} ${styles.diff}`}>{formatDifference(row.difference, row.unit)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
