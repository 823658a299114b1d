import type { Database } from '@ops-hub/db'
import { scoreForecasts, type Forecast } from '@ops-hub/analytics'
import {
  beforeCount,
  calibrationPoints,
  countPriorityInputs,
  countPriorityParams,
  fitVarianceCurve,
  pastCounts,
  rankCountPriorities,
  scoreCountPriority,
  varianceChance,
  type CountPriorityInputs,
  type PositionMoment,
} from '@ops-hub/domain'
import type { Backtest } from './backtest.ts'

const DAY = 86_400_000
/** Origins: every day at 12:00 UTC (early morning at the nodes, before the day's counts). */
const ORIGIN_HOUR_UTC = 12
/** The first four weeks only provide past counts to read scores against. */
const WARM_UP_DAYS = 28

const counts: Backtest = {
  name: 'counts',
  description:
    'Cycle-count priority: every day before the counts, every stock position is scored with what was known then and its score read as the chance a count finds a variance (from the counts before that day); labelled by the counts recorded in the next 24 hours (1 when counted differed from the book).',
  async run(db: Database, { log }) {
    const prisma = db.prisma
    const params = await countPriorityParams(prisma)
    const all = await pastCounts(prisma, null, new Date(0), new Date(8.64e15))
    if (all.length === 0) throw new Error('No cycle counts to replay')
    // History starts with the ledger (positions may carry older creation dates from the system before).
    const [range] = await db.sql.query(`SELECT min(occurred_at) AS first FROM inventory_events`)
    const first = new Date(range.first as string).getTime()
    const last = all[all.length - 1].countedAt.getTime()
    const origins: number[] = []
    for (let t = Math.ceil((first + WARM_UP_DAYS * DAY - ORIGIN_HOUR_UTC * 3_600_000) / DAY) * DAY + ORIGIN_HOUR_UTC * 3_600_000; t <= last; t += DAY) origins.push(t)
    const positions = (await db.sql.query(
      `SELECT sp.id, sp.created_at FROM stock_positions sp JOIN skus s ON s.id = sp.sku_id WHERE s.active AND NOT s.is_bundle ORDER BY sp.id`,
    )).map((r) => ({ id: Number(r.id), createdAt: new Date(r.created_at as string).getTime() }))

    // Every position on every day and every past count just before it, in one read: each pair sees only what was
    // recorded by its own moment (countPriorityInputs), as the API's ranking at that moment would.
    const moments: PositionMoment[] = [
      ...origins.flatMap((t) => positions.filter((p) => p.createdAt <= t).map((p) => ({ positionId: p.id, at: new Date(t) }))),
      ...all.map(beforeCount),
    ]
    const started = performance.now()
    const inputs = await countPriorityInputs(prisma, moments)
    log?.(`${inputs.length} position-moments over ${origins.length} days and ${all.length} counts (read in ${((performance.now() - started) / 1000).toFixed(1)} s)`)
    const byOrigin = new Map<number, CountPriorityInputs[]>()
    for (const i of inputs) {
      const list = byOrigin.get(i.at.getTime())
      if (list) list.push(i)
      else byOrigin.set(i.at.getTime(), [i])
    }

    const forecasts: Forecast[] = []
    let variances = 0
    let inTopDecile = 0
    let topDecileCounts = 0
    let topDecileVariances = 0
    for (const t of origins) {
      const labelled = all.filter((c) => c.countedAt.getTime() >= t && c.countedAt.getTime() < t + DAY)
      if (labelled.length === 0) continue
      const past = all.filter((c) => c.countedAt.getTime() <= t && c.countedAt.getTime() > t - params.settings.calibrationDays * DAY)
      const curve = fitVarianceCurve(calibrationPoints(inputs, past, params), params.settings.curveRidge)
      const scored = (byOrigin.get(t) ?? []).map((i) => ({ ...scoreCountPriority(i, params), locationId: i.locationId }))
      const rankAt = new Map<number, { rank: number; of: number; score: number }>()
      for (const locationId of new Set(scored.map((s) => s.locationId))) {
        const ranked = rankCountPriorities(scored.filter((s) => s.locationId === locationId))
        for (const r of ranked) rankAt.set(r.positionId, { rank: r.rank, of: ranked.length, score: r.score })
      }
      for (const c of labelled) {
        const r = rankAt.get(c.positionId)
        if (!r) continue
        const chance = varianceChance(r.score, curve)
        if (chance.probability === null) continue
        const y = c.foundVariance ? 1 : 0
        forecasts.push({ p: chance.probability, y })
        const top = r.rank <= Math.ceil(r.of / 10)
        if (y) variances++
        if (y && top) inTopDecile++
        if (top) {
          topDecileCounts++
          topDecileVariances += y
        }
      }
    }
    const score = scoreForecasts(forecasts, 0.5)
    const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : 'n/a')
    return {
      score,
      figures: { variances, inTopDecile, topDecileShare: variances ? inTopDecile / variances : 0, topDecileHitRate: topDecileCounts ? topDecileVariances / topDecileCounts : 0 },
      notes: [
        `origins: ${origins.length} days at ${ORIGIN_HOUR_UTC}:00 UTC after ${WARM_UP_DAYS} days of warm-up; probabilities read off a logistic curve fitted to the past ${params.settings.calibrationDays} days of counts`,
        `top decile of each location's ranking: ${inTopDecile} of ${variances} real variances found there (${pct(inTopDecile, variances)}; ranking at random finds 10%)`,
        `counts of top-decile positions that found a variance: ${topDecileVariances} of ${topDecileCounts} (${pct(topDecileVariances, topDecileCounts)}; all counts ${pct(variances, forecasts.length)})`,
      ],
    }
  },
}

export default counts
