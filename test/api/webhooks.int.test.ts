import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkWebhookUrl, webhookRetryDelayMs } from '@ops-hub/domain'
import { useTestApp } from '../helpers/test-app.ts'
import { createSalesChannel } from '../helpers/factories/catalog.ts'
import { createStockedNode } from '../helpers/factories/warehouse.ts'
import { orderInput, placeOrder } from '../helpers/factories/orders.ts'

// Retries 40 ms, 160 ms, 640 ms... apart instead of 5 s, 20 s, 80 s: the same schedule, scaled down.
const t = useTestApp({ webhooks: { allowPrivate: true, retryBaseMs: 40, pollMs: 50 } })
const strict = useTestApp()

interface Received { headers: http.IncomingHttpHeaders; body: string }

/** A receiver that fails the first `failures` tries of every delivery (then answers 200), recording what it got. */
function receiver() {
  const got: Received[] = []
  let statuses: number[] = []
  const tries = new Map<string, number>()
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      got.push({ headers: req.headers, body })
      const delivery = String(req.headers['x-ops-hub-delivery'])
      const n = tries.get(delivery) ?? 0
      tries.set(delivery, n + 1)
      res.statusCode = statuses[n] ?? 200
      res.end()
    })
  })
  return {
    got,
    /** The status of each delivery's first tries, e.g. [500, 503]: the third try succeeds. */
    answer: (first: number[]) => (statuses = [...first]),
    of: (delivery: string) => got.filter((g) => g.headers['x-ops-hub-delivery'] === delivery),
    url: '',
    async start() {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
      this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  }
}

async function until<T>(what: () => Promise<T | undefined | null | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await what()
    if (v) return v
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 50))
  }
}

const CREATE = /* GraphQL */ `
  mutation ($input: CreateWebhookSubscriptionInput!) {
    createWebhookSubscription(input: $input) { webhookSubscription { id topic url secret channel { code } active } userErrors { field message code } }
  }`
const DELIVERIES = /* GraphQL */ `
  query ($f: WebhookDeliveryFilter) {
    webhookDeliveries(first: 50, filter: $f) { totalCount nodes { id eventId status tries topic lastStatusCode payload attempts { statusCode } } }
  }`

const sign = (secret: string, ts: string, body: string) => `sha256=${crypto.createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`

