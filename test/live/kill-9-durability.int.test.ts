import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction, reconcileLedger, signToken, systemActor } from '@ops-hub/domain'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'
import { createStockedPosition } from '../helpers/factories/inventory.ts'
import { liveClient, subscribe } from '../helpers/live-client.ts'
import { uniqueCode } from '../helpers/unique.ts'

const DATABASE_URL = process.env.DATABASE_URL
const ROOT = path.resolve(import.meta.dirname, '../..')
const SECRET = 'kill-9-durability-secret-0123456789'

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
  })

/** The API as production runs it: its own process (main.ts), on PostgreSQL, killed with SIGKILL below. */
function startApi(port: number, databaseUrl: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: '',
      API_PORT: String(port),
      HUB_DEMO: '0',
      HUB_SECRET: SECRET,
      HUB_RATE_LIMIT: 'off',
      HUB_WEBHOOKS_ALLOW_PRIVATE: '1',
      DATA_DIR: path.join(os.tmpdir(), `ops-hub-kill9-${process.pid}`),
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  child.stderr?.on('data', (d) => process.env.TEST_LOG_LEVEL && process.stderr.write(d))
  return child
}

async function ready(url: string, ms = 90_000) {
  const end = Date.now() + ms
  for (;;) {
    try {
      const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ health }"}' })
      if (res.ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error('API did not start')
    await new Promise((r) => setTimeout(r, 200))
  }
}

async function until<T>(what: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await what()
    if (v) return v
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 250))
  }
}

const log = (line: string) => process.env.TEST_LOG_LEVEL && console.log(`[kill-9] ${line}`)
const PLACE = 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { order { number status } userErrors { code message } } }'

