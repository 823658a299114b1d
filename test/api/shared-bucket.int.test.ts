import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '@ops-hub/db'
import { signToken } from '@ops-hub/domain'
import { buildApp, type App } from '../../apps/api/src/app.ts'
import { createLogger } from '../../apps/api/src/logger.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'
import { TEST_SECRET } from '../helpers/test-app.ts'

const DATABASE_URL = process.env.DATABASE_URL
const REDIS_URL = process.env.REDIS_URL

// Two API instances behind a load balancer: one client's bucket is one bucket, whichever instance it reaches.
describe.skipIf(!DATABASE_URL || !REDIS_URL)('the query-cost bucket shared by two API instances (needs DATABASE_URL and REDIS_URL)', () => {
  let database: TestDatabase
  let a: App
  let b: App
  let closeB: () => Promise<void>

  beforeAll(async () => {
    database = await createTestDatabase()
    const common = { secret: TEST_SECRET, redisUrl: REDIS_URL, logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), jobs: false, rateLimit: true }
    a = await buildApp({ ...common, db: database.db })
    const dbB = await openDatabase({ databaseUrl: database.url! })
    closeB = () => dbB.close()
    b = await buildApp({ ...common, db: dbB })
    await a.start(0)
    await b.start(0)
  })

  afterAll(async () => {
    await b?.stop()
    await a?.stop()
    await closeB?.()
    await database?.drop()
  })

  // 3 x 100 ids = 300 requested, and 300 actual (a lookup by id costs 1 whether it finds the node or not): no refund.
  const ids = Array.from({ length: 100 }, (_, i) => Buffer.from(`Order:${1_000_000 + i}`).toString('base64'))
  const ask = async (app: App, token: string) => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'query ($ids: [ID!]!) { a: nodes(ids: $ids) { id } b: nodes(ids: $ids) { id } c: nodes(ids: $ids) { id } }', variables: { ids } }),
    })
    return (await res.json()) as { errors?: Array<{ extensions?: { code?: string } }>; extensions: { cost: { requestedQueryCost: number; actualQueryCost: number; throttleStatus: { currentlyAvailable: number } } } }
  }

  it('a client that spends its bucket on instance A is throttled on instance B, and another client is not', async () => {
    // Partners refill slowly here, so the test does not depend on how fast the machine is.
    await a.db.prisma.setting.create({ data: { key: 'api.costLimits', value: { maximumAvailable: 1000, restoreRate: 50, maxQueryCost: 1000, byRole: { PARTNER: { restoreRate: 1 } } } } })
    const partner = await signToken(TEST_SECRET, { sub: 'partner-shared', role: 'PARTNER', channel: 'MKT-SHARED' })
    for (let i = 0; i < 3; i++) {
      const r = await ask(a, partner)
      expect(r.errors).toBeUndefined()
      expect(r.extensions.cost).toMatchObject({ requestedQueryCost: 300, actualQueryCost: 300 })
    }
    const onB = await ask(b, partner)
    expect(onB.errors?.[0]?.extensions?.code).toBe('THROTTLED')
    expect(onB.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(300)
    const other = await ask(b, await signToken(TEST_SECRET, { sub: 'partner-other', role: 'PARTNER', channel: 'MKT-OTHER' }))
    expect(other.errors).toBeUndefined()
  })
})
