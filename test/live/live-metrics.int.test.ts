import { afterAll, describe, expect, it } from 'vitest'
import type { Client } from 'graphql-ws'
import { useTestApp } from '../helpers/test-app.ts'
import { uniqueCode } from '../helpers/unique.ts'
import { liveClient, subscribe } from '../helpers/live-client.ts'
import { createStockedPosition } from '../helpers/factories/inventory.ts'
import { createFulfilmentNode } from '../helpers/factories/catalog.ts'
import { createChannel, createRoutedOrder } from '../helpers/factories/live-orders.ts'
import { inTransaction, openException } from '@ops-hub/domain'

// With REDIS_URL set (CI's second run) the same tests go through Redis pub/sub and the topic lease.
const t = useTestApp({ redisUrl: process.env.REDIS_URL })
const clients: Client[] = []
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()))
})

async function client(role: Parameters<ReturnType<typeof t>['token']>[0] | null) {
  const c = liveClient(t().url, role ? await t().token(role, role === 'PARTNER' ? 'MKT-A' : undefined) : null)
  clients.push(c)
  return c
}

const ORDER_AGING = /* GraphQL */ `
  subscription ($loc: String) { orderAging(locationCode: $loc) { asOf locationCode total pastShipBy buckets { label count } byStatus { status total } } }`
const CONFIDENCE = /* GraphQL */ `
  subscription ($loc: String) { inventoryConfidence(locationCode: $loc) { asOf overall positions belowThreshold threshold lowest(first: 3) { sku location score onHand factors { name value weight } } } }`
const PLACE_ORDER = /* GraphQL */ `
  mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { order { number status } userErrors { code message } } }`
const ADJUST = /* GraphQL */ `
  mutation ($input: AdjustInventoryInput!) { adjustInventory(input: $input) { userErrors { code message } } }`

