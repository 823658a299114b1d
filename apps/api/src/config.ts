import fs from 'node:fs'
import path from 'node:path'
import crypto from 'node:crypto'
import { z } from 'zod'

const envSchema = z.object({
  API_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  WEB_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('./.data'),
  HUB_SECRET: z.string().min(16, 'HUB_SECRET must be at least 16 characters').optional(),
  HUB_DEMO: z.enum(['0', '1']).default('1'),
  HUB_SEED: z.coerce.number().int().default(42),
  // One-click demo sign-in: on by default for the embedded demo (HUB_DEMO=1, no DATABASE_URL); 1 or 0 forces it.
  HUB_DEMO_SIGNIN: z.enum(['0', '1']).optional(),
  CARRIER_WEBHOOK_SECRET: z.string().min(8).optional(),
  PAYMENT_WEBHOOK_SECRET: z.string().min(8).optional(),
  // off: no query-cost throttling (benchmarks, capacity checks); costs are still measured, reported and capped.
  HUB_RATE_LIMIT: z.enum(['on', 'off']).default('on'),
  // 1: webhook receivers on loopback or private addresses are allowed (tests, receivers on the same network).
  HUB_WEBHOOKS_ALLOW_PRIVATE: z.enum(['0', '1']).default('0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})

export type HubConfig = z.infer<typeof envSchema> & { secret: string; carrierWebhookSecret: string; paymentWebhookSecret: string }

/** Reads the environment once, with defaults that make `npm start` work on a fresh clone. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')))
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const cfg = parsed.data
  const secret = cfg.HUB_SECRET ?? persistentSecret(cfg.DATA_DIR, 'hub-secret')
  return {
    ...cfg,
    secret,
    carrierWebhookSecret: cfg.CARRIER_WEBHOOK_SECRET ?? persistentSecret(cfg.DATA_DIR, 'carrier-webhook-secret'),
    paymentWebhookSecret: cfg.PAYMENT_WEBHOOK_SECRET ?? persistentSecret(cfg.DATA_DIR, 'payment-webhook-secret'),
  }
}

/** A random secret generated on first use and kept in DATA_DIR, so tokens survive restarts. */
export function persistentSecret(dataDir: string, name: string): string {
  const file = path.resolve(dataDir, name)
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    const value = crypto.randomBytes(32).toString('base64url')
    try {
      fs.writeFileSync(file, value, { flag: 'wx', mode: 0o600 })
      return value
    } catch {
      // Another process wrote it first: use theirs.
      return fs.readFileSync(file, 'utf8').trim()
    }
  }
}
