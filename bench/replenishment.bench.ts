// Replenishment planning at scale: planReplenishment (the pass behind generateReplenishmentSuggestions and the nightly
// job) over N SKUs × 2 fulfilment nodes with 90 days of order history, against the same demand-velocity and
// reorder-point aggregate (the `plan` CTE chain of planning-sql.ts, ending in a count and sums so every position's ROP,
// order-up-to and quantity are computed) run as one SQL statement by psql on the same database, in the same run. The
// pass adds what the statement does not: it writes the OPEN suggestions (with their explanation), expires stale ones,
// opens and resolves REPLENISHMENT_RISK exceptions with their outbox events, all in one transaction.
//
// Data (set-based, deterministic): N SKUs with skewed demand (0.05 to 0.95 order lines per day, 1-3 units each, 70% at
// the main DC, 30% at the 3PL), one order per 3 lines, each line allocated and shipped; 20 suppliers with promised lead
// times of 4-28 days, MOQs and packs; on hand between 0.8x and 1.7x of each position's reorder point, so about a fifth of
// positions sit below it. Each side is the best of RUNS on the same database;
// before each pass the suggestions and risk exceptions of the previous one are removed (untimed), so every pass creates
// them again. Memory: the process RSS before and at the peak of the pass, at 10k and at 50k SKUs: the pass streams nothing
// through the process (one statement returns the counts), so it must not grow with the number of SKUs.
// The HTTP row is what a user gets: the generateReplenishmentSuggestions mutation against an API on that database.
import { execFileSync } from 'node:child_process'
import { Prisma, openDatabase, type Database } from '@ops-hub/db'
import { inTransaction, planCtes, planReplenishment, planningSettings, signToken } from '@ops-hub/domain'
import { buildApp } from '../apps/api/src/app.ts'
import { createLogger } from '../apps/api/src/logger.ts'
import type { Benchmark, BenchRow } from './harness.ts'
import { serverUrl, withFreshDatabase } from './support/postgres.ts'

const SIZES = (process.env.BENCH_REPLENISHMENT_SKUS ?? '10000,50000').split(',').map(Number)
const RUNS = Number(process.env.BENCH_REPLENISHMENT_RUNS ?? 3)
const HISTORY_DAYS = 90
const SECRET = 'bench-secret-for-replenishment-0123456789'

