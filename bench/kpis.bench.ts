// The KPI report over 1,000,000 orders: `kpis` asked over HTTP GraphQL of an API instance (a child process, as
// `npm run start:api` runs it) on a PostgreSQL database of its own, next to the same SQL run by psql on the same
// database in the same run.
//
// The data: the demo scenario seeded at scale 1 (~20,000 orders over 90 days, with their lines, fulfilment orders,
// allocations, shipments and returns), then its order history copied set-based (INSERT ... SELECT over
// generate_series) until it holds BENCH_KPI_ORDERS orders, each copy k shifted k seconds later and given its own
// ids and numbers. Counts, adjustments and purchase orders are left as the seed wrote them. VACUUM ANALYZE, then
// every case is asked once to warm caches before RUNS timed runs.
//
// Baseline: the exact statements the API sends (captured from computeKpis on the bench's own client, parameters
// written in as literals), run by psql with `\timing` on the same database: the seven family aggregates in seven
// psql sessions at once (the API runs them side by side on its pool), each run's time the slowest of them. psql's
// timing excludes its start-up and connection; the API's time is the client's, from sending the request to the
// parsed JSON, so everything the API adds (HTTP, GraphQL, the setting and code lookups, assembling the report) is
// in the ratio. The same statements run one after another by one psql session are shown as a second baseline row.
import { execFile, fork, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import pg from 'pg'
import { openDatabase, Prisma, type PrismaClient } from '@ops-hub/db'
import { signToken } from '@ops-hub/domain'
import { computeKpis, type KpiInput } from '@ops-hub/analytics'
import { seedDemo } from '../prisma/seed/seed-demo.ts'
import type { Benchmark, BenchRow } from './harness.ts'
import { serverUrl, withFreshDatabase } from './support/postgres.ts'

const ORDERS = Number(process.env.BENCH_KPI_ORDERS ?? 1_000_000)
const RUNS = Number(process.env.BENCH_KPI_RUNS ?? 5)
const SECRET = 'bench-secret-for-the-kpi-benchmark-000'
const dir = path.dirname(fileURLToPath(import.meta.url))
const run = promisify(execFile)

const KPI_VALUE = 'value numerator denominator target status previousPeriodValue unavailableReason'
const QUERY = /* GraphQL */ `
  query ($input: KpisInput!) {
    kpis(input: $input) {
      asOf groups { key from to
        orderCycleTime { ${KPI_VALUE} p50Hours p90Hours meanHours }
        onTimeShipmentRate { ${KPI_VALUE} } otifRate { ${KPI_VALUE} }
        cancellationRate { ${KPI_VALUE} byReason { reason orders } }
        inventoryRecordAccuracy { ${KPI_VALUE} } backorderRate { ${KPI_VALUE} backorderedUnits }
        replenishmentLeadTimeAdherence { ${KPI_VALUE} } warehouseExceptionRate { ${KPI_VALUE} }
        returnProcessingTime { ${KPI_VALUE} p50Hours p90Hours meanHours } manualAdjustmentFrequency { ${KPI_VALUE} }
      }
    }
  }`

/** Order-history tables copied per copy k, with the columns that must differ between copies. */
const COPIED: Array<{ table: string; refs: Record<string, string>; unique?: Record<string, (k: string, id: string) => string> }> = [
  {
    table: 'orders',
    refs: {},
    unique: { number: (_k, id) => `'OH-' || (${id} + 100000)`, external_id: (k) => `external_id || '-' || ${k}` },
  },
  { table: 'order_lines', refs: { order_id: 'orders' } },
  { table: 'fulfillment_orders', refs: { order_id: 'orders' }, unique: { number: (_k, id) => `'FO-' || (${id} + 500000)` } },
  { table: 'allocations', refs: { order_line_id: 'order_lines', fulfillment_order_id: 'fulfillment_orders' } },
  { table: 'shipments', refs: { order_id: 'orders', fulfillment_order_id: 'fulfillment_orders' }, unique: { tracking_number: (k) => `tracking_number || '-' || ${k}` } },
  { table: 'returns', refs: { order_id: 'orders' }, unique: { number: (_k, id) => `'RMA-' || (${id} + 30000)` } },
  { table: 'return_lines', refs: { return_id: 'returns', order_line_id: 'order_lines' } },
]

/** Copies the seeded order history `copies - 1` more times, one INSERT ... SELECT per table. */
async function scaleOrderHistory(url: string, copies: number) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const offsets: Record<string, number> = {}
    for (const { table } of COPIED) offsets[table] = Number((await client.query(`SELECT COALESCE(max(id), 0) AS m FROM "${table}"`)).rows[0].m)
    await client.query('BEGIN')
    // The copies are exact shifts of checked rows: per-row foreign-key and invariant triggers would only re-prove them.
    await client.query('SET LOCAL session_replication_role = replica')
    for (const { table, refs, unique = {} } of COPIED) {
      const cols = (
        await client.query(
          `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
          [table],
        )
      ).rows as Array<{ column_name: string; data_type: string }>
      const id = `(id + k * ${offsets[table]})`
      const exprs = cols.map(({ column_name: c, data_type: type }) => {
        if (c === 'id') return id
        if (refs[c]) return `${c} + k * ${offsets[refs[c]]}`
        if (unique[c]) return unique[c]('k', id)
        if (type === 'timestamp with time zone') return `${c} + k * interval '1 second'`
        return c
      })
      await client.query(
        `INSERT INTO "${table}" (${cols.map((c) => `"${c.column_name}"`).join(', ')})
         SELECT ${exprs.join(', ')} FROM "${table}" CROSS JOIN generate_series(1, ${copies - 1}) AS k WHERE id <= ${offsets[table]}`,
      )
    }
    await client.query('COMMIT')
    await client.query('VACUUM ANALYZE')
    return Number((await client.query('SELECT count(*) AS n FROM orders')).rows[0].n)
  } finally {
    await client.end()
  }
}

/** The statements computeKpis sends through `$queryRaw`, recorded as it runs them. */
function capturing(prisma: PrismaClient, out: Prisma.Sql[]): PrismaClient {
  return new Proxy(prisma, {
    get(target, prop) {
      if (prop === '$queryRaw') {
        return (strings: TemplateStringsArray, ...values: unknown[]) => {
          out.push(Prisma.sql(strings, ...(values as Prisma.Sql[])))
          return target.$queryRaw(strings, ...values)
        }
      }
      const v = Reflect.get(target, prop, target)
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
}

function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL'
  if (v instanceof Date) return `'${v.toISOString()}'`
  if (typeof v === 'number' || typeof v === 'bigint') return String(v)
  if (typeof v === 'boolean') return String(v)
  return `'${String(v).replace(/'/g, "''")}'`
}

/** A captured statement as psql runs it: the parameters written in as literals. */
const asPsql = (sql: Prisma.Sql) => `${sql.text.replace(/\$(\d+)/g, (_, i) => literal(sql.values[Number(i) - 1]))};`

async function psqlTimes(url: string, statements: string[]): Promise<number[]> {
  const file = path.join(os.tmpdir(), `kpi-bench-${process.pid}-${Math.random().toString(36).slice(2)}.sql`)
  fs.writeFileSync(file, `\\timing on\n${statements.join('\n')}\n`)
  try {
    const { stdout } = await run('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', file], { maxBuffer: 64 * 1024 * 1024 })
    return [...stdout.matchAll(/^Time: ([\d.]+) ms/gm)].map((m) => Number(m[1]))
  } finally {
    fs.rmSync(file, { force: true })
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

function apiServer(url: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = fork(path.join(dir, 'support', 'live-api-server.ts'), [], {
    env: { ...process.env, DATABASE_URL: url, BENCH_SECRET: SECRET },
    execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    proc.once('message', (m: { url: string }) => resolve({ proc, url: m.url }))
    proc.once('exit', (code) => reject(new Error(`API exited with ${code}`)))
  })
}

async function measureCase(name: string, input: KpiInput, ctx: { apiUrl: string; token: string; dbUrl: string; prisma: PrismaClient }): Promise<BenchRow[]> {
  const variables = { input: { ...input, from: input.from.toISOString(), to: input.to.toISOString() } }
  const ask = async () => {
    const started = performance.now()
    const res = await fetch(`${ctx.apiUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.token}` },
      body: JSON.stringify({ query: QUERY, variables }),
    })
    const body = (await res.json()) as { data?: { kpis: { groups: unknown[] } }; errors?: unknown }
    if (!body.data) throw new Error(`kpis failed: ${JSON.stringify(body.errors)}`)
    return { ms: performance.now() - started, groups: body.data.kpis.groups.length }
  }
  const captured: Prisma.Sql[] = []
  await computeKpis(capturing(ctx.prisma, captured), input)
  const statements = captured.map(asPsql)
  if (statements.length !== 7) throw new Error(`expected the 7 family statements, captured ${statements.length}`)

  await ask()
  await psqlTimes(ctx.dbUrl, statements)
  const api: number[] = []
  const inProcess: number[] = []
  const parallel: number[] = []
  const serial: number[] = []
  let groups = 0
  for (let i = 0; i < RUNS; i++) {
    const r = await ask()
    api.push(r.ms)
    groups = r.groups
    const started = performance.now()
    await computeKpis(ctx.prisma, input)
    inProcess.push(performance.now() - started)
    const each = await Promise.all(statements.map((s) => psqlTimes(ctx.dbUrl, [s])))
    parallel.push(Math.max(...each.flat()))
    serial.push((await psqlTimes(ctx.dbUrl, statements)).reduce((s, t) => s + t, 0))
  }
  const [a, p, s, ip] = [median(api), median(parallel), median(serial), median(inProcess)]
  const runs = (xs: number[]) => xs.map((x) => x.toFixed(0)).join('/')
  return [
    {
      name: `kpis ${name} over HTTP GraphQL`,
      value: a,
      unit: 'ms',
      baseline: { name: 'the same 7 statements by psql, 7 sessions at once', value: p, unit: 'ms' },
      ratio: a / p,
      goal: '<= 1.2',
      notes: `${groups} group(s); runs (ms) API ${runs(api)}, psql parallel ${runs(parallel)}`,
    },
    {
      name: `kpis ${name} over HTTP GraphQL`,
      value: a,
      unit: 'ms',
      baseline: { name: 'the same 7 statements by one psql session, one after another', value: s, unit: 'ms' },
      ratio: a / s,
      notes: `runs (ms) psql serial ${runs(serial)}`,
    },
    { name: `kpis ${name} in process (computeKpis, no HTTP/GraphQL)`, value: ip, unit: 'ms', baseline: { name: 'psql, 7 sessions at once', value: p, unit: 'ms' }, ratio: ip / p },
  ]
}

