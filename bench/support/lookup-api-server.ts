// Child process for bench/order-lookup.bench.ts: the API as `HUB_RATE_LIMIT=off npm run start:api` runs it (no jobs),
// reporting its URL over IPC so the load generator never shares its event loop.
import { buildApp } from '../../apps/api/src/app.ts'
import { createLogger } from '../../apps/api/src/logger.ts'
import { answerCpuWindow } from './cpu-window.ts'

const app = await buildApp({
  databaseUrl: process.env.DATABASE_URL!,
  secret: process.env.BENCH_SECRET!,
  logger: createLogger('warn'),
  jobs: false,
  rateLimit: process.env.HUB_RATE_LIMIT !== 'off',
})
const url = await app.start(0)
process.on('message', (msg: { cmd: string }) => {
  if (msg.cmd === 'stop') void app.stop().then(() => process.exit(0))
})
answerCpuWindow()
process.send!({ url })