describe.skipIf(!DATABASE_URL)('durability under kill -9 (needs DATABASE_URL)', () => {
  let database: TestDatabase
  let api: ChildProcess | undefined
  const hooks: Array<{ event: number; topic: string; body: string }> = []
  const receiver = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      hooks.push({ event: Number(req.headers['x-ops-hub-event']), topic: String(req.headers['x-ops-hub-topic']), body })
      res.end()
    })
  })

  beforeAll(async () => {
    database = await createTestDatabase()
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()))
  })
  afterAll(async () => {
    api?.kill('SIGKILL')
    await new Promise<void>((r) => receiver.close(() => r()))
    await database?.drop()
  })

  it('loses no acknowledged order, applies none twice, relays every event and keeps the ledger whole', async () => {
    const prisma = database.db.prisma
    const { sku, location } = await createStockedPosition(prisma, { onHand: 100_000 })
    const { sku: second } = await createStockedPosition(prisma, { onHand: 100_000, location })
    const channel = await prisma.channel.create({ data: { code: uniqueCode('K9'), name: 'Kill -9 channel', kind: 'MARKETPLACE' } })
    await prisma.webhookSubscription.create({
      data: { topic: 'ORDER_STATUS_CHANGED', url: `http://127.0.0.1:${(receiver.address() as net.AddressInfo).port}/hooks`, secret: 'whsec_test', channelId: channel.id, createdBy: 'test' },
    })

    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    api = startApi(port, database.url!)
    await ready(url)
    log('API up')
    const token = await signToken(SECRET, { sub: 'integration@k9', role: 'OPERATIONS' })
    const send = async (input: Record<string, unknown>) => {
      const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: PLACE, variables: { input } }) })
      return (await res.json()) as { data?: { placeOrder: { order: { number: string; status: string } | null; userErrors: Array<{ code: string }> } }; errors?: unknown[] }
    }

    // 16 clients place orders with idempotency keys until the process is killed under them.
    const acknowledged = new Map<string, { input: Record<string, unknown>; number: string }>()
    const unanswered = new Map<string, Record<string, unknown>>()
    let killed = false
    const client = async (c: number) => {
      for (let i = 0; !killed || i === 0; i++) {
        const key = `k9-${c}-${i}`
        const input = {
          channelCode: channel.code,
          externalId: `EXT-${key}`,
          idempotencyKey: key,
          customer: { email: `c${c}@example.com`, name: `Client ${c}` },
          shipTo: { name: 'A', line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
          payment: { status: 'AUTHORIZED', fraudScore: 0.01 },
          lines: [{ sku: sku.code, quantity: 1 + (i % 3), unitPrice: 5 }, { sku: second.code, quantity: 1, unitPrice: 7 }],
        }
        try {
          const r = await send(input)
          const order = r.data?.placeOrder.order
          if (!order) throw new Error(JSON.stringify(r))
          acknowledged.set(key, { input, number: order.number })
        } catch {
          unanswered.set(key, input)
          if (killed) return
        }
      }
    }
    const load = Array.from({ length: 16 }, (_, c) => client(c))
    await until(async () => acknowledged.size >= 150, 120_000)
    log(`killing after ${acknowledged.size} acknowledged orders`)
    killed = true
    api.kill('SIGKILL')
    await Promise.all(load)
    expect(unanswered.size, 'requests in flight when the process died').toBeGreaterThan(0)

    log(`${unanswered.size} unanswered`)
    // Restarted, the clients retry what went unanswered with the same keys (a concurrent duplicate is retried).
    api = startApi(port, database.url!)
    await ready(url)
    for (const [key, input] of unanswered) {
      const r = await until(async () => {
        const res = await send(input)
        const codes = res.data?.placeOrder.userErrors.map((e) => e.code) ?? []
        return codes.includes('IDEMPOTENCY_CONCURRENT_REQUEST') ? null : res
      })
      expect(r.data?.placeOrder.userErrors, key).toEqual([])
      acknowledged.set(key, { input, number: r.data!.placeOrder.order!.number })
    }
    log('retried')
    // A retry of an acknowledged request replays it.
    const [someKey, some] = [...acknowledged][0]
    expect((await send(some.input)).data?.placeOrder.order?.number, someKey).toBe(some.number)

    // Every acknowledged order exists once, with its reservations.
    const orders = await prisma.order.findMany({ where: { channelId: channel.id }, include: { lines: { orderBy: { lineNumber: 'asc' }, include: { allocations: true } } } })
    expect(orders.length).toBe(acknowledged.size)
    expect(new Set(orders.map((o) => o.externalId)).size).toBe(orders.length)
    for (const { number, input } of acknowledged.values()) {
      const order = orders.find((o) => o.number === number)
      expect(order, number).toBeDefined()
      expect(order!.status).toBe('ALLOCATED')
      const lines = input.lines as Array<{ quantity: number }>
      expect(order!.lines.map((l) => l.allocations.filter((a) => a.status === 'RESERVED').reduce((s, a) => s + a.quantity, 0))).toEqual(lines.map((l) => l.quantity))
    }
    // Nothing applied twice: the positions hold exactly the reservations of these orders, one ledger event each.
    const reserved = orders.flatMap((o) => o.lines.flatMap((l) => l.allocations)).reduce((s, a) => s + a.quantity, 0)
    const positions = await prisma.stockPosition.findMany({ where: { locationId: location.id } })
    expect(positions.reduce((s, p) => s + p.reserved, 0)).toBe(reserved)
    const reservationEvents = await prisma.inventoryEvent.count({ where: { type: 'RESERVED', orderId: { in: orders.map((o) => o.id) } } })
    expect(reservationEvents).toBe(orders.flatMap((o) => o.lines.flatMap((l) => l.allocations)).length)
    expect(await prisma.idempotencyRecord.count({ where: { scope: 'placeOrder' } })).toBe(acknowledged.size)

    log('orders checked')
    // Every outbox event is relayed after the restart, and the webhook deliveries of these orders catch up.
    await until(async () => (await prisma.outboxEvent.count({ where: { publishedAt: null } })) === 0)
    const statusEvents = await prisma.outboxEvent.findMany({ where: { topic: 'order.status_changed', aggregateId: { in: orders.map((o) => o.id) } }, select: { id: true } })
    expect(statusEvents.length).toBeGreaterThanOrEqual(orders.length)
    await until(async () => (await prisma.webhookDelivery.count({ where: { status: 'DELIVERED' } })) >= statusEvents.length, 120_000)
    const delivered = new Set(hooks.map((h) => h.event))
    expect(statusEvents.filter((e) => !delivered.has(e.id))).toEqual([])

    // Live metrics on the restarted process count every open order.
    const live = liveClient(url, token)
    const aging = subscribe<{ orderAging: { total: number } }>(live, 'subscription ($l: String) { orderAging(locationCode: $l) { total } }', { l: location.code })
    const snapshot = await aging.next((v) => v.orderAging.total === orders.length, 30_000)
    expect(snapshot.orderAging.total).toBe(orders.length)
    await live.dispose()

    // The books still prove themselves.
    const report = await inTransaction(prisma, (tx) => reconcileLedger(tx, {}, systemActor))
    expect(report.mismatches).toEqual([])
    // Two API starts (migrations checked, the dashboard's operations loaded) and a few hundred orders.
  }, 300_000)
})