describe('live metrics over graphql-ws', () => {
  it('pushes a fresh order-aging snapshot for a node within 5 s of an order placed there through the API', async () => {
    const prisma = t().app.db.prisma
    const { sku, location } = await createStockedPosition(prisma, { onHand: 50 })
    const channel = await createChannel(prisma)
    await createRoutedOrder(prisma, { channelId: channel.id, skuId: sku.id, locationId: location.id, ageHours: 30, shipByHours: 24 })

    const sub = subscribe<{ orderAging: any }>(await client('OPERATIONS'), ORDER_AGING, { loc: location.code })
    const first = (await sub.next()).orderAging
    expect(first.locationCode).toBe(location.code)
    expect(first.total).toBe(1)
    expect(first.pastShipBy).toBe(1)
    expect(first.buckets.map((b: { label: string }) => b.label)).toEqual(['0-4h', '4-12h', '12-24h', '24-48h', '>48h'])
    expect(first.buckets.find((b: { label: string }) => b.label === '24-48h').count).toBe(1)

    const placedAt = Date.now()
    const placed = await t().gql(PLACE_ORDER, {
      input: {
        channelCode: channel.code, externalId: uniqueCode('EXT'), customer: { email: 'aging@example.com', name: 'Aging Test' },
        shipTo: { name: 'Aging Test', line1: '1 Main Street', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
        payment: { status: 'AUTHORIZED', fraudScore: 0.01 }, lines: [{ sku: sku.code, quantity: 2, unitPrice: '10.00' }],
      },
    }, { role: 'OPERATIONS' })
    expect(placed.errors ?? placed.data.placeOrder.userErrors).toEqual([])
    const fresh = (await sub.next((v) => v.orderAging.total === 2, 5000)).orderAging
    expect(Date.now() - placedAt).toBeLessThan(5000)
    expect(fresh.buckets[0]).toEqual({ label: '0-4h', count: 1 })
    expect(fresh.pastShipBy).toBe(1)
    expect(fresh.byStatus.reduce((n: number, s: { total: number }) => n + s.total, 0)).toBe(2)
    expect(new Date(fresh.asOf).getTime()).toBeGreaterThan(new Date(first.asOf).getTime())
    sub.close()
  })

  it('pushes a fresh inventory-confidence snapshot within 5 s of a stock adjustment at the node', async () => {
    const prisma = t().app.db.prisma
    const { sku, location } = await createStockedPosition(prisma, { onHand: 40 })
    const sub = subscribe<{ inventoryConfidence: any }>(await client('PROCUREMENT'), CONFIDENCE, { loc: location.code })
    const first = (await sub.next()).inventoryConfidence
    expect(first.positions).toBe(1)
    expect(first.lowest[0]).toMatchObject({ sku: sku.code, location: location.code, onHand: 40 })

    const res = await t().gql(ADJUST, {
      input: { sku: sku.code, locationCode: location.code, quantityDelta: -3, reason: 'SHRINKAGE', referenceDocumentUri: 'test:count-sheet' },
    }, { role: 'OPERATIONS' })
    expect(res.errors ?? res.data.adjustInventory.userErrors).toEqual([])
    const fresh = (await sub.next((v) => v.inventoryConfidence.lowest[0]?.onHand === 37, 5000)).inventoryConfidence
    expect(fresh.lowest[0].factors.map((f: { name: string }) => f.name)).toContain('manualAdjustments')
    expect(fresh.overall).toBe(fresh.lowest[0].score)
    sub.close()
  })

  it('answers the same snapshots over HTTP for callers that do not hold a socket', async () => {
    const res = await t().gql(`{ orderAging { total buckets { label count } byLocation { locationCode total } } inventoryConfidence { positions overall } pickBacklog { totalBacklog locations { locationCode capacity backlog awaitingRelease } } exceptionSummary { open overdue byType { type open } } }`, {}, { role: 'EXECUTIVE' })
    expect(res.errors).toBeUndefined()
    expect(res.data.orderAging.total).toBeGreaterThanOrEqual(2)
    expect(res.data.orderAging.byLocation.reduce((s: number, l: { total: number }) => s + l.total, 0)).toBeGreaterThanOrEqual(2)
    expect(res.data.inventoryConfidence.positions).toBeGreaterThanOrEqual(2)
    expect(res.data.pickBacklog.locations.some((l: { awaitingRelease: number }) => l.awaitingRelease > 0)).toBe(true)
    expect(res.data.exceptionSummary.open).toBeGreaterThanOrEqual(0)
  })

  it("counts a node's releases left today against what release lets through: packing bounds a node that packs fewer than it picks", async () => {
    const node = await createFulfilmentNode(t(), { dailyPickCapacity: 5, dailyPackCapacity: 2 })
    const res = await t().gql(`query ($loc: String) { pickBacklog(locationCode: $loc) { locations { locationCode capacity releasedToday remainingCapacity } } }`, { loc: node }, { role: 'OPERATIONS' })
    expect(res.errors).toBeUndefined()
    expect(res.data.pickBacklog.locations).toEqual([{ locationCode: node, capacity: 5, releasedToday: 0, remainingCapacity: 2 }])
  })

  it('refuses the socket without a token', async () => {
    const sub = subscribe(await client(null), ORDER_AGING)
    const err = (await sub.ended) as { code?: number; reason?: string }
    expect(err?.code).toBe(4403)
    expect(sub.values).toEqual([])
  })

  it('refuses a subscription (with an error, not silence) to a role that may not see the metric', async () => {
    const cases: Array<[Parameters<ReturnType<typeof t>['token']>[0], string]> = [
      ['CUSTOMER_SERVICE', CONFIDENCE],
      ['PARTNER', ORDER_AGING],
      ['FINANCE', ORDER_AGING],
    ]
    for (const [role, query] of cases) {
      const sub = subscribe(await client(role), query)
      await sub.ended
      expect(JSON.stringify(sub.errors)).toMatch(/not allowed/i)
      expect(sub.values).toEqual([])
    }
  })

  it('refuses an unknown node with NOT_FOUND', async () => {
    const sub = subscribe(await client('OPERATIONS'), ORDER_AGING, { loc: 'NO-SUCH-NODE' })
    await sub.ended
    expect(JSON.stringify(sub.errors)).toContain('NOT_FOUND')
    expect(sub.values).toEqual([])
  })

  it('coalesces a burst of 50 events into a handful of pushes that end on the final figure', async () => {
    const prisma = t().app.db.prisma
    const { sku, location } = await createStockedPosition(prisma, { onHand: 10 })
    const channel = await createChannel(prisma)
    const sub = subscribe<{ orderAging: any }>(await client('OPERATIONS'), ORDER_AGING, { loc: location.code })
    await sub.next()
    const before = sub.values.length
    await Promise.all(Array.from({ length: 50 }, () => createRoutedOrder(prisma, { channelId: channel.id, skuId: sku.id, locationId: location.id })))
    await sub.next((v) => v.orderAging.total === 50, 5000)
    await new Promise((r) => setTimeout(r, 1000))
    const pushes = sub.values.length - before
    expect(pushes).toBeGreaterThanOrEqual(1)
    expect(pushes).toBeLessThanOrEqual(8)
    expect(sub.values.at(-1)!.orderAging.total).toBe(50)
    sub.close()
  })

  it('pushes the exception summary of a team when an exception opens and when it is resolved', async () => {
    const prisma = t().app.db.prisma
    const sub = subscribe<{ exceptionsChanged: { open: number; overdue: number; byType: Array<{ type: string; open: number }> } }>(
      await client('PROCUREMENT'),
      `subscription { exceptionsChanged(ownerRole: PROCUREMENT) { open overdue byType { type open } } }`,
    )
    const before = (await sub.next()).exceptionsChanged.open
    const { position } = await createStockedPosition(prisma, { onHand: 5 })
    const opened = await inTransaction(prisma, (tx) => openException(tx, {
      type: 'REPLENISHMENT_RISK', severity: 'HIGH', ownerRole: 'PROCUREMENT', subjectType: 'StockPosition', subjectId: position.id,
      title: 'Will run out before the next receipt', dueBy: new Date(Date.now() - 60_000),
    }))
    const fresh = (await sub.next((v) => v.exceptionsChanged.open === before + 1)).exceptionsChanged
    expect(fresh.overdue).toBeGreaterThanOrEqual(1)
    expect(fresh.byType).toContainEqual({ type: 'REPLENISHMENT_RISK', open: 1 })

    const { data } = await t().gql(`{ exceptions(first: 1, filter: { ownerRole: PROCUREMENT, type: [REPLENISHMENT_RISK] }) { nodes { id title } } }`)
    expect(data.exceptions.nodes[0].title).toBe(opened.title)
    const resolved = await t().gql(
      `mutation ($input: ResolveExceptionInput!) { resolveException(input: $input) { userErrors { code message } } }`,
      { input: { id: data.exceptions.nodes[0].id, resolution: 'PO expedited' } },
      { role: 'PROCUREMENT' },
    )
    expect(resolved.errors ?? resolved.data.resolveException.userErrors).toEqual([])
    await sub.next((v) => v.exceptionsChanged.open === before)
    sub.close()
  })

  it('pushes one order to customer service as it moves', async () => {
    const prisma = t().app.db.prisma
    const { sku, location } = await createStockedPosition(prisma, { onHand: 10 })
    const channel = await createChannel(prisma)
    const order = await createRoutedOrder(prisma, { channelId: channel.id, skuId: sku.id, locationId: location.id })
    const sub = subscribe<{ orderUpdated: { number: string; status: string } }>(
      await client('CUSTOMER_SERVICE'),
      `subscription ($n: String!) { orderUpdated(number: $n) { number status } }`,
      { n: order.number },
    )
    expect((await sub.next()).orderUpdated).toEqual({ number: order.number, status: 'ALLOCATED' })
    await prisma.$transaction(async (tx) => {
      await tx.order.update({ where: { id: order.id }, data: { status: 'RELEASED' } })
      await tx.outboxEvent.create({ data: { topic: 'order.status_changed', aggregateType: 'Order', aggregateId: order.id, payload: { from: 'ALLOCATED', to: 'RELEASED' } } })
    })
    expect((await sub.next((v) => v.orderUpdated.status === 'RELEASED')).orderUpdated.number).toBe(order.number)
    sub.close()
  })
})
