import { Prisma, type Database } from '@ops-hub/db'
import { planCtes, planningSettings, riskColumns, planningSession } from '@ops-hub/domain'
import { scoreForecasts, type Forecast } from '@ops-hub/analytics'
import type { Backtest, BacktestResult } from './backtest.ts'

const DAY = 86_400_000
/**
 * Origins start once six weeks of history exist: demand velocity is a mean over the window (56 days by default), and a
 * forecast from a couple of weeks of orders would test the shortness of the history rather than the model.
 */
const WARM_UP_DAYS = 42

interface Row {
  p: number
  ip: number
  units: number
  free: number
  low: number | null
}

/**
 * The stockout-risk back-test on a rolling origin (REFERENCES.md, "Predictions and back-tests"). At midnight UTC of every
 * day after the warm-up, every planned position is forecast exactly as the hub would have then: planCtes with
 * `asOfLedger` (buckets summed from the ledger up to that moment, demand from the orders placed before it over the
 * window it had, lead times from the receipts booked before it, backorders as the orders' timelines stood), giving
 * P = 1 − Φ((IP − μ_LTD) / σ_LTD), the probability that demand over the lead time L reaches the inventory position.
 *
 * The outcome is that event, observed: the units ordered in the next L days and charged to the node (each line to the
 * node of its largest allocation, a line never allocated to the SKU's home node, as velocity charges them) reached the
 * position's IP at the origin — without a new order, it would have run out. Origins whose horizon runs past the end of
 * the history are left out (their outcome is not known yet). The notes add how often sellable stock (on hand − reserved
 * − damaged − QC) actually touched zero within the horizon, which rerouting to the other node and backorders mask.
 */
const stockout: Backtest = {
  name: 'stockout',
  description: 'P(demand over the lead time reaches the inventory position) per SKU × node, forecast daily from what was known then, against the orders that came',
  async run(db: Database, options): Promise<BacktestResult> {
    const prisma = db.prisma
    const [span] = await prisma.$queryRaw<Array<{ first: Date | null; last: Date | null }>>`
      SELECT min(placed_at) AS first, greatest((SELECT max(occurred_at) FROM inventory_events), max(placed_at)) AS last FROM orders`
    if (!span.first || !span.last) throw new Error('No order history to back-test on: seed the demo first')
    const end = span.last.getTime()
    const settings = await planningSettings(prisma, span.last)
    const threshold = settings.stockoutRiskThreshold
    const firstOrigin = Math.ceil((span.first.getTime() + WARM_UP_DAYS * DAY) / DAY) * DAY
    const forecasts: Forecast[] = []
    const inStock: Forecast[] = []
    let touchedZero = 0
    let origins = 0
    for (let t = firstOrigin; t < end; t += DAY) {
      const now = new Date(t)
      // The window the hub would have had: the setting, or the whole history when it is shorter.
      const windowDays = Math.min(settings.demandWindowDays, Math.floor((t - span.first.getTime()) / DAY))
      const params = { ...settings, now, demandWindowDays: windowDays, asOfLedger: true }
      const rows = await planningSession(prisma, (tx) => tx.$queryRaw<Row[]>(Prisma.sql`${planCtes(params)},
        horizon AS (
          SELECT plan.position_id, plan.sku_id, plan.location_id, ${riskColumns('plan')}, plan.ip,
            plan.on_hand - plan.reserved - plan.damaged - plan.quality_control AS free,
            ${now}::timestamptz + plan.lead_time * interval '1 day' AS until
          FROM plan WHERE ${now}::timestamptz + plan.lead_time * interval '1 day' <= ${span.last}::timestamptz
        ),
        later AS (
          SELECT ol.sku_id, ol.quantity, o.placed_at,
            coalesce((SELECT a.location_id FROM allocations a WHERE a.order_line_id = ol.id ORDER BY a.quantity DESC, a.location_id LIMIT 1),
              (SELECT hm.location_id FROM home hm WHERE hm.sku_id = ol.sku_id)) AS location_id
          FROM order_lines ol JOIN orders o ON o.id = ol.order_id
          WHERE o.placed_at > ${now}::timestamptz AND o.placed_at <= (SELECT max(until) FROM horizon)
            AND ol.sku_id IN (SELECT sku_id FROM horizon)
        ),
        arrived AS (
          SELECT h.position_id, sum(l.quantity)::int AS units
          FROM horizon h JOIN later l ON l.sku_id = h.sku_id AND l.location_id = h.location_id AND l.placed_at <= h.until
          GROUP BY 1
        ),
        future AS (
          SELECT e.stock_position_id, e.occurred_at,
            sum(e.on_hand_delta - e.reserved_delta - e.damaged_delta - e.quality_control_delta) OVER (PARTITION BY e.stock_position_id ORDER BY e.occurred_at, e.id) AS change
          FROM inventory_events e
          WHERE e.occurred_at > ${now}::timestamptz AND e.occurred_at <= (SELECT max(until) FROM horizon)
        ),
        lowest AS (
          SELECT h.position_id, min(h.free + f.change)::int AS low
          FROM horizon h JOIN future f ON f.stock_position_id = h.position_id AND f.occurred_at <= h.until
          GROUP BY 1
        )
        SELECT h.p::float8 AS p, h.ip::int AS ip, coalesce(a.units, 0) AS units, h.free::int AS free, l.low
        FROM horizon h LEFT JOIN arrived a ON a.position_id = h.position_id LEFT JOIN lowest l ON l.position_id = h.position_id`))
      if (rows.length === 0) continue
      origins++
      let events = 0
      for (const r of rows) {
        const y = r.units >= r.ip ? 1 : 0
        events += y
        forecasts.push({ p: r.p, y })
        if (r.ip > 0) inStock.push({ p: r.p, y })
        if (r.free > 0 && r.low !== null && r.low <= 0) touchedZero++
      }
      options.log?.(`${now.toISOString().slice(0, 10)}: ${rows.length} positions, ${events} whose lead-time demand reached their position`)
    }
    const score = scoreForecasts(forecasts, threshold)
    const positive = scoreForecasts(inStock, threshold)
    return {
      score,
      notes: [
        `${origins} daily origins from ${new Date(firstOrigin).toISOString().slice(0, 10)} (after a ${WARM_UP_DAYS}-day warm-up); threshold = setting procurement.stockoutRiskThreshold (${threshold})`,
        `positions with a positive inventory position only: ${positive.forecasts} forecasts, ${positive.events} events, Brier skill score ${positive.brierSkillScore?.toFixed(3) ?? 'n/a'}`,
        `sellable stock actually touched zero within the horizon in ${touchedZero} of the forecasts that started in stock (rerouting to the other node and backorders keep most shortfalls from emptying a bin)`,
      ],
    }
  },
}

export default stockout
