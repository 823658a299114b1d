// The nested order lookup (order -> lines -> allocations -> fulfillment order -> shipments -> milestones, 20 orders a
// page) on the demo scenario in a fresh PostgreSQL database: requests per second through the API over HTTP GraphQL
// (a child process, HUB_RATE_LIMIT=off, customer-service token) next to a hand-written `node:http` endpoint running
// one `json_agg` statement for the same data on the same database (another child process), CLIENTS keep-alive clients
// each, for SECONDS seconds each; and the SQL statements one API request sends. The two answers are checked equal.
// BENCH_LOOKUP_SCALE (demo scale, default 1 = ~20,000 orders), BENCH_LOOKUP_SECONDS (default 10), BENCH_LOOKUP_CLIENTS
// (default 8). BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the API process there.
import { fork, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { openDatabase } from '@ops-hub/db'
import { signToken } from '@ops-hub/domain'
import { buildApp } from '../apps/api/src/app.ts'
import { createLogger } from '../apps/api/src/logger.ts'
import { STATEMENTS_HEADER } from '../apps/api/src/statement-count.ts'
import { seedDemo } from '../prisma/seed/seed-demo.ts'
import type { Benchmark, BenchRow } from './harness.ts'
import { serverUrl, withFreshDatabase } from './support/postgres.ts'
import { readCpuWindow, startCpuWindow } from './support/cpu-window.ts'

const dir = path.dirname(fileURLToPath(import.meta.url))
const SCALE = Number(process.env.BENCH_LOOKUP_SCALE ?? 1)
const SECONDS = Number(process.env.BENCH_LOOKUP_SECONDS ?? 10)
const CLIENTS = Number(process.env.BENCH_LOOKUP_CLIENTS ?? 8)
const POOL = 10
const SECRET = crypto.randomBytes(24).toString('hex')

export const LOOKUP = /* GraphQL */ `query Lookup($q: String!) {
  orderLookup(query: $q, first: 20) {
    nodes {
      number status placedAt
      lines {
        lineNumber sku quantity
        allocations {
          quantity status
          fulfillmentOrder { number status shipments { trackingNumber status milestones { status occurredAt location } } }
        }
      }
    }
  }
}`

function child(script: string, env: Record<string, string>, profile = false): ChildProcess {
  const prof = profile && process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []
  return fork(path.join(dir, 'support', script), [], { env: { ...process.env, ...env }, execArgv: ['--import', 'tsx', ...prof], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
}

function started(proc: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    proc.once('message', (m: { url: string }) => resolve(m.url))
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
  })
}

async function stopped(proc: ChildProcess) {
  const exited = new Promise((r) => proc.once('exit', r))
  proc.send({ cmd: 'stop' })
  await exited
}

/** One request; resolves with the status, body and headers. */
function send(agent: http.Agent, url: URL, body: string | null, headers: Record<string, string>): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, method: body ? 'POST' : 'GET', headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString(), headers: res.headers }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body ?? undefined)
  })
}

/**
 * CLIENTS clients sending back to back for SECONDS: completed requests per second (every answer must be a 200), and
 * the server process's CPU time per request over the same window.
 */
async function throughput(server: ChildProcess, request: (agent: http.Agent) => Promise<{ status: number; body: string }>): Promise<{ perSecond: number; cpuMsPerRequest: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS })
  try {
    for (let i = 0; i < 20; i++) await request(agent) // warm-up: connections, caches, JIT
    let done = 0
    startCpuWindow(server)
    const until = performance.now() + SECONDS * 1000
    const started = performance.now()
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (performance.now() < until) {
          const res = await request(agent)
          if (res.status !== 200 || res.body.includes('"errors"')) throw new Error(`failed request: ${res.status} ${res.body.slice(0, 300)}`)
          done++
        }
      }),
    )
    const perSecond = done / ((performance.now() - started) / 1000)
    return { perSecond, cpuMsPerRequest: (await readCpuWindow(server)) / done }
  } finally {
    agent.destroy()
  }
}

/** Dates as instants (the API writes ISO strings in UTC, PostgreSQL its own timestamptz text). */
function normalised(body: string) {
  return JSON.stringify(JSON.parse(body, (_k, v) => (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? new Date(v).toISOString() : v)))
}

