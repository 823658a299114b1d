// Child process for bench/place-order-http.bench.ts: one API instance as `npm run start:api` runs it against
// PostgreSQL (HUB_RATE_LIMIT=off, as capacity benches start it; no background jobs), in its own process so the
// load generator never shares its event loop. Reports its URL over IPC; answers 'stats' with its order intake's
// counters (fast path, locking path and why) and its CPU time since 'cpu', and 'stop' by stopping.
import fs from 'node:fs'
import path from 'node:path'
import { Session } from 'node:inspector/promises'
import { openDatabase } from '@ops-hub/db'
import { orderIntake } from '@ops-hub/domain'
import { buildApp } from '../../apps/api/src/app.ts'
import { createLogger } from '../../apps/api/src/logger.ts'

const logger = createLogger('warn')
const rateLimit = process.env.HUB_RATE_LIMIT !== 'off'
if (!rateLimit) logger.warn('HUB_RATE_LIMIT=off: clients are not throttled by query cost (for benchmarks and capacity checks only)')
const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL!, poolSize: Number(process.env.BENCH_API_POOL ?? 10) })
const app = await buildApp({ db, secret: process.env.BENCH_SECRET!, logger, jobs: false, rateLimit })
const url = await app.start(0)
let cpuFrom = process.cpuUsage()
// SQL statements this process sends while measuring (the API's requests and the workers its events wake); by kind
// only with BENCH_SQL_DETAIL, as normalising every statement's text costs the measured process CPU.
const detail = Boolean(process.env.BENCH_SQL_DETAIL)
const statements = new Map<string, number>()
const kindOf = (sql: string) => sql.replace(/\s+/g, ' ').trim().slice(0, 70)
let counted = 0
let stopCounting = () => {}
// BENCH_CPU_PROF=<dir>: a V8 CPU profile of exactly the measured window ('cpu' to 'stats'), start-up left out.
const profileDir = process.env.BENCH_CPU_PROF
const inspector = profileDir ? new Session() : undefined
if (inspector) {
  inspector.connect()
  await inspector.post('Profiler.enable')
}
process.on('message', async (msg: { cmd: string }) => {
  // 'cpu': start counting this process's CPU time (user + system) from now; 'stats' reports it in ms.
  if (msg.cmd === 'cpu') {
    await inspector?.post('Profiler.start')
    cpuFrom = process.cpuUsage()
    statements.clear()
    counted = 0
    stopCounting = db.onStatement((sql) => {
      counted++
      if (!detail) return
      const k = kindOf(sql)
      statements.set(k, (statements.get(k) ?? 0) + 1)
    })
    process.send!({ ok: true })
  }
  if (msg.cmd === 'stats') {
    const used = process.cpuUsage(cpuFrom)
    stopCounting()
    if (inspector) {
      const { profile } = await inspector.post('Profiler.stop')
      fs.mkdirSync(profileDir!, { recursive: true })
      fs.writeFileSync(path.join(profileDir!, `order-api-${process.pid}.cpuprofile`), JSON.stringify(profile))
    }
    const byKind = [...statements].sort((a, b) => b[1] - a[1])
    process.send!({ stats: orderIntake(db).stats, cpuMs: (used.user + used.system) / 1000, statements: counted, topStatements: byKind.slice(0, 25) })
  }
  if (msg.cmd === 'stop') void app.stop().then(() => db.close()).then(() => process.exit(0))
})
process.send!({ url })
