// placeOrder over HTTP GraphQL on the demo scenario's configuration: the demo seeded into a fresh PostgreSQL database
// (its channels and allocation rules: WHOLESALE and STOREFRONT reserved pools, MARKET-A capped at 50% of every SKU,
// two SKU caps), the API started in its own process as `npm run start:api` runs it with HUB_RATE_LIMIT=off, and
// CLIENTS clients each placing 1-unit orders one after another for SECONDS (after a 2 s warm-up), spread round-robin
// over every active channel and over the ~50 SKUs with the most available stock. Every answer is checked (an order,
// no errors); the books are checked at the end: the bench orders' allocated units = their ledger reservations = what
// their channels' counters moved. Next to it, the same order mix placed in this process through OrderIntake.place on
// the same database (the domain's share of the work, without HTTP/GraphQL).
// Baseline: pgbench tpcb-like with the same number of clients on a fresh database of the same server, in the same run.
// BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the API process's measured window there; BENCH_SQL_DETAIL=1 prints
// its SQL statements per order by kind.
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { fork, type ChildProcess } from 'node:child_process'
import { openDatabase } from '@ops-hub/db'
import { OrderIntake, signToken, systemActor } from '@ops-hub/domain'
import { seedDemo } from '../prisma/seed/seed-demo.ts'
import type { Benchmark, BenchRow } from './harness.ts'
import { serverUrl, withFreshDatabase } from './support/postgres.ts'
import { pgbenchTps } from './reservation.bench.ts'

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const SKUS = Number(process.env.BENCH_HTTP_SKUS ?? 50)
const SCALE = Number(process.env.BENCH_DEMO_SCALE ?? 1)
const SECRET = 'bench-secret-for-place-order-0123456789'
const dir = path.dirname(fileURLToPath(import.meta.url))