export async function seed(db: Database, skus: number) {
  await db.sql.exec(`
    INSERT INTO channels (code, name, kind) VALUES ('BENCH', 'Bench storefront', 'STOREFRONT');
    INSERT INTO locations (code, name, kind, is_fulfillment_node) VALUES ('B-MAIN', 'Bench DC', 'WAREHOUSE', true), ('B-3PL', 'Bench 3PL', 'THIRD_PARTY', true);
    INSERT INTO suppliers (code, name) SELECT 'BS-' || g, 'Bench supplier ' || g FROM generate_series(1, 20) g;
    INSERT INTO skus (code, name, unit_cost, abc_class, created_at, updated_at)
      SELECT 'BR-' || g, 'Bench item ' || g, 5 + g % 50, (CASE WHEN g % 10 = 0 THEN 'A' WHEN g % 10 < 4 THEN 'B' ELSE 'C' END)::"AbcClass",
        now() - interval '400 days', now()
      FROM generate_series(1, ${skus}) g;
    INSERT INTO supplier_skus (supplier_id, sku_id, lead_time_mean_days, lead_time_std_dev_days, minimum_order_quantity, pack_size, unit_cost, is_primary)
      SELECT (SELECT min(id) FROM suppliers) + s.id % 20, s.id, 4 + s.id % 25, 1 + s.id % 4, 1 + (s.id % 3) * 10, (ARRAY[1, 1, 6, 12, 24])[1 + s.id % 5], 4, true
      FROM skus s;
    -- Lines per day per SKU: 0.05 + 0.9 u^3 (a long tail of slow movers, a few fast ones).
    CREATE TEMP TABLE demand AS
      SELECT row_number() OVER (ORDER BY d.day, s.id) AS rn, s.id AS sku_id, d.day, 1 + abs(hashint8(s.id::bigint * 977 + d.day)) % 3 AS quantity,
        CASE WHEN abs(hashint8(s.id::bigint * 31 + d.day * 7)) % 10 < 7 THEN 'B-MAIN' ELSE 'B-3PL' END AS node
      FROM skus s CROSS JOIN generate_series(0, ${HISTORY_DAYS - 1}) AS d(day)
      WHERE (abs(hashint8(s.id::bigint * 1000003 + d.day)) % 1000) / 1000.0 < 0.05 + 0.9 * power((abs(hashint4(s.id)) % 1000) / 1000.0, 3);
    INSERT INTO orders (id, channel_id, external_id, status, placed_at, customer_email, customer_name, ship_to_name, ship_to_line1, ship_to_city,
        ship_to_postal_code, ship_to_country, payment_status, updated_at)
      SELECT (rn - 1) / 3 + 1, (SELECT id FROM channels), 'B-' || ((rn - 1) / 3 + 1), 'SHIPPED',
        now() - interval '${HISTORY_DAYS} days' + day * interval '1 day' + ((rn % 1440) * interval '1 minute'),
        'bench@example.com', 'Bench', 'Bench', '1 Bench St', 'Springfield', '62701', 'US', 'CAPTURED', now()
      FROM demand WHERE (rn - 1) % 3 = 0;
    SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders));
    INSERT INTO order_lines (id, order_id, line_number, sku_id, quantity, unit_price, shipped_quantity)
      SELECT rn, (rn - 1) / 3 + 1, (rn - 1) % 3 + 1, sku_id, quantity, 10, quantity FROM demand;
    SELECT setval(pg_get_serial_sequence('order_lines', 'id'), (SELECT max(id) FROM order_lines));
    INSERT INTO allocations (order_line_id, location_id, quantity, status, created_at, updated_at)
      SELECT d.rn, l.id, d.quantity, 'SHIPPED', now(), now() FROM demand d JOIN locations l ON l.code = d.node;
    INSERT INTO stock_positions (sku_id, location_id, on_hand, updated_at) SELECT s.id, l.id, 0, now() FROM skus s CROSS JOIN locations l;`)
  await db.sql.exec('ANALYZE')
  // On hand between 0.8x and 1.7x of each position's own reorder point (from the plan itself): about a fifth below it.
  const plan = inline(Prisma.sql`${planCtes(await planningSettings(db.prisma, new Date()))}
    UPDATE stock_positions sp SET on_hand = ceil(plan.rop * (0.8 + 0.9 * (abs(hashint8(sp.id::bigint * 7919)) % 1000) / 1000.0))::int
    FROM plan WHERE plan.position_id = sp.id`)
  await db.sql.exec(`SET jit = off; ${plan}; RESET jit;
    INSERT INTO inventory_events (stock_position_id, sku_id, location_id, type, actor, on_hand_delta, occurred_at)
      SELECT id, sku_id, location_id, 'RECEIVED', 'bench', on_hand, now() - interval '100 days' FROM stock_positions;`)
  await db.sql.exec('VACUUM ANALYZE')
  const [row] = await db.sql.query('SELECT (SELECT count(*) FROM order_lines)::int AS lines, (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM stock_positions)::int AS positions')
  return row as { lines: number; orders: number; positions: number }
}

/** The statement with its parameters written in, for psql (the same text planReplenishment sends, bound the same way). */
export function inline(sql: Prisma.Sql): string {
  const literal = (v: unknown): string => {
    if (v === null || v === undefined) return 'NULL'
    if (v instanceof Date) return `'${v.toISOString()}'`
    if (typeof v === 'number' || typeof v === 'bigint') return String(v)
    if (typeof v === 'boolean') return v ? 'true' : 'false'
    if (Array.isArray(v)) return `'{${v.join(',')}}'`
    return `'${String(v).replace(/'/g, "''")}'`
  }
  return sql.text.replace(/\$(\d+)/g, (_, i) => literal(sql.values[Number(i) - 1]))
}

async function reset(db: Database) {
  await db.sql.exec(`DELETE FROM reorder_suggestions; DELETE FROM exceptions WHERE type = 'REPLENISHMENT_RISK'; DELETE FROM outbox_events;`)
}

interface SizeResult {
  skus: number
  data: { lines: number; orders: number; positions: number }
  passMs: number[]
  psqlMs: number[]
  httpMs: number[]
  rssBefore: number
  rssPeak: number
  run: Awaited<ReturnType<typeof planReplenishment>>
}