describe('outbound webhooks', () => {
  const hook = receiver()
  beforeAll(() => hook.start())
  afterAll(() => hook.stop())

  it('retries a receiver that fails twice and delivers on the third try with a valid signature, only its own channel\'s events', async () => {
    const { channel, node, sku } = await createStockedNode(t(), 50, 'WH-A1')
    void node
    const otherChannel = await createSalesChannel(t())
    const partner = { role: 'PARTNER' as const, channel, sub: `partner-${channel}` }
    const created = await t().gql(CREATE, { input: { topic: 'ORDER_STATUS_CHANGED', url: hook.url } }, partner)
    const sub = created.data.createWebhookSubscription.webhookSubscription
    expect(created.data.createWebhookSubscription.userErrors).toEqual([])
    expect(sub).toMatchObject({ topic: 'ORDER_STATUS_CHANGED', url: hook.url, channel: { code: channel }, active: true })
    expect(sub.secret).toMatch(/^whsec_/)
    // The secret is shown once.
    const listed = await t().gql('{ webhookSubscriptions(first: 5) { nodes { id secret } } }', {}, partner)
    expect(listed.data.webhookSubscriptions.nodes).toEqual([{ id: sub.id, secret: null }])

    hook.answer([500, 503])
    const mine = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }]))
    await placeOrder(t(), orderInput(otherChannel, [{ sku, quantity: 1 }]))
    // The order's move to ALLOCATED (one of its status changes).
    const delivered = await until(async () => {
      const r = await t().gql(DELIVERIES, { f: { subscriptionId: sub.id } }, partner)
      return r.data.webhookDeliveries.nodes.find((d: { status: string; payload: { data: { order: { newStatus: string } } } | null }) => d.status === 'DELIVERED' && d.payload?.data.order.newStatus === 'ALLOCATED')
    })
    expect(delivered).toMatchObject({ tries: 3, lastStatusCode: 200, topic: 'ORDER_STATUS_CHANGED', attempts: [{ statusCode: 500 }, { statusCode: 503 }, { statusCode: 200 }] })
    const tries = hook.of(String(Buffer.from(delivered.id, 'base64').toString().split(':')[1]))
    expect(tries).toHaveLength(3)
    // Every try carried the same body; the one that got through is signed with the secret over "<timestamp>.<body>".
    expect(new Set(tries.map((g) => g.body)).size).toBe(1)
    const last = tries[2]
    expect(last.headers['content-type']).toBe('application/json')
    expect(Math.abs(Number(last.headers['x-ops-hub-timestamp']) - Date.now() / 1000)).toBeLessThan(60)
    expect(last.headers['x-ops-hub-signature']).toBe(sign(sub.secret, String(last.headers['x-ops-hub-timestamp']), last.body))
    expect(last.headers['x-ops-hub-signature']).not.toBe(sign('whsec_wrong', String(last.headers['x-ops-hub-timestamp']), last.body))
    const body = JSON.parse(last.body)
    expect(body).toMatchObject({ topic: 'ORDER_STATUS_CHANGED', eventId: delivered.eventId, data: { order: { number: mine.order.number, channelCode: channel, previousStatus: 'VALIDATED', newStatus: 'ALLOCATED' } } })
    // The other channel's order reached no delivery of this partner.
    const all = await t().gql(DELIVERIES, { f: { subscriptionId: sub.id } }, partner)
    expect(all.data.webhookDeliveries.nodes.every((d: { payload: { data: { order: { channelCode: string } } } }) => d.payload.data.order.channelCode === channel)).toBe(true)
  })

  it('dead-letters a delivery after webhooks.maxTries failed tries; redeliverWebhook sends it again', async () => {
    const prisma = t().app.db.prisma
    await prisma.setting.upsert({ where: { key: 'webhooks.maxTries' }, create: { key: 'webhooks.maxTries', value: 2 }, update: { value: 2 } })
    const { channel, sku } = await createStockedNode(t(), 50, 'WH-D1')
    const partner = { role: 'PARTNER' as const, channel, sub: `partner-${channel}` }
    const sub = (await t().gql(CREATE, { input: { topic: 'ORDER_STATUS_CHANGED', url: hook.url } }, partner)).data.createWebhookSubscription.webhookSubscription
    hook.answer([500, 500])
    await placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }]))
    const dead = await until(async () => (await t().gql(DELIVERIES, { f: { subscriptionId: sub.id, status: ['DEAD'] } }, partner)).data.webhookDeliveries.nodes[0])
    expect(dead).toMatchObject({ tries: 2, attempts: [{ statusCode: 500 }, { statusCode: 500 }] })
    const again = await t().gql('mutation ($i: RedeliverWebhookInput!) { redeliverWebhook(input: $i) { webhookDelivery { status tries } userErrors { code } } }', { i: { deliveryId: dead.id } }, partner)
    expect(again.data.redeliverWebhook).toEqual({ webhookDelivery: { status: 'PENDING', tries: 0 }, userErrors: [] })
    await until(async () => (await t().gql(DELIVERIES, { f: { subscriptionId: sub.id, status: ['DELIVERED'] } }, partner)).data.webhookDeliveries.nodes[0])
    // Another partner cannot redeliver it.
    const intruder = await t().gql('mutation ($i: RedeliverWebhookInput!) { redeliverWebhook(input: $i) { userErrors { code } } }', { i: { deliveryId: dead.id } }, { role: 'PARTNER', channel: 'SOMEONE-ELSE' })
    expect(intruder.data.redeliverWebhook.userErrors).toEqual([{ code: 'NOT_FOUND' }])
    await prisma.setting.delete({ where: { key: 'webhooks.maxTries' } })
  })

  it('pushes what a channel may sell after stock moves: the availableToSell figure, per node and in total', async () => {
    const { channel, node, sku } = await createStockedNode(t(), 30, 'WH-I1')
    const partner = { role: 'PARTNER' as const, channel, sub: `partner-${channel}` }
    const sub = (await t().gql(CREATE, { input: { topic: 'INVENTORY_AVAILABILITY_CHANGED', url: hook.url } }, partner)).data.createWebhookSubscription.webhookSubscription
    await t().gql('mutation ($i: SegregateStockInput!) { segregateStock(input: $i) { userErrors { code } } }', { i: { sku, locationCode: node, quantity: 4, to: 'DAMAGED', reason: 'crushed' } }, { role: 'OPERATIONS' })
    const d = await until(async () => (await t().gql(DELIVERIES, { f: { subscriptionId: sub.id, status: ['DELIVERED'] } }, partner)).data.webhookDeliveries.nodes[0])
    const now = await t().gql('query ($s: [String!]!) { availableToSell(skus: $s) { sku availableToSell nodes { locationCode promisable } } }', { s: [sku] }, partner)
    expect(d.payload).toMatchObject({ topic: 'INVENTORY_AVAILABILITY_CHANGED', data: { channelCode: channel, items: now.data.availableToSell } })
    expect(now.data.availableToSell[0].availableToSell).toBe(26)
  })

  it('refuses a URL that is not http(s), and another channel for a partner; stores nothing', async () => {
    const count = () => t().app.db.prisma.webhookSubscription.count()
    const before = await count()
    const ftp = await t().gql(CREATE, { input: { topic: 'ORDER_STATUS_CHANGED', url: 'ftp://example.com/hooks', channelCode: 'ANY' } })
    expect(ftp.data.createWebhookSubscription).toMatchObject({ webhookSubscription: null, userErrors: [{ code: 'INVALID_WEBHOOK_URL', field: ['input', 'url'] }] })
    const notUrl = await t().gql(CREATE, { input: { topic: 'ORDER_STATUS_CHANGED', url: 'javascript:alert(1)' } })
    expect(notUrl.data.createWebhookSubscription.userErrors[0].code).toBe('INVALID_WEBHOOK_URL')
    const foreign = await t().gql(CREATE, { input: { topic: 'ORDER_STATUS_CHANGED', url: hook.url, channelCode: 'NOT-MINE' } }, { role: 'PARTNER', channel: 'MINE', sub: 'p-mine' })
    expect(foreign.data.createWebhookSubscription.userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })])
    expect(await count()).toBe(before)
  })
})

