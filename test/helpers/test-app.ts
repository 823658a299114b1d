import { afterAll, beforeAll } from 'vitest'
import { signToken } from '@ops-hub/domain'
import type { Role } from '@ops-hub/db'
import { buildApp, type App, type AppOptions } from '../../apps/api/src/app.ts'
import { createLogger } from '../../apps/api/src/logger.ts'
import { STATEMENTS_HEADER } from '../../apps/api/src/statement-count.ts'
import { createTestDatabase, type TestDatabase } from './database.ts'

export const TEST_SECRET = 'test-secret-for-ops-hub-only-0123456789'
export const TEST_WEBHOOK_SECRET = 'test-carrier-webhook-secret'
export const TEST_PAYMENT_WEBHOOK_SECRET = 'test-payment-webhook-secret'

export interface GqlResult<T = any> {
  status: number
  /** SQL statements the request caused (apps with reportStatements). */
  statements?: number
  data?: T
  errors?: Array<{ message: string; extensions?: { code?: string } }>
}

export interface TestApp {
  app: App
  database: TestDatabase
  url: string
  token(role: Role, channel?: string, sub?: string): Promise<string>
  /** POSTs a GraphQL document as `role` (or with an explicit token, or none with `as: null`). */
  gql<T = any>(query: string, variables?: Record<string, unknown>, as?: { role?: Role; channel?: string; sub?: string; token?: string | null }): Promise<GqlResult<T>>
}

/**
 * Starts the real app in-process over HTTP on a fresh database for the current test file.
 * Use inside a describe/file: `const t = useTestApp()` then `t().gql(...)` in tests.
 */
export interface TestAppOptions {
  jobs?: boolean
  redisUrl?: string
  poolSize?: number
  demoSignIn?: boolean
  /** Throttle by query cost (default off in tests, so bursts of requests are not throttled). */
  rateLimit?: boolean
  /** Outbound webhook worker options (private receivers, retry schedule). */
  webhooks?: AppOptions['webhooks']
  /** Every response says how many SQL statements its request caused (`statements` on gql results). */
  reportStatements?: boolean
  /**
   * Run the Scenario lab's runner (queued simulator runs). Off unless a test needs it: its timer's transactions would
   * run in the middle of whatever else a test does to the database (a demo seed on PGlite's single connection).
   */
  scenarioRunner?: boolean
}

export function useTestApp(opts: TestAppOptions = {}): () => TestApp {
  let handle: TestApp | undefined
  beforeAll(async () => {
    const database = await createTestDatabase({ poolSize: opts.poolSize })
    const app = await buildApp({
      db: database.db,
      secret: TEST_SECRET,
      carrierWebhookSecret: TEST_WEBHOOK_SECRET,
      paymentWebhookSecret: TEST_PAYMENT_WEBHOOK_SECRET,
      redisUrl: opts.redisUrl,
      logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
      jobs: opts.jobs ?? false,
      relayIntervalMs: 50,
      rateLimit: opts.rateLimit ?? false,
      webhooks: opts.webhooks,
      demoSignIn: opts.demoSignIn,
      reportStatements: opts.reportStatements,
      scenarioRunner: opts.scenarioRunner ? undefined : false,
    })
    const url = await app.start(0)
    const token = (role: Role, channel?: string, sub?: string) =>
      signToken(TEST_SECRET, { sub: sub ?? `${role.toLowerCase()}@test`, role, channel })
    handle = {
      app,
      database,
      url,
      token,
      async gql(query, variables, as = { role: 'ADMIN' }) {
        const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json' }
        const tok = as.token !== undefined ? as.token : await token(as.role ?? 'ADMIN', as.channel, as.sub)
        if (tok) headers.authorization = `Bearer ${tok}`
        const res = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) })
        const body = (await res.json()) as GqlResult
        const statements = res.headers.get(STATEMENTS_HEADER)
        return { ...body, status: res.status, ...(statements !== null ? { statements: Number(statements) } : {}) }
      },
    }
  })
  afterAll(async () => {
    await handle?.app.stop()
    await handle?.database.drop()
  })
  return () => {
    if (!handle) throw new Error('useTestApp() is only ready inside tests')
    return handle
  }
}
