// Live subscribers under load: N graphql-ws clients watch one inventory-confidence topic on one API process
// (a child process, on a fresh PostgreSQL database); each round commits a stock change + its outbox event and
// measures event-to-client latency (commit -> every client has the new snapshot). Baseline: a bare `ws`
// server broadcasting the same bytes to the same N sockets (broadcast call -> every client has it).
// BENCH_SUBSCRIBERS (default 10000), BENCH_ROUNDS (default 8).
import { fork, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { openDatabase } from '@ops-hub/db'
import { signToken } from '@ops-hub/domain'
import type { Benchmark, BenchRow } from './harness.ts'

const dir = path.dirname(fileURLToPath(import.meta.url))
const N = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8)
const ROUND_GAP_MS = 3000
const SECRET = crypto.randomBytes(24).toString('hex')
const QUERY = `subscription ($l: String) { inventoryConfidence(locationCode: $l) { asOf overall positions belowThreshold threshold
  lowest(first: 5) { sku skuName location score onHand available factors { name value weight } } } }`
const now = () => performance.timeOrigin + performance.now()

/** Forks a TypeScript child with IPC; the open-files soft limit is raised to the hard limit first. */
function child(script: string, env: Record<string, string>): ChildProcess {
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the servers (not the load generator) there.
  const profile = process.env.BENCH_CPU_PROF && script !== 'subscriber-load.ts' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []
  return fork(path.join(dir, 'support', script), [], {
    env: { ...process.env, ...env },
    execArgv: ['--import', 'tsx', '--expose-gc', '--max-old-space-size=4096', ...profile],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
}

function request<T>(proc: ChildProcess, msg: object | null, match: (m: any) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: any) => {
      if (!match(m)) return
      proc.off('message', onMessage)
      proc.off('exit', onExit)
      resolve(m)
    }
    const onExit = (code: number) => reject(new Error(`child exited with ${code}`))
    proc.on('message', onMessage)
    proc.once('exit', onExit)
    if (msg) proc.send(msg)
  })
}

function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

interface Measured {
  fanoutP50: number
  fanoutP99: number
  p50: number
  p99: number
  max: number
  missed: number
  connectErrors: number
  memoryPerConnection: number
  connectMs: number
  sample: string | null
}

async function measure(
  server: ChildProcess,
  serverUrl: string,
  mode: 'graphql-ws' | 'raw',
  env: Record<string, string>,
  drive: (marker: number) => Promise<number>,
): Promise<Measured> {
  const before = await request<{ rss: number }>(server, { cmd: 'memory' }, (m) => 'rss' in m)
  const load = child('subscriber-load.ts', { MODE: mode, TARGET_URL: serverUrl, N: String(N), ...env })
  await request(load, null, (m) => m.ready)
  const connected = await request<{ connected: number; errors: number; sample: string | null; connectMs: number }>(load, { cmd: 'connect' }, (m) => 'connected' in m)
  await new Promise((r) => setTimeout(r, 1000))
  const after = await request<{ rss: number }>(server, { cmd: 'memory' }, (m) => 'rss' in m)
  const latencies: number[] = []
  let missed = 0
  const t0s: number[] = []
  for (let round = 1; round <= ROUNDS; round++) {
    const marker = 100_000 + round
    await request(load, { cmd: 'round', marker }, (m) => m.ok)
    t0s.push(await drive(marker))
    await new Promise((r) => setTimeout(r, ROUND_GAP_MS))
  }
  const result = await request<{ rounds: number[][]; fanout: number[] }>(load, { cmd: 'collect' }, (m) => 'rounds' in m)
  const fanout = result.fanout.sort((a, b) => a - b)
  result.rounds.forEach((arrivals, i) => {
    for (const at of arrivals) latencies.push(at - t0s[i])
    missed += connected.connected - arrivals.length
  })
  load.send({ cmd: 'stop' })
  await new Promise((r) => load.once('exit', r))
  latencies.sort((a, b) => a - b)
  return {
    fanoutP50: percentile(fanout, 50),
    fanoutP99: percentile(fanout, 99),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? NaN,
    missed,
    connectErrors: connected.errors + (N - connected.connected - connected.errors),
    memoryPerConnection: (after.rss - before.rss) / Math.max(1, connected.connected),
    connectMs: connected.connectMs,
    sample: connected.sample,
  }
}