describe('webhook receivers on private addresses (HUB_WEBHOOKS_ALLOW_PRIVATE unset)', () => {
  it('refuses loopback and private addresses, and a name that resolves to one; stores nothing', async () => {
    const count = () => strict().app.db.prisma.webhookSubscription.count()
    for (const url of ['http://127.0.0.1:9/hooks', 'http://[::1]/hooks', 'http://10.1.2.3/hooks', 'https://192.168.0.10/x', 'http://169.254.169.254/latest/meta-data', 'http://localhost:8080/']) {
      const res = await strict().gql(CREATE, { input: { topic: 'SHIPMENT_MILESTONE', url } })
      expect(res.data.createWebhookSubscription.userErrors, url).toEqual([expect.objectContaining({ code: 'INVALID_WEBHOOK_URL', field: ['input', 'url'] })])
    }
    expect(await count()).toBe(0)
    const resolvesPrivate = checkWebhookUrl('https://hooks.partner.example/x', { allowPrivate: false, resolve: async () => ['93.184.216.34', '10.0.0.7'] })
    await expect(resolvesPrivate).rejects.toMatchObject({ errors: [{ code: 'INVALID_WEBHOOK_URL' }] })
    await expect(checkWebhookUrl('https://hooks.partner.example/x', { allowPrivate: false, resolve: async () => ['93.184.216.34'] })).resolves.toBeInstanceOf(URL)
  })

  it('retries on a schedule whose first three tries fall within 30 seconds', () => {
    const tries = [0, webhookRetryDelayMs(1), webhookRetryDelayMs(1) + webhookRetryDelayMs(2)]
    expect(tries).toEqual([0, 5_000, 25_000])
    expect(webhookRetryDelayMs(20)).toBe(6 * 3_600_000)
  })
})
