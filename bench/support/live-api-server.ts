// Child process for bench/subscribers.bench.ts: one API instance, as `npm run start:api` would run it,
// reporting its URL and memory to the parent over IPC so the load generator never shares its event loop.
import { buildApp } from '../../apps/api/src/app.ts'
import { createLogger } from '../../apps/api/src/logger.ts'

const app = await buildApp({ databaseUrl: process.env.DATABASE_URL!, secret: process.env.BENCH_SECRET!, logger: createLogger('warn'), jobs: false })
const url = await app.start(0)
process.on('message', (msg: { cmd: string }) => {
  if (msg.cmd === 'memory') {
    globalThis.gc?.()
    process.send!({ rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed })
  }
  if (msg.cmd === 'stop') void app.stop().then(() => process.exit(0))
})
process.send!({ url })
