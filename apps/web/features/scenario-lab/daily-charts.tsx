'use client'

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { ScenarioDay } from './scenario-lab.graphql'
import styles from './scenario-lab.module.css'

const HUB = '#2563eb'
const NAIVE = '#ea580c'

type Measure = 'orders' | 'backlog' | 'cancellations' | 'onTimeRate'
const CHARTS: Array<{ measure: Measure; title: string; rate?: boolean }> = [
  { measure: 'orders', title: 'Orders placed per day' },
  { measure: 'backlog', title: 'Backlog at end of day' },
  { measure: 'cancellations', title: 'Cancellations per day' },
  { measure: 'onTimeRate', title: 'On-time shipment rate', rate: true },
]

/** Both policies day by day: one small line chart per measure, hub in blue, naive in orange. */
export function DailyCharts({ hub, naive }: { hub: ScenarioDay[]; naive: ScenarioDay[] }) {
  const byDay = new Map<string, Record<string, number | string | null>>()
  for (const [policy, days] of [['hub', hub], ['naive', naive]] as const) {
    for (const d of days) {
      const row = byDay.get(d.day) ?? { day: d.day }
      for (const c of CHARTS) row[`${policy}_${c.measure}`] = d[c.measure] === null ? null : c.rate ? Math.round(d[c.measure]! * 1000) / 10 : d[c.measure]
      byDay.set(d.day, row)
    }
  }
  const data = [...byDay.values()].sort((a, b) => String(a.day).localeCompare(String(b.day)))
  return (
    <div className={styles.charts}>
      {CHARTS.map((c) => (
        <figure key={c.measure} className={styles.chart} data-chart={`scenario-${c.measure}`} data-points={data.length}>
          <figcaption>{c.title}</figcaption>
          <div style={{ width: '100%', height: 200 }}>
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={data} margin={{ top: 6, right: 10, bottom: 0, left: -12 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
                <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} tickLine={false} axisLine={{ stroke: '#cbd5e1' }} tick={{ fontSize: 11, fill: '#475569' }} minTickGap={16} />
                <YAxis allowDecimals={!!c.rate} domain={c.rate ? [0, 100] : [0, 'auto']} unit={c.rate ? '%' : undefined} tickLine={false} axisLine={false} tick={{ fontSize: 11, fill: '#64748b' }} />
                <Tooltip contentStyle={{ borderRadius: 8, border: '1px solid #e2e8f0', fontSize: 12 }} formatter={(v) => (c.rate && typeof v === 'number' ? `${v}%` : String(v))} />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                <Line type="monotone" dataKey={`hub_${c.measure}`} name="Hub" stroke={HUB} strokeWidth={2} dot={data.length <= 2} connectNulls isAnimationActive={false} />
                <Line type="monotone" dataKey={`naive_${c.measure}`} name="Naive" stroke={NAIVE} strokeWidth={2} strokeDasharray="5 3" dot={data.length <= 2} connectNulls isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
        </figure>
      ))}
    </div>
  )
}
