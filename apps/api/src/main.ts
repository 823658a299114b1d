// Starts the API: reads the environment, opens the database (PGlite by default), applies migrations,
// seeds the demo scenario on an empty database, and serves /graphql (HTTP + WebSocket).
import { openDatabase } from '@ops-hub/db'
import { loadConfig } from './config.ts'
import { createLogger } from './logger.ts'
import { buildApp } from './app.ts'
import { seedIfEmpty } from './seed-if-empty.ts'

const config = loadConfig()
const logger = createLogger(config.LOG_LEVEL)
const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: `${config.DATA_DIR}/pglite` })
const report = await db.migrate()
logger.info({ database: db.kind, applied: report.applied, alreadyApplied: report.alreadyApplied }, 'migrations checked')
if (config.HUB_DEMO === '1') await seedIfEmpty(db, { seed: config.HUB_SEED, logger })

const demoSignIn = config.HUB_DEMO_SIGNIN ? config.HUB_DEMO_SIGNIN === '1' : config.HUB_DEMO === '1' && !config.DATABASE_URL
if (demoSignIn) logger.warn('demo sign-in is on: anyone who reaches the API can get a token for any role (HUB_DEMO_SIGNIN=0 turns it off)')
if (config.HUB_RATE_LIMIT === 'off') logger.warn('HUB_RATE_LIMIT=off: clients are not throttled by query cost (for benchmarks and capacity checks only)')
const app = await buildApp({
  db,
  demoSignIn,
  rateLimit: config.HUB_RATE_LIMIT !== 'off',
  webhooks: { allowPrivate: config.HUB_WEBHOOKS_ALLOW_PRIVATE === '1' },
  secret: config.secret,
  carrierWebhookSecret: config.carrierWebhookSecret,
  paymentWebhookSecret: config.paymentWebhookSecret,
  redisUrl: config.REDIS_URL,
  logger,
  jobs: true,
})
const url = await app.start(config.API_PORT, '0.0.0.0')
logger.info({ url: `${url}/graphql`, database: db.kind, redis: Boolean(config.REDIS_URL) }, 'Ops Hub API ready')
console.log(`\n  Ops Hub API   ${url.replace('127.0.0.1', 'localhost')}/graphql\n`)

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    await app.stop()
    await db.close()
    process.exit(0)
  })
}
