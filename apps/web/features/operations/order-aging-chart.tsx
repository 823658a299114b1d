'use client'

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { OrderAging } from './operations.graphql'

const PALETTE = ['#2563eb', '#0d9488', '#9333ea', '#ea580c', '#0891b2', '#65a30d', '#db2777']
const UNROUTED = '#94a3b8'

/** Open orders per age bucket, stacked by the node working them (grey: not routed to a node yet). */
export function OrderAgingChart({ aging }: { aging: OrderAging }) {
  const series = aging.byLocation.map((l, i) => ({
    key: l.locationCode ?? 'unrouted',
    name: l.locationCode ? `${l.locationCode}` : 'Not routed yet',
    color: l.locationCode ? PALETTE[i % PALETTE.length] : UNROUTED,
  }))
  const data = aging.buckets.map((b, bi) => ({
    label: b.label,
    pastShipBy: b.pastShipBy ?? 0,
    ...Object.fromEntries(aging.byLocation.map((l) => [l.locationCode ?? 'unrouted', l.buckets[bi]?.count ?? 0])),
  }))
  return (
    <div style={{ width: '100%', height: 280 }} data-chart="order-aging" data-total={aging.total}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis dataKey="label" tickLine={false} axisLine={{ stroke: '#cbd5e1' }} tick={{ fontSize: 12, fill: '#475569' }} />
          <YAxis allowDecimals={false} tickLine={false} axisLine={false} tick={{ fontSize: 11, fill: '#64748b' }} />
          <Tooltip
            cursor={{ fill: 'rgba(37,99,235,0.06)' }}
            contentStyle={{ borderRadius: 8, border: '1px solid #e2e8f0', fontSize: 12 }}
            labelFormatter={(label, payload) => {
              const row = payload?.[0]?.payload as { pastShipBy?: number } | undefined
              return `Placed ${label} ago · ${row?.pastShipBy ?? 0} past ship-by`
            }}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {series.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.name} stackId="aging" fill={s.color} maxBarSize={64} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  )
}