const bench: Benchmark = {
  name: `kpis over ${ORDERS.toLocaleString('en-US')} orders`,
  requires: ['postgres'],
  async run() {
    return withFreshDatabase('ops_hub_bench_kpis', async (name) => {
      const dbUrl = serverUrl(name)
      const db = await openDatabase({ databaseUrl: dbUrl, poolSize: 10 })
      let api: Awaited<ReturnType<typeof apiServer>> | undefined
      try {
        await db.migrate()
        const loadStarted = performance.now()
        const seeded = await seedDemo(db, { seed: 42, scale: 1 })
        const copies = Math.max(1, Math.ceil(ORDERS / seeded.orders))
        const orders = await scaleOrderHistory(dbUrl, copies)
        const loadMs = performance.now() - loadStarted
        api = await apiServer(dbUrl)
        const ctx = { apiUrl: api.url, token: await signToken(SECRET, { sub: 'bench@example.com', role: 'EXECUTIVE' }), dbUrl, prisma: db.prisma }
        const to = seeded.now
        const from = new Date(to.getTime() - 90 * 86_400_000)
        const rows = [
          ...(await measureCase('NONE, 90 days', { from, to, groupBy: 'NONE' }, ctx)),
          ...(await measureCase('DAY, 90 days (the dashboard trend)', { from, to, groupBy: 'DAY', timeZone: 'America/Chicago' }, ctx)),
        ]
        rows[0].notes = `${orders.toLocaleString('en-US')} orders (${seeded.orders.toLocaleString('en-US')} seeded x ${copies}), loaded in ${(loadMs / 1000).toFixed(0)} s; ${rows[0].notes}`
        return rows
      } finally {
        if (api) {
          api.proc.send({ cmd: 'stop' })
          await new Promise((r) => api!.proc.once('exit', r))
        }
        await db.close()
      }
    })
  },
}

export default bench
