import type { Database } from '@ops-hub/db'
import { scoreForecasts, type Forecast } from '@ops-hub/analytics'
import { estimateSlaRisk, historySnapshots, slaHistoryAt, slaRiskSettings, type SnapshotRow } from '@ops-hub/domain'
import type { Backtest } from './backtest.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** The first week of history only feeds the model; forecasts start after it. */
const WARM_UP_DAYS = 7

const sla: Backtest = {
  name: 'sla',
  description:
    'SLA-miss risk: at every origin of the history grid (every 3 hours by default) after a week of warm-up, every order open then (not yet past its ship-by) gets a probability from the history before that moment; labelled 1 when it was still open (not shipped in full, not cancelled) at its ship-by.',
  async run(db: Database, { log }) {
    const prisma = db.prisma
    const settings = await slaRiskSettings(prisma)
    const [range] = await db.sql.query(`SELECT min(placed_at) AS first, (SELECT max(occurred_at) FROM order_events) AS last FROM orders`)
    if (!range?.first) throw new Error('No orders to replay')
    const first = new Date(range.first as string).getTime()
    const last = new Date(range.last as string).getTime()
    const outcomes = new Map(
      (await db.sql.query(`SELECT id, ship_by, shipped_at, cancelled_at FROM orders WHERE ship_by IS NOT NULL`)).map((r) => {
        const shipBy = new Date(r.ship_by as string).getTime()
        const shipped = r.shipped_at ? new Date(r.shipped_at as string).getTime() : Infinity
        const cancelled = r.cancelled_at ? new Date(r.cancelled_at as string).getTime() : Infinity
        return [Number(r.id), { shipBy, missed: shipped > shipBy && cancelled > shipBy }]
      }),
    )
    const forecasts: Forecast[] = []
    const rule: Forecast[] = []
    const levels = new Map<string, number>()
    let pastShipBy = 0
    let unlabelled = 0
    let noHistory = 0
    const start = Math.ceil((first + WARM_UP_DAYS * DAY) / (settings.stepHours * HOUR)) * settings.stepHours * HOUR
    const origins: number[] = []
    for (let t = start; t < last; t += settings.stepHours * HOUR) origins.push(t)
    // Every origin's features, computed once: a row at moment u reads only what was recorded by u (snapshotSql), so the
    // rows at an origin are what the API would compute at that moment, and the history before it is what it learns from.
    const started = performance.now()
    const snapshots = await historySnapshots(prisma, settings, { from: new Date(first - settings.lookbackDays * DAY), to: new Date(last) })
    log?.(`${snapshots.length} order-moments over ${origins.length} origins (read in ${((performance.now() - started) / 1000).toFixed(1)} s)`)
    const byMoment = new Map<number, SnapshotRow[]>()
    for (const r of snapshots) {
      const list = byMoment.get(r.at.getTime())
      if (list) list.push(r)
      else byMoment.set(r.at.getTime(), [r])
    }
    const moments = [...byMoment.keys()].sort((a, b) => a - b)
    for (const [i, t] of origins.entries()) {
      const asOf = new Date(t)
      // Only the moments of the look-back window can count: hand those over, not 90 days of rows.
      const window = moments.filter((m) => m >= t - settings.lookbackDays * DAY && m < t).flatMap((m) => byMoment.get(m)!)
      const history = slaHistoryAt(window, asOf, settings)
      for (const o of byMoment.get(t) ?? []) {
        const r = estimateSlaRisk(o, history)
        const outcome = outcomes.get(r.orderId)!
        // Labelled only when the ship-by has passed by the end of the history (otherwise nobody knows yet).
        if (outcome.shipBy > last) { unlabelled++; continue }
        if (r.basis.level === 'PAST_SHIP_BY') { pastShipBy++; continue }
        if (r.probability === null) { noHistory++; continue }
        const y = outcome.missed ? 1 : 0
        forecasts.push({ p: r.probability, y })
        rule.push({ p: o.releaseRuleAtRisk ? 1 : 0, y })
        levels.set(r.basis.level, (levels.get(r.basis.level) ?? 0) + 1)
      }
      if (i % 80 === 0 || i === origins.length - 1) log?.(`origin ${i + 1}/${origins.length} ${asOf.toISOString().slice(0, 16)}Z: ${forecasts.length} forecasts so far (${((performance.now() - started) / 1000).toFixed(1)} s)`)
    }
    const score = scoreForecasts(forecasts, settings.exceptionThreshold)
    const ruleScore = scoreForecasts(rule, 0.5)
    const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`)
    return {
      score,
      figures: { pastShipBy, unlabelled, noHistory, ruleRecall: ruleScore.recall ?? 0 },
      notes: [
        `origins: ${origins.length} (every ${settings.stepHours} h from ${new Date(start).toISOString().slice(0, 10)}), history window ${settings.lookbackDays} days sampled every ${settings.stepHours} h`,
        `not scored: ${pastShipBy} already past their ship-by (missed for certain), ${unlabelled} with a ship-by after the end of the history, ${noHistory} with no history`,
        `basis of the forecasts: ${[...levels.entries()].sort((a, b) => b[1] - a[1]).map(([l, n]) => `${l} ${n}`).join(', ')}`,
        `the rule alone (ship-by by the node's next cut-off, releaseRuleAtRisk): precision ${pct(ruleScore.precision)}, recall ${pct(ruleScore.recall)}`,
      ],
    }
  },
}

export default sla
