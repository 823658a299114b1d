// kpisChanged over graphql-ws: today's KPIs pushed when the events that move them commit.
import { afterAll, describe, expect, it } from 'vitest'
import type { Client } from 'graphql-ws'
import { useTestApp } from '../helpers/test-app.ts'
import { liveClient, subscribe } from '../helpers/live-client.ts'
import { createStockedNode } from '../helpers/factories/warehouse.ts'
import { orderInput, placeOrder } from '../helpers/factories/orders.ts'

// With REDIS_URL set (CI's second run) the pushes go through Redis pub/sub and the topic lease.
const t = useTestApp({ redisUrl: process.env.REDIS_URL })
const clients: Client[] = []
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()))
})

const TODAY = /* GraphQL */ `
  asOf from to previousFrom locationCode timeZone
  groups { key
    cancellationRate { numerator denominator value byReason { reason orders } }
    backorderRate { numerator denominator backorderedUnits }
    manualAdjustmentFrequency { numerator denominator value unavailableReason }
  }`
const KPIS_CHANGED = `subscription ($loc: String) { kpisChanged(locationCode: $loc) { ${TODAY} } }`
const KPIS_TODAY = `query ($loc: String) { kpisToday(locationCode: $loc) { ${TODAY} } }`
const CANCEL = `mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { order { status } userErrors { code message } } }`
const ADJUST = `mutation ($input: AdjustInventoryInput!) { adjustInventory(input: $input) { userErrors { code message } } }`

async function client() {
  const c = liveClient(t().url, await t().token('EXECUTIVE'))
  clients.push(c)
  return c
}

type Today = { kpisChanged: { asOf: string; from: string; groups: Array<Record<string, any>> } }
const group = (v: Today) => v.kpisChanged.groups[0]

describe("today's KPIs, live", () => {
  it('pushes fresh values for the node and the network when an order is placed, cancelled, and stock is corrected', async () => {
    const { channel, node, sku } = await createStockedNode(t(), 40, 'K-1')
    const atNode = subscribe<Today>(await client(), KPIS_CHANGED, { loc: node })
    const network = subscribe<Today>(await client(), KPIS_CHANGED, {})
    const first = await atNode.next()
    // Today in the node's zone (UTC), so far.
    const midnight = new Date()
    midnight.setUTCHours(0, 0, 0, 0)
    expect(first.kpisChanged.from).toBe(midnight.toISOString())
    expect(group(first).cancellationRate.denominator).toBe(0)
    const networkBefore = group(await network.next()).cancellationRate.denominator

    const placed = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 3 }]))
    expect(placed.order.status).toBe('ALLOCATED')
    await atNode.next((v) => group(v).cancellationRate.denominator === 1, 8000)
    await network.next((v) => group(v).cancellationRate.denominator === networkBefore + 1, 8000)

    const cancelled = await t().gql(CANCEL, { input: { orderId: placed.order.id, reason: 'Customer changed their mind' } }, { role: 'OPERATIONS' })
    expect(cancelled.errors ?? cancelled.data.cancelOrder.userErrors).toEqual([])
    const afterCancel = group(await atNode.next((v) => group(v).cancellationRate.numerator === 1, 8000))
    expect(afterCancel.cancellationRate).toMatchObject({ numerator: 1, denominator: 1, value: 1, byReason: [{ reason: 'Customer changed their mind', orders: 1 }] })

    const adjusted = await t().gql(ADJUST, { input: { sku, locationCode: node, quantityDelta: -2, reason: 'SHRINKAGE' } }, { role: 'OPERATIONS' })
    expect(adjusted.errors ?? adjusted.data.adjustInventory.userErrors).toEqual([])
    const afterAdjust = group(await atNode.next((v) => group(v).manualAdjustmentFrequency.numerator === 1, 8000))
    // Nothing shipped from the node today: a correction with no units to set it against.
    expect(afterAdjust.manualAdjustmentFrequency).toMatchObject({ numerator: 1, denominator: 0, value: null })
    expect(afterAdjust.manualAdjustmentFrequency.unavailableReason).toMatch(/No units shipped/)

    // The query answers what the subscription last pushed.
    const now = await t().gql(KPIS_TODAY, { loc: node }, { role: 'EXECUTIVE' })
    expect(now.data.kpisToday.groups[0].manualAdjustmentFrequency.numerator).toBe(1)
    atNode.close()
    network.close()
  })

  it('refuses an unknown node and a partner', async () => {
    const unknown = subscribe(await client(), KPIS_CHANGED, { loc: 'NO-SUCH-NODE' })
    const err = (await unknown.ended) as Array<{ extensions?: { code?: string } }> | undefined
    expect(JSON.stringify(err ?? unknown.errors)).toMatch(/NOT_FOUND/)
    const partner = await t().gql(KPIS_TODAY, {}, { role: 'PARTNER', channel: 'ANY' })
    expect(partner.errors?.[0].extensions?.code).toBe('FORBIDDEN')
  })
})