async function measure(skus: number): Promise<SizeResult> {
  return withFreshDatabase('ops_hub_bench_repl', async (name) => {
    const db = await openDatabase({ databaseUrl: serverUrl(name), poolSize: 4 })
    try {
      await db.migrate()
      const data = await seed(db, skus)
      const now = new Date()
      const settings = await planningSettings(db.prisma, now)
      const aggregate = inline(Prisma.sql`${planCtes(settings)}
        SELECT count(*) AS positions, count(*) FILTER (WHERE below) AS below, sum(rop) AS rop, sum(order_up_to) AS order_up_to, sum(quantity) FILTER (WHERE below) AS quantity FROM plan`)
      const psqlMs: number[] = []
      const passMs: number[] = []
      let rssBefore = 0
      let rssPeak = 0
      let run!: SizeResult['run']
      for (let i = 0; i < RUNS; i++) {
        // The pass runs in planningSession's settings (JIT off, 64 MB work memory); psql gets the same.
        const out = execFileSync('psql', [serverUrl(name), '-q', '-c', "SET jit = off; SET work_mem = '64MB'", '-c', '\\timing on', '-c', aggregate], { encoding: 'utf8', maxBuffer: 1 << 24 })
        const ms = Number(/Time: ([\d.]+) ms/.exec(out)?.[1])
        if (!Number.isFinite(ms)) throw new Error(`psql printed no timing: ${out.slice(0, 500)}`)
        psqlMs.push(ms)

        await reset(db)
        global.gc?.()
        const before = process.memoryUsage().rss
        let peak = before
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5)
        const t0 = performance.now()
        run = await inTransaction(db.prisma, (tx) => planReplenishment(tx, {}, { id: 'bench', role: 'ADMIN' }, now), { timeoutMs: 30 * 60_000 })
        passMs.push(performance.now() - t0)
        clearInterval(sampler)
        if (i === 0) {
          rssBefore = before
          rssPeak = Math.max(peak, process.memoryUsage().rss)
        }
      }
      // What a user gets: the mutation over HTTP, on an API serving this database.
      const app = await buildApp({ databaseUrl: serverUrl(name), secret: SECRET, logger: createLogger('warn'), jobs: false })
      const url = await app.start(0)
      const httpMs: number[] = []
      try {
        const token = await signToken(SECRET, { sub: 'bench@procurement', role: 'PROCUREMENT' })
        for (let i = 0; i < RUNS; i++) {
          await reset(db)
          const t0 = performance.now()
          const res = await fetch(`${url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query: 'mutation { generateReplenishmentSuggestions { run { planned due created } suggestions(first: 20) { id suggestedQuantity } userErrors { code } } }' }),
          })
          const body = (await res.json()) as { data?: { generateReplenishmentSuggestions: { run: { planned: number } } }; errors?: unknown }
          httpMs.push(performance.now() - t0)
          if (!body.data?.generateReplenishmentSuggestions.run) throw new Error(`mutation failed: ${JSON.stringify(body)}`)
        }
      } finally {
        await app.stop()
      }
      return { skus, data, passMs, psqlMs, httpMs, rssBefore, rssPeak, run }
    } finally {
      await db.close()
    }
  })
}

const best = (xs: number[]) => Math.min(...xs)
const mb = (n: number) => (n / 1024 / 1024).toFixed(0)
const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join('/')

const bench: Benchmark = {
  name: 'replenishment',
  requires: ['postgres'],
  async run(): Promise<BenchRow[]> {
    const results: SizeResult[] = []
    for (const n of SIZES) results.push(await measure(n))
    const rows: BenchRow[] = []
    for (const r of results) {
      rows.push({
        name: `planReplenishment, ${r.skus.toLocaleString('en-US')} SKUs × 2 nodes, ${HISTORY_DAYS} days (${r.data.lines.toLocaleString('en-US')} order lines), best of ${RUNS}`,
        value: best(r.passMs),
        unit: 'ms',
        baseline: { name: `the velocity + reorder-point aggregate as one statement in psql (its \\timing), best of ${RUNS}`, value: best(r.psqlMs), unit: 'ms' },
        ratio: best(r.passMs) / best(r.psqlMs),
        goal: '<= 1.5',
        notes:
          `passes ${list(r.passMs)} ms, psql ${list(r.psqlMs)} ms; ${r.run.planned} positions planned, ${r.run.created} OPEN suggestions written, ` +
          `${r.run.risksOpened} REPLENISHMENT_RISK exceptions opened; process RSS ${mb(r.rssBefore)} MB before the first pass, peak ${mb(r.rssPeak)} MB`,
      })
      rows.push({
        name: `over HTTP: generateReplenishmentSuggestions (all nodes), ${r.skus.toLocaleString('en-US')} SKUs, best of ${RUNS}`,
        value: best(r.httpMs),
        unit: 'ms',
        baseline: { name: 'the same aggregate in psql', value: best(r.psqlMs), unit: 'ms' },
        ratio: best(r.httpMs) / best(r.psqlMs),
        notes: `requests ${list(r.httpMs)} ms (the payload carries the 20 most at risk)`,
      })
    }
    if (results.length >= 2) {
      const [small, large] = [results[0], results[results.length - 1]]
      rows.push({
        name: `process RSS growth during the pass: ${large.skus.toLocaleString('en-US')} SKUs against ${small.skus.toLocaleString('en-US')}`,
        value: (large.rssPeak - large.rssBefore) / 1024 / 1024,
        unit: 'MB',
        baseline: { name: `${small.skus.toLocaleString('en-US')} SKUs`, value: (small.rssPeak - small.rssBefore) / 1024 / 1024, unit: 'MB' },
        notes: 'flat: one statement plans every position in the database and returns only counts; nothing per SKU passes through the process',
      })
    }
    return rows
  },
}

export default bench
