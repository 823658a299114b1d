import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { createSalesChannel } from '../helpers/factories/catalog.ts'
import { createStockedNode } from '../helpers/factories/warehouse.ts'
import { createShippedOrder } from '../helpers/factories/fulfillment.ts'
import { PLACE_ORDER, orderInput, placeOrder } from '../helpers/factories/orders.ts'
import { parse } from 'graphql'
import { requestedQueryCost, schema } from '@ops-hub/schema'
import * as executive from '../../apps/web/features/executive/executive.graphql.ts'

const t = useTestApp({ rateLimit: true })

type Cost = { requestedQueryCost: number; actualQueryCost: number; throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } }
async function post(query: string, variables: Record<string, unknown>, token: string | null) {
  const res = await fetch(`${t().url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  })
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }>; extensions?: { cost?: Cost } } }
}

const ORDERS_PAGE = 'query ($n: Int) { orders(first: $n) { nodes { number status lines { sku quantity } } } }'

describe('calculated query cost and a leaky bucket per client', () => {
  it('reports requested and actual cost and the throttle status on every response, refunding what a query did not use', async () => {
    const token = await t().token('OPERATIONS', undefined, 'cost-reader@test')
    // Requested: connection 2 + 10 pages x (order 1 + lines, estimated 5 x 1) = 62; the channel holds no order yet.
    const empty = await post(`query { orders(first: 10, filter: { channelCode: "NO-SUCH" }) { totalCount nodes { number lines { sku } } } }`, {}, token)
    expect(empty.body.errors).toBeUndefined()
    expect(empty.body.extensions?.cost).toEqual({
      requestedQueryCost: 62,
      actualQueryCost: 2,
      throttleStatus: { maximumAvailable: 1000, currentlyAvailable: expect.any(Number), restoreRate: 50 },
    })
    expect(empty.body.extensions!.cost!.throttleStatus.currentlyAvailable).toBeGreaterThanOrEqual(998)
    // A mutation costs 10, its subject 1, its userErrors estimated at one (none came back); a refused document
    // (validation) still carries the bucket's state.
    const mutation = await post('mutation { createSku(input: { code: "COST-SKU-1", name: "x", unitCost: "1", unitPrice: "2" }) { sku { code } userErrors { code } } }', {}, token)
    expect(mutation.body.extensions?.cost).toMatchObject({ requestedQueryCost: 12, actualQueryCost: 11 })
    const invalid = await post('{ nope }', {}, token)
    expect(invalid.body.extensions?.cost).toMatchObject({ requestedQueryCost: 0, actualQueryCost: 0, throttleStatus: { maximumAvailable: 1000, restoreRate: 50 } })
  })

  it('charges what the page actually returned: order lines and pages counted as they came back', async () => {
    const channel = await createSalesChannel(t(), { kind: 'MARKETPLACE' })
    const { sku, node } = await createStockedNode(t(), 100, 'COST-A1')
    void node
    for (let i = 0; i < 3; i++) await placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }, { sku, quantity: 1 }]))
    const token = await t().token('OPERATIONS', undefined, 'cost-actual@test')
    const res = await post('query ($c: String) { orders(first: 10, filter: { channelCode: $c }) { nodes { number lines { sku } channel { code } } } }', { c: channel }, token)
    // 3 orders x (order 1 + 2 lines + channel 1) + connection 2
    expect(res.body.extensions?.cost).toMatchObject({ requestedQueryCost: 2 + 10 * (1 + 5 + 1), actualQueryCost: 2 + 3 * 4 })
  })

  it("charges nothing for __typename, which the dashboard's client adds to every object it asks for", async () => {
    const token = await t().token('OPERATIONS', undefined, 'cost-typename@test')
    const plain = await post('{ orders(first: 10) { nodes { number lines { sku } channel { code } } } }', {}, token)
    const typed = await post('{ __typename orders(first: 10) { __typename nodes { __typename number lines { __typename sku } channel { __typename code } } } }', {}, token)
    expect(plain.body.extensions?.cost?.requestedQueryCost).toBe(2 + 10 * (1 + 5 + 1))
    expect(typed.body.extensions?.cost?.requestedQueryCost).toBe(plain.body.extensions?.cost?.requestedQueryCost)
    expect(typed.body.extensions?.cost?.actualQueryCost).toBe(plain.body.extensions?.cost?.actualQueryCost)
  })

  it("fits one load of the Executive view - its queries and live subscriptions - in the default bucket", async () => {
    const token = await t().token('EXECUTIVE', undefined, 'cost-executive@test')
    const now = Date.now()
    const queries: Array<[string, Record<string, unknown>]> = [
      [executive.EXECUTIVE_QUERY, executive.executiveVariables({ from: new Date(now - 30 * 86_400_000).toISOString(), to: new Date(now).toISOString() }, 'UTC')],
      [executive.KPIS_TODAY_QUERY, { tz: 'UTC' }],
      [executive.NODE_AGING_QUERY, {}],
      [executive.NODE_BACKLOG_QUERY, {}],
      [executive.ORDERS_AT_RISK_QUERY, {}],
      [executive.STOCKOUT_RISKS_QUERY, {}],
      [executive.SUPPLIER_SCORECARDS_QUERY, {}],
    ]
    let requested = 0
    for (const [query, variables] of queries) {
      const res = await post(query, variables, token)
      expect(res.body.errors).toBeUndefined()
      requested += res.body.extensions!.cost!.requestedQueryCost
    }
    // The live panels subscribe as well (charged when they subscribe).
    const actor = { id: 'cost-executive@test', role: 'EXECUTIVE' }
    for (const [doc, variables] of [[executive.KPIS_TODAY_SUBSCRIPTION, { tz: 'UTC' }], [executive.NODE_AGING_SUBSCRIPTION, {}], [executive.NODE_BACKLOG_SUBSCRIPTION, {}]] as const) {
      requested += requestedQueryCost(schema, parse(doc), undefined, variables, { actor })!.cost
    }
    // Fixed-size lists are charged at their size (5 aging bands per node, 12 SLA-risk terms, 10 KPI definitions):
    // at 10 items each, this came to ~1,130 points and a reload was refused before the first load had finished.
    expect(requested).toBeLessThan(1000)
    const aging = await post(executive.NODE_AGING_QUERY, {}, token)
    expect(aging.body.extensions!.cost!.requestedQueryCost).toBe(1 + 3 * (1 + 5))
  })

  it('refuses a query above the single-query maximum with MAX_COST_EXCEEDED before anything runs', async () => {
    const token = await t().token('OPERATIONS', undefined, 'cost-max@test')
    const pages = Array.from({ length: 5 }, (_, i) => `p${i}: orders(first: 100) { nodes { number lines { sku quantity } } }`).join(' ')
    const res = await post(`{ ${pages} }`, {}, token)
    expect(res.body.data ?? null).toBeNull()
    expect(res.body.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'MAX_COST_EXCEEDED', requestedQueryCost: 5 * (2 + 100 * 6), maxQueryCost: 1000 }) }),
    ])
    expect(res.body.extensions?.cost).toMatchObject({ requestedQueryCost: 3010, actualQueryCost: 0 })
    // Nothing was taken from the bucket.
    expect(res.body.extensions!.cost!.throttleStatus.currentlyAvailable).toBe(1000)
  })

  it('throttles a burst of 50-order pages from one partner with THROTTLED and the seconds to wait, while another partner is served', async () => {
    const channel = await createSalesChannel(t(), { kind: 'MARKETPLACE', code: 'MKT-BURST' })
    const { sku } = await createStockedNode(t(), 500, 'COST-B1')
    // Placed by many clerks (each has its own bucket): 55 orders at once would throttle one of them.
    await Promise.all(Array.from({ length: 55 }, (_, i) => t().gql(PLACE_ORDER, { input: orderInput(channel, [{ sku, quantity: 1 }]) }, { role: 'OPERATIONS', sub: `clerk-${i}@test` })))
    expect(await t().app.db.prisma.order.count({ where: { channel: { code: channel } } })).toBe(55)
    const partner = await t().token('PARTNER', 'MKT-BURST', 'partner-burst')
    const results = []
    for (let i = 0; i < 4; i++) results.push(await post(ORDERS_PAGE, { n: 50 }, partner))
    // Each page requests 2 + 50 x (1 + 5 lines estimated) = 302 and costs 2 + 50 x 2 = 102: the unused 200 come back
    // after it ran, so a burst sent at once is what empties the bucket.
    const burst = await Promise.all(Array.from({ length: 8 }, () => post(ORDERS_PAGE, { n: 50 }, partner)))
    const throttled = [...results, ...burst].filter((r) => r.body.errors?.[0]?.extensions?.code === 'THROTTLED')
    expect(throttled.length).toBeGreaterThan(0)
    const refused = throttled[0]
    expect(refused.status).toBe(429)
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1)
    expect(refused.body.errors?.[0].extensions?.retryAfterSeconds).toBe(Number(refused.retryAfter))
    expect(refused.body.data ?? null).toBeNull()
    expect(refused.body.extensions?.cost?.throttleStatus.currentlyAvailable).toBeLessThan(302)

    // Another partner has its own bucket.
    const other = await post(ORDERS_PAGE, { n: 50 }, await t().token('PARTNER', 'MKT-OTHER', 'partner-other'))
    expect(other.status).toBe(200)
    expect(other.body.errors).toBeUndefined()
    expect(other.body.extensions?.cost?.throttleStatus.currentlyAvailable).toBeGreaterThan(900)
  })

  it('refills at the stated rate: a throttled client is served again after the seconds it was told to wait', async () => {
    const prisma = t().app.db.prisma
    // A small bucket for CUSTOMER_SERVICE (a per-role override) so the wait is short.
    await prisma.setting.upsert({
      where: { key: 'api.costLimits' },
      create: { key: 'api.costLimits', value: { maximumAvailable: 1000, restoreRate: 50, maxQueryCost: 1000, byRole: { CUSTOMER_SERVICE: { maximumAvailable: 100, restoreRate: 50 } } } },
      update: { value: { maximumAvailable: 1000, restoreRate: 50, maxQueryCost: 1000, byRole: { CUSTOMER_SERVICE: { maximumAvailable: 100, restoreRate: 50 } } } },
    })
    await new Promise((r) => setTimeout(r, 5_100)) // the settings cache holds a value for 5 s
    const token = await t().token('CUSTOMER_SERVICE', undefined, 'cs-refill@test')
    const page = 'query { orders(first: 15) { nodes { number } } }' // 2 + 15 = 17 requested
    const burst = await Promise.all(Array.from({ length: 10 }, () => post(page, {}, token)))
    const refused = burst.find((r) => r.body.errors?.[0]?.extensions?.code === 'THROTTLED')
    expect(refused, 'ten pages of 17 at once from a bucket of 100').toBeDefined()
    expect(refused!.body.extensions?.cost?.throttleStatus).toMatchObject({ maximumAvailable: 100, restoreRate: 50 })
    await new Promise((r) => setTimeout(r, Number(refused!.retryAfter) * 1000))
    const again = await post(page, {}, token)
    expect(again.body.errors).toBeUndefined()
    await prisma.setting.delete({ where: { key: 'api.costLimits' } })
    // Back to the defaults for the tests after this one, once the cache lets go of the override.
    await new Promise((r) => setTimeout(r, 5_100))
  })
})

describe('the customer-service lookup of 10 orders', () => {
  it('is answered with lines, fulfilment orders, shipments, timeline and projected dates, costing what it reads', async () => {
    const { channel, node, sku } = await createStockedNode(t(), 200, 'COST-CS1')
    const email = `lookup-${Date.now()}@example.com`
    for (let i = 0; i < 3; i++) await createShippedOrder(t(), channel, node, [{ sku, quantity: 1 }], 'UPS', 'GROUND')
    await t().app.db.prisma.order.updateMany({ where: { channel: { code: channel } }, data: { customerEmail: email } })
    for (let i = 0; i < 7; i++) await placeOrder(t(), orderInput(channel, [{ sku, quantity: 2 }, { sku, quantity: 1 }], { customer: { email, name: 'Lookup Customer' } }))
    const LOOKUP = /* GraphQL */ `
      query ($q: String!) {
        orderLookup(query: $q, first: 10) {
          totalCount
          nodes {
            number status placedAt promisedShipBy projectedShipDate projectedDeliveryDate projectionBasis
            channel { code }
            lines { lineNumber sku quantity allocatedQuantity shippedQuantity backorderedQuantity }
            fulfillmentOrders { number status location { code } shipments { trackingNumber status milestones { status occurredAt } } }
            shipments { trackingNumber status projectedDeliveryAt }
            timeline { at kind title detail }
          }
        }
      }`
    const res = await post(LOOKUP, { q: email }, await t().token('CUSTOMER_SERVICE', undefined, 'cs-lookup@test'))
    expect(res.body.errors).toBeUndefined()
    expect(res.body.data.orderLookup.nodes).toHaveLength(10)
    expect(res.body.data.orderLookup.nodes.filter((o: { shipments: unknown[] }) => o.shipments.length === 1)).toHaveLength(3)
    const cost = res.body.extensions!.cost!
    // Estimated per order: itself 1, three projected fields 3, channel 1, 5 lines, 2 fulfilment orders (each 1 +
    // location 1 + a shipment 1 with 5 milestones), 2 shipments, 15 timeline entries = 43; x 10 + the connection 2.
    expect(cost.requestedQueryCost).toBe(432)
    expect(cost.requestedQueryCost).toBeLessThan(cost.throttleStatus.maximumAvailable / 2)
    expect(cost.actualQueryCost).toBeGreaterThan(100)
    expect(cost.actualQueryCost).toBeLessThanOrEqual(cost.requestedQueryCost)
  })
})