const bench: Benchmark = {
  name: 'order lookup (nested)',
  requires: ['postgres'],
  run: () =>
    withFreshDatabase('ops_hub_bench_lookup', async (name) => {
      const url = serverUrl(name)
      const db = await openDatabase({ databaseUrl: url, poolSize: POOL })
      await db.migrate()
      const seeded = await seedDemo(db, { seed: 42, scale: SCALE })
      await db.sql.exec('VACUUM ANALYZE')
      // A page deep in history, where orders have shipped: the fragment of 100 order numbers (OH-1234xx), 20 a page.
      const [mid] = await db.sql.query(`SELECT number FROM orders WHERE status = 'DELIVERED' ORDER BY id DESC OFFSET (SELECT count(*) / 3 FROM orders WHERE status = 'DELIVERED') LIMIT 1`)
      const q = String(mid.number).slice(0, -2)
      // The nested page costs more than the default single-query maximum (1000): customer service may ask for it.
      await db.prisma.setting.upsert({
        where: { key: 'api.costLimits' },
        create: { key: 'api.costLimits', value: { maximumAvailable: 1000, restoreRate: 50, maxQueryCost: 1000, byRole: { CUSTOMER_SERVICE: { maximumAvailable: 2000, maxQueryCost: 2000 } } } },
        update: { value: { maximumAvailable: 1000, restoreRate: 50, maxQueryCost: 1000, byRole: { CUSTOMER_SERVICE: { maximumAvailable: 2000, maxQueryCost: 2000 } } } },
      })
      const token = await signToken(SECRET, { sub: 'bench@ops', role: 'CUSTOMER_SERVICE' })
      const gqlBody = JSON.stringify({ query: LOOKUP, variables: { q } })
      const gqlHeaders = { 'content-type': 'application/json', authorization: `Bearer ${token}` }

      const api = child('lookup-api-server.ts', { DATABASE_URL: url, BENCH_SECRET: SECRET, HUB_RATE_LIMIT: 'off' }, true)
      const sql = child('lookup-sql-server.ts', { DATABASE_URL: url, POOL_SIZE: String(POOL) })
      try {
        const apiUrl = new URL('/graphql', await started(api))
        const sqlUrl = new URL(`/lookup?q=${encodeURIComponent(q)}`, await started(sql))
        const viaApi = (agent: http.Agent) => send(agent, apiUrl, gqlBody, gqlHeaders)
        const viaSql = (agent: http.Agent) => send(agent, sqlUrl, null, {})

        // Same data: the API's answer (without its cost extension) equals the statement's.
        const once = new http.Agent({ keepAlive: false })
        const a = JSON.parse((await viaApi(once)).body)
        const b = (await viaSql(once)).body
        if (normalised(JSON.stringify({ data: a.data })) !== normalised(b)) throw new Error(`the two endpoints disagree:\n${JSON.stringify(a.data).slice(0, 500)}\n${b.slice(0, 500)}`)
        const page = a.data.orderLookup.nodes as Array<{ lines: Array<{ allocations: Array<{ fulfillmentOrder: { shipments: Array<{ milestones: unknown[] }> } | null }> }> }>
        const milestones = page.flatMap((o) => o.lines.flatMap((l) => l.allocations.flatMap((al) => al.fulfillmentOrder?.shipments.flatMap((s) => s.milestones) ?? []))).length

        const viaSqlRun = await throughput(sql, viaSql)
        const viaApiRun = await throughput(api, viaApi)
        const [sqlRps, apiRps] = [viaSqlRun.perSecond, viaApiRun.perSecond]

        // Statements per API request, counted by an in-process instance (counting costs time, so not in the run above).
        const counting = await buildApp({ db, secret: SECRET, logger: createLogger('warn'), jobs: false, rateLimit: false, reportStatements: true })
        let statements = Infinity
        try {
          const base = new URL('/graphql', await counting.start(0))
          for (let i = 0; i < 3; i++) statements = Math.min(statements, Number((await send(once, base, gqlBody, gqlHeaders)).headers[STATEMENTS_HEADER]))
        } finally {
          await counting.stop()
        }

        const rows: BenchRow[] = [
          {
            name: `orderLookup("${q}", first: 20) nested to milestones over HTTP GraphQL, ${CLIENTS} clients, ${seeded.orders} orders`,
            value: apiRps,
            unit: 'requests/s',
            baseline: { name: 'hand-written node:http endpoint, one json_agg statement', value: sqlRps, unit: 'requests/s' },
            ratio: apiRps / sqlRps,
            goal: '>= 0.5',
            notes: `page: ${page.length} orders, ${milestones} milestones; same answer from both; machine load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`,
          },
          {
            name: 'CPU time of the serving process per request (the runs above)',
            value: viaApiRun.cpuMsPerRequest,
            unit: 'ms',
            baseline: { name: 'hand-written endpoint', value: viaSqlRun.cpuMsPerRequest, unit: 'ms' },
            ratio: viaSqlRun.cpuMsPerRequest / viaApiRun.cpuMsPerRequest,
            notes: 'process CPU time (user + system) over each measured window divided by its requests (ratio: the hand-written endpoint\'s over the API\'s); PostgreSQL\'s own CPU is not in it',
          },
          { name: 'SQL statements per API request (the lookup above)', value: statements, unit: 'statements', notes: 'the hand-written endpoint: 1' },
        ]
        return rows
      } finally {
        await Promise.all([stopped(api), stopped(sql)])
        await db.close()
      }
    }),
}

export default bench
