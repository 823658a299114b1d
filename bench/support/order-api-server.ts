// Child process for bench/place-order-http.bench.ts: one API instance as `npm run start:api` runs it against
// PostgreSQL (HUB_RATE_LIMIT=off, as capacity benches start it; no background jobs), in its own process so the
// load generator never shares its event loop. Reports its URL over IPC; answers 'stats' with its order intake's
// counters (fast path, locking path and why) and its CPU time since 'cpu', and 'stop' by stopping.
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
process.on('message', (msg: { cmd: string }) => {
  // 'cpu': start counting this process's CPU time (user + system) from now; 'stats' reports it in ms.
  if (msg.cmd === 'cpu') {
    cpuFrom = process.cpuUsage()
    process.send!({ ok: true })
  }
  if (msg.cmd === 'stats') {
    const used = process.cpuUsage(cpuFrom)
    process.send!({ stats: orderIntake(db).stats, cpuMs: (used.user + used.system) / 1000 })
  }
  if (msg.cmd === 'stop') void app.stop().then(() => db.close()).then(() => process.exit(0))
})
process.send!({ url })