const bench: Benchmark = {
  name: `live subscribers: ${N} graphql-ws clients on one API process`,
  requires: ['postgres'],
  async run(): Promise<BenchRow[]> {
    const base = process.env.BENCH_DATABASE_URL!
    const name = `ops_hub_bench_live_${crypto.randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: base })
    await admin.connect()
    await admin.query(`CREATE DATABASE "${name}"`)
    const u = new URL(base)
    u.pathname = `/${name}`
    const dbUrl = u.toString()
    const children: ChildProcess[] = []
    const driver = new pg.Client({ connectionString: dbUrl })
    try {
      const db = await openDatabase({ databaseUrl: dbUrl })
      await db.migrate()
      const location = await db.prisma.location.create({ data: { code: 'BENCH-WH', name: 'Bench warehouse', kind: 'WAREHOUSE' } })
      const sku = await db.prisma.sku.create({ data: { code: 'BENCH-SKU', name: 'Bench item', unitCost: 1 } })
      const position = await db.prisma.stockPosition.create({
        data: { skuId: sku.id, locationId: location.id, onHand: 100, confidence: 0.42, confidenceFactors: [{ name: 'countAge', value: 0.42, weight: 1, explanation: 'bench' }] },
      })
      await db.close()
      await driver.connect()

      // ---- the hub: graphql-ws through the real pipeline (outbox relay -> metrics engine -> pub/sub -> graphql-ws)
      const api = child('live-api-server.ts', { DATABASE_URL: dbUrl, BENCH_SECRET: SECRET })
      children.push(api)
      const { url } = await request<{ url: string }>(api, null, (m) => m.url)
      const token = await signToken(SECRET, { sub: 'bench@ops', role: 'OPERATIONS' })
      const hub = await measure(api, url, 'graphql-ws', { TOKEN: token, QUERY, VARIABLES: JSON.stringify({ l: location.code }) }, async (marker) => {
        await driver.query('BEGIN')
        await driver.query('UPDATE stock_positions SET on_hand = $1, version = version + 1 WHERE id = $2', [marker, position.id])
        await driver.query(`INSERT INTO outbox_events (topic, aggregate_type, aggregate_id, payload) VALUES ('stock.changed', 'StockPosition', $1, $2)`,
          [position.id, JSON.stringify({ skuId: sku.id, locationId: location.id })])
        await driver.query('COMMIT')
        return now()
      })
      api.send({ cmd: 'stop' })
      await new Promise((r) => api.once('exit', r))

      // ---- baseline: the same bytes from a bare ws server to the same number of sockets
      const raw = child('raw-ws-server.ts', {})
      children.push(raw)
      const rawUrl = (await request<{ url: string }>(raw, null, (m) => m.url)).url
      const sample = hub.sample ?? JSON.stringify({ id: '1', type: 'next', payload: { data: { inventoryConfidence: { lowest: [{ onHand: 0 }] } } } })
      const baseline = await measure(raw, rawUrl, 'raw', {}, async (marker) => {
        const t0 = now()
        raw.send({ cmd: 'broadcast', payload: sample.replace(/"onHand":\d+/, `"onHand":${marker}`) })
        return t0
      })
      raw.send({ cmd: 'stop' })

      const errors = hub.missed + hub.connectErrors
      return [
        { name: 'event-to-client latency p50', value: hub.p50, unit: 'ms', baseline: { name: 'raw ws broadcast p50', value: baseline.p50, unit: 'ms' }, ratio: hub.p50 / baseline.p50,
          notes: `hub latency runs from the committed outbox event; it includes the relay poll (100 ms) and the coalescing tick (250 ms) by design` },
        { name: 'event-to-client latency p99', value: hub.p99, unit: 'ms', baseline: { name: 'raw ws broadcast p99', value: baseline.p99, unit: 'ms' }, ratio: hub.p99 / baseline.p99, goal: '< 1000 ms at 10k subscribers',
          notes: `max ${hub.max.toFixed(0)} ms (baseline max ${baseline.max.toFixed(0)} ms); ${N} subscribers x ${ROUNDS} rounds, payload ${sample.length} bytes` },
        { name: 'of which snapshot computed -> client (compute + fan-out) p50 / p99', value: hub.fanoutP50, unit: 'ms', baseline: { name: 'raw ws broadcast p50', value: baseline.p50, unit: 'ms' }, ratio: hub.fanoutP50 / baseline.p50,
          notes: `p99 ${hub.fanoutP99.toFixed(0)} ms vs raw p99 ${baseline.p99.toFixed(0)} ms; the rest of the event-to-client time is the relay poll and the coalescing window` },
        { name: 'errors (failed connections + missed pushes)', value: errors, unit: 'count', baseline: { name: 'raw ws', value: baseline.missed + baseline.connectErrors, unit: 'count' }, goal: '0' },
        { name: 'server memory per connection', value: hub.memoryPerConnection / 1024, unit: 'KiB', baseline: { name: 'raw ws', value: baseline.memoryPerConnection / 1024, unit: 'KiB' },
          ratio: hub.memoryPerConnection / baseline.memoryPerConnection, notes: 'RSS growth of the server process after all sockets subscribed, divided by N' },
        { name: 'time to open and subscribe all clients', value: hub.connectMs, unit: 'ms', baseline: { name: 'raw ws connect', value: baseline.connectMs, unit: 'ms' }, ratio: hub.connectMs / baseline.connectMs },
      ]
    } finally {
      for (const c of children) if (c.exitCode === null) c.kill()
      await driver.end().catch(() => {})
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      await admin.end()
    }
  },
}

export default bench
