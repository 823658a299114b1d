'use client'

import { Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, YAxis } from 'recharts'
import { Badge } from '@/components/data-table'
import type { KpiDefinition, KpiStatus, KpiValue } from './executive.graphql'
import { STATUS_LABEL, STATUS_TONE, basisText, formatChange, formatKpi, targetText } from './kpi-format'
import styles from './executive.module.css'

export interface TrendPoint {
  day: string
  value: number | null
}

/**
 * One KPI for the period: its value against target (status), the change from the previous period, what it is made
 * of, a daily trend, today's value pushed live, and its definition.
 */
export function KpiTile({
  definition,
  value,
  trend,
  today,
  periodDays,
}: {
  definition: KpiDefinition
  value: KpiValue
  trend: TrendPoint[]
  today?: { value: number | null; status: KpiStatus | null }
  periodDays: number
}) {
  const { name, unit, label } = definition
  const change = formatChange(value, unit)
  const tone = value.status ? STATUS_TONE[value.status] : 'neutral'
  const points = trend.filter((p) => p.value !== null).length
  return (
    <article
      className={`${styles.tile} ${styles[`tile-${tone}`]}`}
      data-kpi={name}
      data-kpi-value={value.value ?? undefined}
      data-kpi-status={value.status ?? 'NONE'}
      aria-label={label}
    >
      <h3 className={styles.tileTitle}>{label}</h3>
      <div className={styles.tileValueRow}>
        <p className={styles.tileValue}>{formatKpi(value.value, unit, value.target)}</p>
        {value.status ? <Badge tone={STATUS_TONE[value.status]}>{STATUS_LABEL[value.status]}</Badge> : <Badge>No data</Badge>}
      </div>
      <p className={styles.tileTarget}>
        {targetText(value, unit).map((line) => (
          <span key={line}>{line}</span>
        ))}
      </p>
      {value.value === null ? (
        <p className={styles.tileBasis} data-explain>{value.unavailableReason}</p>
      ) : (
        <p className={styles.tileBasis} data-explain data-kpi-basis>{basisText(name, value)}</p>
      )}
      <p className={styles.tileChange}>
        Previous {periodDays} days: {formatKpi(value.previousPeriodValue, unit, value.target)}
        {change && <span className={change.good === null ? '' : change.good ? styles.better : styles.worse}> {change.text}</span>}
      </p>
      <div className={styles.spark} data-kpi-trend={name} data-points={points} title={`${label} per day`}>
        {points > 0 ? (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={trend} margin={{ top: 4, right: 2, bottom: 2, left: 2 }}>
              <YAxis hide domain={['auto', 'auto']} />
              <ReferenceLine y={value.target} stroke="#94a3b8" strokeDasharray="3 3" />
              <Tooltip
                formatter={(v) => [formatKpi(Number(v), unit, value.target), label]}
                labelFormatter={(_, items) => String(items?.[0]?.payload?.day ?? '')}
                contentStyle={{ borderRadius: 8, border: '1px solid #e2e8f0', fontSize: 12, padding: '4px 8px' }}
              />
              <Line type="linear" dataKey="value" stroke="#2563eb" strokeWidth={1.75} dot={points < 3} connectNulls={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        ) : (
          <span className={styles.sparkEmpty}>No daily values in this period</span>
        )}
      </div>
      <footer className={styles.tileFooter}>
        <span data-kpi-today={name}>
          Today, live: <strong>{formatKpi(today?.value, unit, value.target)}</strong>
        </span>
        <details>
          <summary>Definition</summary>
          <p>{definition.definition}</p>
        </details>
      </footer>
    </article>
  )
}
