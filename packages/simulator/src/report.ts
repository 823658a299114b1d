// The KPI table of one run, from the hub's own KPI definitions (computeKpis) over the simulated window, plus what
// only the simulator can know (oversold units: promised units that were not physically there at pick time).
import type { Database } from '@ops-hub/db'
import { computeKpis } from '@ops-hub/analytics'
import { STILL_OPEN, type EngineResult } from './engine.ts'
import type { PolicyResult, ScenarioKpis } from './params.ts'

const round = (n: number | null, places = 6) => (n === null || n === undefined ? null : Math.round(n * 10 ** places) / 10 ** places)

export async function policyResult(db: Database, run: EngineResult): Promise<PolicyResult> {
  const prisma = db.prisma
  const window = { from: run.from, to: run.to }
  const all = (await computeKpis(prisma, { ...window, groupBy: 'NONE' }, run.to)).groups[0]
  const byDay = await computeKpis(prisma, { ...window, groupBy: 'DAY', timeZone: 'UTC' }, run.to)
  const dayRate = new Map(byDay.groups.map((g) => [g.key, g.onTimeShipmentRate.value]))

  const exceptions = await db.sql.query(
    `SELECT type::text AS type, count(*)::int AS n FROM exceptions WHERE created_at >= $1 AND created_at < $2 GROUP BY 1 ORDER BY 1`,
    [run.from.toISOString(), run.to.toISOString()],
  )
  const cancelled = await db.sql.query(
    `SELECT to_char(cancelled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS n FROM orders
     WHERE cancelled_at >= $1 AND cancelled_at < $2 AND placed_at >= $1 GROUP BY 1`,
    [run.from.toISOString(), run.to.toISOString()],
  )
  const cancelledByDay = new Map(cancelled.map((r) => [String(r.day), Number(r.n)]))
  const latePos = await db.sql.query(
    `SELECT count(*)::int AS n FROM purchase_orders po
     WHERE po.expected_at >= $1 AND po.expected_at < $2
       AND (po.received_at IS NULL OR po.received_at > po.expected_at) AND po.status::text <> 'CANCELLED'`,
    [run.from.toISOString(), run.to.toISOString()],
  ).catch(() => [{ n: 0 }])

  // The on-time rate counts orders that shipped; work still waiting at the end past its ship-by is late too.
  const lateOpen = await db.sql.query(
    `SELECT count(*)::int AS n FROM orders
     WHERE placed_at >= $1 AND placed_at < $2 AND ship_by < $2 AND ${STILL_OPEN}`,
    [run.from.toISOString(), run.to.toISOString()],
  )

  const kpis: ScenarioKpis = {
    oversoldUnits: run.oversoldUnits,
    oversoldOrders: run.oversoldOrders,
    lostSalesUnits: run.lostSalesUnits,
    cancellationRate: round(all?.cancellationRate.value ?? null),
    onTimeShipmentRate: round(all?.onTimeShipmentRate.value ?? null),
    otif: round(all?.otifRate.value ?? null),
    lateOpenOrders: Number(lateOpen[0]?.n ?? 0),
    orderCycleTimeP50Hours: round(all?.orderCycleTime.p50Hours ?? null, 2),
    orderCycleTimeP90Hours: round(all?.orderCycleTime.p90Hours ?? null, 2),
    backorderUnits: all?.backorderRate.backorderedUnits ?? 0,
    inventoryRecordAccuracy: round(all?.inventoryRecordAccuracy.value ?? null),
    stockoutDays: run.stockoutDays,
    latePurchaseOrders: Number(latePos[0]?.n ?? 0),
    manualAdjustments: all?.manualAdjustmentFrequency.numerator ?? 0,
    exceptionsByType: Object.fromEntries(exceptions.map((r) => [String(r.type), Number(r.n)])),
  }
  const daily = run.daily.map((d) => ({
    day: d.day,
    customers: d.customers,
    orders: d.orders,
    backlog: d.backlog,
    cancellations: cancelledByDay.get(d.day) ?? 0,
    onTimeRate: round(dayRate.get(d.day) ?? null),
  }))
  return { kpis, daily }
}
