// No N+1 on the customer-service lookup: a page of 100 orders, with everything the agent reads about each (lines and
// their allocations, fulfilment orders, shipments with milestones, the timeline, projected dates), costs the same
// number of SQL statements as a page of 10, and few of them.
import { beforeAll, describe, expect, it } from 'vitest'
import { useTestApp, type TestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { stockUp } from '../helpers/factories/stock.ts'
import { orderInput, placeOrder } from '../helpers/factories/orders.ts'
import { createBins, createCarrierService } from '../helpers/factories/warehouse.ts'
import { createPackedOrder, createReleasedOrder, createShippedOrder, RECORD_CARRIER_EVENT } from '../helpers/factories/fulfillment.ts'
import { uniqueCode } from '../helpers/unique.ts'

const t = useTestApp({ reportStatements: true })

const LOOKUP = /* GraphQL */ `
  query ($q: String!, $first: Int!) {
    orderLookup(query: $q, first: $first) {
      totalCount
      nodes {
        number status promisedShipBy projectedShipDate projectedDeliveryDate projectionBasis
        timeline { at kind title detail actor }
        lines {
          lineNumber sku quantity allocatedQuantity backorderedQuantity
          allocations { quantity status location { code } fulfillmentOrder { number status } }
        }
        fulfillmentOrders {
          number status location { code }
          shipments { trackingNumber status milestones { status occurredAt location } }
        }
        shipments { trackingNumber status projectedDeliveryAt milestones { status occurredAt } }
      }
    }
  }`

const ROUNDS = 10

interface World {
  tag: string
  shop: string
}

/**
 * Orders in every state the lookup explains, interleaved so that any page of 10 holds each state once: delivered
 * (carrier milestones), shipped, packed, released, allocated, split over two nodes, backordered, on hold, cancelled,
 * and one of another channel (a partner of the shop never sees it).
 */
async function fillWorld(app: TestApp): Promise<World> {
  const tag = uniqueCode('nplus').toLowerCase()
  const shop = await createSalesChannel(app)
  const market = await createSalesChannel(app, { kind: 'MARKETPLACE' })
  const main = await createFulfilmentNode(app, { cutoffTime: '23:59' })
  const east = await createFulfilmentNode(app, { cutoffTime: '23:59', region: 'NY', postalCode: '10001' })
  const [a, b, scarce] = [await createSellableSku(app), await createSellableSku(app), await createSellableSku(app)]
  await stockUp(app, a, main, 500)
  await stockUp(app, b, main, 500)
  await stockUp(app, b, east, 50)
  await createBins(app, main, [{ code: 'A-01', sequence: 1, stock: { [a]: 500 } }, { code: 'B-01', sequence: 2, stock: { [b]: 500 } }])
  await createCarrierService(app, 'UPS', 'GROUND', 2)
  const customer = (i: number) => ({ customer: { email: `pat.${tag}.${i}@example.com`, name: 'Pat' } })
  const two = [{ sku: a, quantity: 1 }, { sku: b, quantity: 2 }]
  for (let round = 0; round < ROUNDS; round++) {
    const delivered = await createShippedOrder(app, shop, main, two, 'UPS', 'GROUND', customer(round))
    for (const [status, inMs] of [['IN_TRANSIT', 500], ['DELIVERED', 1000]] as const) {
      const res = await app.gql(RECORD_CARRIER_EVENT, { input: { trackingNumber: delivered.trackingNumber, status, occurredAt: new Date(Date.now() + inMs).toISOString(), location: 'Hub' } }, { role: 'OPERATIONS' })
      expect(res.data.recordCarrierEvent.userErrors).toEqual([])
    }
    await createShippedOrder(app, shop, main, [{ sku: a, quantity: 1 }], 'UPS', 'GROUND', customer(round))
    await createPackedOrder(app, shop, main, [{ sku: b, quantity: 1 }], customer(round))
    await createReleasedOrder(app, shop, main, two, customer(round))
    await placeOrder(app, orderInput(shop, two, customer(round)))
    // More of b than main holds beyond what is reserved: routed in part to the second node.
    await placeOrder(app, orderInput(shop, [{ sku: a, quantity: 1 }, { sku: b, quantity: 40 }], customer(round)))
    await placeOrder(app, orderInput(shop, [{ sku: scarce, quantity: 2 }, { sku: a, quantity: 1 }], customer(round)))
    await placeOrder(app, orderInput(shop, two, { ...customer(round), payment: { status: 'PENDING', fraudScore: 0.05 } }))
    const cancelled = (await placeOrder(app, orderInput(shop, two, customer(round)))).order
    await app.gql(`mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { userErrors { code } } }`, { input: { orderId: cancelled.id, reason: 'Customer asked' } }, { role: 'CUSTOMER_SERVICE' })
    await placeOrder(app, orderInput(market, two, customer(round)))
  }
  return { tag, shop }
}

/**
 * The statements one lookup sends (as the app counts them for its request), and its answer. What a running hub keeps
 * per process (a partner's channel id; settings, re-read at most every 5 s by whichever request comes first) is not
 * the lookup's own work: the least of three runs, after a warm-up, is.
 */
async function lookup(app: TestApp, q: string, first: number, as: { role: 'CUSTOMER_SERVICE' } | { role: 'PARTNER'; channel: string }) {
  await app.gql(LOOKUP, { q, first: 1 }, as)
  // Also listen to the database, to show which statements ran when the count is wrong.
  const seen: string[] = []
  const stop = app.app.db.onStatement((sql) => seen.push(sql.replace(/\s+/g, ' ').slice(0, 160)))
  try {
    const runs = []
    for (let i = 0; i < 3; i++) {
      const res = await app.gql(LOOKUP, { q, first }, as)
      if (res.errors) throw new Error(JSON.stringify(res.errors))
      runs.push(res)
    }
    return { statements: Math.min(...runs.map((r) => r.statements!)), seen, page: runs[0].data.orderLookup }
  } finally {
    stop()
  }
}

describe('orderLookup without N+1', () => {
  let world: World
  beforeAll(async () => {
    // A page of 100 fully expanded orders costs more than the default single-query maximum of 1000 points (set before
    // the first request, as the API keeps settings for a few seconds).
    const limits = { maximumAvailable: 20000, restoreRate: 1000, maxQueryCost: 20000 }
    await t().app.db.prisma.setting.upsert({ where: { key: 'api.costLimits' }, create: { key: 'api.costLimits', value: limits }, update: { value: limits } })
    world = await fillWorld(t())
  }, 240_000)

  it('reads a page of 100 orders with everything an agent sees in as many statements as a page of 10, at most 15', async () => {
    const small = await lookup(t(), world.tag, 10, { role: 'CUSTOMER_SERVICE' })
    const large = await lookup(t(), world.tag, 100, { role: 'CUSTOMER_SERVICE' })
    expect(large.page.totalCount).toBe(ROUNDS * 10)
    expect(small.page.nodes).toHaveLength(10)
    expect(large.page.nodes).toHaveLength(100)
    // Every state is on the page of 10, so its statements cover every kind of lookup.
    expect(new Set(small.page.nodes.map((o: any) => o.status))).toEqual(new Set(['DELIVERED', 'SHIPPED', 'IN_FULFILLMENT', 'RELEASED', 'ALLOCATED', 'PARTIALLY_ALLOCATED', 'ON_HOLD', 'CANCELLED']))
    const delivered = large.page.nodes.filter((o: any) => o.status === 'DELIVERED')
    expect(delivered).toHaveLength(ROUNDS)
    for (const o of delivered) {
      expect(o.shipments[0].milestones.map((m: any) => m.status)).toEqual(['LABEL_CREATED', 'IN_TRANSIT', 'DELIVERED'])
      expect(o.timeline.filter((e: any) => e.kind === 'CARRIER').map((e: any) => e.title.split(' (')[0])).toEqual(['In transit', 'Delivered'])
      expect(o.lines[0].allocations[0].fulfillmentOrder.status).toBe('SHIPPED')
    }
    if (process.env.SHOW_STATEMENTS) for (const r of [small, large]) console.log(r.seen.join('\n'))
    console.log(`orderLookup statements: first 10 -> ${small.statements}, first 100 -> ${large.statements}`)
    expect(small.statements).toBeGreaterThan(0)
    expect(large.statements).toBe(small.statements)
    expect(large.statements).toBeLessThanOrEqual(15)
    // A lookup with nothing to find sends nothing: no `IN (NULL)`, no empty IN list.
    expect([...small.seen, ...large.seen].filter((s) => /IN \(NULL\)|IN \(\)/i.test(s))).toEqual([])
  })

  it('a partner pays the same for its channel: its visibility checks are batched too', async () => {
    const as = { role: 'PARTNER' as const, channel: world.shop }
    const small = await lookup(t(), world.tag, 10, as)
    const large = await lookup(t(), world.tag, 100, as)
    expect(large.page.totalCount).toBe(ROUNDS * 9)
    expect(large.page.nodes.every((o: any) => o.timeline.every((e: any) => e.kind !== 'EXCEPTION' && e.actor === null))).toBe(true)
    console.log(`orderLookup statements as a partner: first 10 -> ${small.statements}, first 100 -> ${large.statements}`)
    expect(large.statements).toBe(small.statements)
    expect(large.statements).toBeLessThanOrEqual(15)
  })
})
