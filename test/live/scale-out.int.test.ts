import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from 'graphql-ws'
import { openDatabase } from '@ops-hub/db'
import { signToken } from '@ops-hub/domain'
import { buildApp, type App } from '../../apps/api/src/app.ts'
import { createLogger } from '../../apps/api/src/logger.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'
import { TEST_SECRET } from '../helpers/test-app.ts'
import { liveClient, subscribe } from '../helpers/live-client.ts'
import { createStockedPosition } from '../helpers/factories/inventory.ts'
import { createChannel, createRoutedOrder } from '../helpers/factories/live-orders.ts'

const DATABASE_URL = process.env.DATABASE_URL
const REDIS_URL = process.env.REDIS_URL

// Two stateless API instances behind a load balancer: same PostgreSQL database, same Redis.
describe.skipIf(!DATABASE_URL || !REDIS_URL)('two API instances sharing live data through Redis (needs DATABASE_URL and REDIS_URL)', () => {
  let database: TestDatabase
  let a: App
  let b: App
  let closeB: () => Promise<void>
  const clients: Client[] = []

  beforeAll(async () => {
    database = await createTestDatabase()
    const common = { secret: TEST_SECRET, redisUrl: REDIS_URL, logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), jobs: false }
    a = await buildApp({ ...common, db: database.db, relayIntervalMs: 50 })
    // B's relay sleeps, so every event below is published by A's relay: B's subscribers can only hear it through Redis.
    const dbB = await openDatabase({ databaseUrl: database.url! })
    closeB = () => dbB.close()
    b = await buildApp({ ...common, db: dbB, relayIntervalMs: 3_600_000 })
    await a.start(0)
    await b.start(0)
  })

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()))
    await b?.stop()
    await a?.stop()
    await closeB?.()
    await database?.drop()
  })

  const on = async (app: App, role: 'OPERATIONS' | 'EXECUTIVE') => {
    const c = liveClient(app.url, await signToken(TEST_SECRET, { sub: `${role}@test`, role }))
    clients.push(c)
    return c
  }

  it('an order placed and stock adjusted through instance A reach subscribers on instance B, with the same payload as on A', async () => {
    const prisma = a.db.prisma
    const { sku, location } = await createStockedPosition(prisma, { onHand: 30 })
    const channel = await createChannel(prisma)

    const agingB = subscribe<{ orderAging: { total: number; asOf: string } }>(await on(b, 'OPERATIONS'),
      `subscription ($l: String) { orderAging(locationCode: $l) { total asOf } }`, { l: location.code })
    const agingA = subscribe<{ orderAging: { total: number; asOf: string } }>(await on(a, 'EXECUTIVE'),
      `subscription ($l: String) { orderAging(locationCode: $l) { total asOf } }`, { l: location.code })
    const confB = subscribe<{ inventoryConfidence: { lowest: Array<{ onHand: number }>; asOf: string } }>(await on(b, 'EXECUTIVE'),
      `subscription ($l: String) { inventoryConfidence(locationCode: $l) { asOf lowest(first: 1) { onHand } } }`, { l: location.code })
    expect((await agingB.next()).orderAging.total).toBe(0)
    expect((await agingA.next()).orderAging.total).toBe(0)
    expect((await confB.next()).inventoryConfidence.lowest[0].onHand).toBe(30)

    const token = await signToken(TEST_SECRET, { sub: 'ops@test', role: 'OPERATIONS' })
    const gqlOnA = async (query: string, variables: Record<string, unknown>) =>
      (await (await fetch(`${a.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      })).json()) as { data: any; errors?: unknown }
    const placed = await gqlOnA(`mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { userErrors { code message } } }`, {
      input: {
        channelCode: channel.code, externalId: `EXT-${Date.now()}`, customer: { email: 'scale@example.com', name: 'Scale Out' },
        shipTo: { name: 'Scale Out', line1: '1 Main Street', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
        payment: { status: 'AUTHORIZED', fraudScore: 0.01 }, lines: [{ sku: sku.code, quantity: 1, unitPrice: '10.00' }],
      },
    })
    expect(placed.errors ?? placed.data.placeOrder.userErrors).toEqual([])
    const onB = (await agingB.next((v) => v.orderAging.total === 1, 5000)).orderAging
    const onA = (await agingA.next((v) => v.orderAging.total === 1, 5000)).orderAging
    // One instance computed it; both pushed that very snapshot.
    expect(onB.asOf).toBe(onA.asOf)

    const adjusted = await gqlOnA(`mutation ($input: AdjustInventoryInput!) { adjustInventory(input: $input) { userErrors { code } } }`, {
      input: { sku: sku.code, locationCode: location.code, quantityDelta: 5, reason: 'FOUND', referenceDocumentUri: 'test:found' },
    })
    expect(adjusted.data.adjustInventory.userErrors).toEqual([])
    await confB.next((v) => v.inventoryConfidence.lowest[0]?.onHand === 35, 5000)
  })

  it('does not double the pushes when both instances watch the same topic', async () => {
    const prisma = a.db.prisma
    const { sku, location } = await createStockedPosition(prisma, { onHand: 5 })
    const channel = await createChannel(prisma)
    const q = `subscription ($l: String) { orderAging(locationCode: $l) { total asOf } }`
    const subA = subscribe<{ orderAging: { total: number; asOf: string } }>(await on(a, 'OPERATIONS'), q, { l: location.code })
    const subB = subscribe<{ orderAging: { total: number; asOf: string } }>(await on(b, 'OPERATIONS'), q, { l: location.code })
    await subA.next()
    await subB.next()
    const [beforeA, beforeB] = [subA.values.length, subB.values.length]
    await createRoutedOrder(prisma, { channelId: channel.id, skuId: sku.id, locationId: location.id })
    await subA.next((v) => v.orderAging.total === 1)
    await subB.next((v) => v.orderAging.total === 1)
    await new Promise((r) => setTimeout(r, 800))
    const pushesA = subA.values.slice(beforeA).map((v) => v.orderAging.asOf)
    const pushesB = subB.values.slice(beforeB).map((v) => v.orderAging.asOf)
    expect(pushesA.length).toBeLessThanOrEqual(2)
    expect(pushesB).toEqual(pushesA)
  })
})