const PLACE = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { created order { id number status } userErrors { code message } } }`

function startApi(databaseUrl: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = fork(path.join(dir, 'support', 'order-api-server.ts'), [], {
    env: { ...process.env, DATABASE_URL: databaseUrl, BENCH_SECRET: SECRET, HUB_RATE_LIMIT: 'off', BENCH_API_POOL: String(CLIENTS + 2) },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    proc.once('message', (m: { url: string }) => resolve({ proc, url: m.url }))
    proc.once('exit', (code) => reject(new Error(`API process exited (${code}) before it was ready`)))
  })
}

function ask<T>(proc: ChildProcess, cmd: string): Promise<T> {
  return new Promise((resolve) => {
    proc.once('message', (m: T) => resolve(m))
    proc.send({ cmd })
  })
}

const benchmark: Benchmark = {
  name: 'placeOrder over HTTP on the demo configuration vs pgbench tpcb-like',
  requires: ['postgres'],
  async run(): Promise<BenchRow[]> {
    const run = await withFreshDatabase('ops_hub_bench_http_order', async (name) => {
      const databaseUrl = serverUrl(name)
      const db = await openDatabase({ databaseUrl, poolSize: 4 })
      try {
        await db.migrate()
        const seeded = await seedDemo(db, { seed: 42, scale: SCALE })
        await db.sql.exec('VACUUM ANALYZE')
        const channels = (await db.sql.query(`SELECT code FROM channels WHERE active ORDER BY id`)).map((r) => String(r.code))
        // The stocked SKUs: sellable, not bundles, the most units available at active fulfilment nodes.
        const skus = (
          await db.sql.query(
            `SELECT s.code, sum(GREATEST(0, sp.on_hand - sp.reserved - sp.safety_stock - sp.damaged - sp.quality_control))::int AS available
             FROM skus s JOIN stock_positions sp ON sp.sku_id = s.id JOIN locations l ON l.id = sp.location_id AND l.active AND l.is_fulfillment_node
             WHERE s.active AND NOT s.is_bundle GROUP BY s.id, s.code ORDER BY available DESC, s.code LIMIT $1`,
            [SKUS],
          )
        ).map((r) => ({ code: String(r.code), available: Number(r.available) }))
        const rules = (await db.sql.query(`SELECT count(*)::int AS n FROM allocation_rules WHERE active`))[0].n as number
        const countersBefore = await countersOf(db, skus.map((s) => s.code))

        const { proc, url } = await startApi(databaseUrl)
        try {
          const token = await signToken(SECRET, { sub: 'bench@ops', role: 'OPERATIONS' })
          await ask(proc, 'cpu')
          const orderOf = (i: number) => ({
            channelCode: channels[i % channels.length],
            externalId: `http-bench-${i}`,
            serviceLevel: 'STANDARD' as const,
            customer: { email: `buyer${i % 997}@example.com`, name: 'Bench Buyer' },
            shipTo: { name: 'Bench Buyer', line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
            payment: { status: 'AUTHORIZED' as const, fraudScore: 0.01 },
            lines: [{ sku: skus[(i * 7919) % skus.length].code, quantity: 1, unitPrice: '10.00' }],
          })
          const http = await drive(0, async (i) => {
            const res = await fetch(`${url}/graphql`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
              body: JSON.stringify({ query: PLACE, variables: { input: orderOf(i) } }),
            })
            const body = (await res.json()) as { errors?: unknown[]; data?: { placeOrder: { created: boolean; order: { status: string } | null; userErrors: unknown[] } } }
            const placed = body.data?.placeOrder
            if (body.errors || !placed?.order || placed.userErrors.length || !placed.created) throw new Error(`order ${i}: ${JSON.stringify(body)}`)
            return placed.order.status
          })
          const { stats, cpuMs, statements, topStatements } = await ask<{ stats: Record<string, unknown>; cpuMs: number; statements: number; topStatements: Array<[string, number]> }>(proc, 'stats')
          if (process.env.BENCH_SQL_DETAIL) for (const [k, n] of topStatements) console.log(`    ${(n / http.next).toFixed(2)} per order  ${k}`)
          const load = os.loadavg()[0]
          await new Promise((resolve) => {
            proc.once('exit', resolve)
            proc.send({ cmd: 'stop' })
          })
          // The same orders placed in this process through OrderIntake.place (what the mutation runs, no HTTP/GraphQL).
          const intake = new OrderIntake(db)
          const inProcess = await drive(http.next, async (i) => {
            const o = orderOf(i)
            const r = await intake.place({ ...o, lines: o.lines.map((l) => ({ ...l, unitPrice: 10 })) }, systemActor)
            if (!r.created) throw new Error(`order ${i} was not created`)
            return r.order.status
          })
          await checkBooks(db, skus.map((s) => s.code), countersBefore)
          return { http, inProcess, intakeStats: intake.stats, stats, channels, skus, rules, orders: seeded.orders, cpuMsPerOrder: cpuMs / http.next, statementsPerOrder: statements / http.next, cpuShare: cpuMs / (SECONDS * 1000 + 2000), load }
        } finally {
          if (proc.connected) proc.kill()
        }
      } finally {
        await db.close()
      }
    })
    const tps = await withFreshDatabase('ops_hub_bench_pgbench', async (name) => pgbenchTps(name))
    const minStock = Math.min(...run.skus.map((s) => s.available))
    const baseline = { name: `pgbench tpcb-like -c ${CLIENTS} -j 2 -T ${SECONDS}`, value: tps, unit: 'tps' }
    return [
      {
        name: `placeOrder over HTTP GraphQL, demo configuration (${run.channels.length} channels, ${run.rules} allocation rules, ${run.skus.length} SKUs)`,
        value: run.http.perSecond,
        unit: 'orders/s',
        baseline,
        ratio: run.http.perSecond / tps,
        goal: '>= 0.35',
        notes:
          `${CLIENTS} HTTP clients, API in its own process (HUB_RATE_LIMIT=off), demo seeded at scale ${SCALE} (${run.orders} orders); ` +
          `channels ${run.channels.join(', ')}; SKUs with ${minStock}+ units available; statuses ${JSON.stringify(run.http.statuses)}; ${run.http.errors} errors; ` +
          `API process CPU ${run.cpuMsPerOrder.toFixed(2)} ms and ${run.statementsPerOrder.toFixed(1)} SQL statements per order (${(100 * run.cpuShare).toFixed(0)}% of one core); ` +
          `load average ${run.load.toFixed(1)} on ${os.cpus().length} CPUs; intake ${JSON.stringify(run.stats)}`,
      },
      {
        name: 'the same orders in process (OrderIntake.place, no HTTP/GraphQL), same database right after',
        value: run.inProcess.perSecond,
        unit: 'orders/s',
        baseline,
        ratio: run.inProcess.perSecond / tps,
        notes: `statuses ${JSON.stringify(run.inProcess.statuses)}; ${run.inProcess.errors} errors; intake ${JSON.stringify(run.intakeStats)}`,
      },
    ]
  },
}

/**
 * CLIENTS loops placing order start, start+1, ... one after another for SECONDS after a 2 s warm-up; counts the
 * orders answered within the measured window, by status.
 */
async function drive(start: number, placeOne: (i: number) => Promise<string>) {
  let n = start
  let counted = 0
  let errors = 0
  const statuses: Record<string, number> = {}
  let measuring = false
  const warmUpEnd = Date.now() + 2000
  const end = warmUpEnd + SECONDS * 1000
  const loop = async () => {
    while (Date.now() < end) {
      const i = n++
      try {
        const status = await placeOne(i)
        if (measuring && Date.now() <= end) {
          counted++
          statuses[status] = (statuses[status] ?? 0) + 1
        }
      } catch (err) {
        errors++
        if (errors < 3) console.error(err)
      }
      if (!measuring && Date.now() >= warmUpEnd) measuring = true
    }
  }
  await Promise.all(Array.from({ length: CLIENTS }, loop))
  return { perSecond: counted / SECONDS, errors, statuses, next: n }
}

type Counters = Map<string, number>

async function countersOf(db: { sql: { query: (t: string, p?: unknown[]) => Promise<Array<Record<string, unknown>>> } }, skuCodes: string[]): Promise<Counters> {
  const rows = await db.sql.query(
    `SELECT c.code AS channel, s.code AS sku, cr.reserved FROM channel_reservations cr JOIN skus s ON s.id = cr.sku_id JOIN channels c ON c.id = cr.channel_id WHERE s.code = ANY($1::text[])`,
    [skuCodes],
  )
  return new Map(rows.map((r) => [`${r.channel}:${r.sku}`, Number(r.reserved)]))
}

/** The bench orders' allocated units = their ledger reservations = what each channel's counter of each SKU moved. */
async function checkBooks(db: Parameters<typeof countersOf>[0], skuCodes: string[], before: Counters) {
  const [books] = await db.sql.query(`SELECT
      (SELECT COALESCE(sum(l.allocated_quantity), 0)::int FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.external_id LIKE 'http-bench-%') AS allocated,
      (SELECT COALESCE(sum(e.reserved_delta), 0)::int FROM inventory_events e JOIN orders o ON o.id = e.order_id WHERE o.external_id LIKE 'http-bench-%' AND e.type = 'RESERVED') AS ledger`)
  const moved = await db.sql.query(`SELECT c.code AS channel, s.code AS sku, sum(l.allocated_quantity)::int AS units
    FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN channels c ON c.id = o.channel_id JOIN skus s ON s.id = l.sku_id
    WHERE o.external_id LIKE 'http-bench-%' GROUP BY 1, 2`)
  const after = await countersOf(db, skuCodes)
  const wrong = moved.filter((m) => (after.get(`${m.channel}:${m.sku}`) ?? 0) - (before.get(`${m.channel}:${m.sku}`) ?? 0) !== Number(m.units))
  if (books.allocated !== books.ledger || wrong.length) {
    throw new Error(`books do not add up: ${JSON.stringify(books)}, counters off for ${JSON.stringify(wrong.slice(0, 5))}`)
  }
}

export default benchmark
