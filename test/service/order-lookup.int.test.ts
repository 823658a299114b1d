import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { stockUp } from '../helpers/factories/stock.ts'
import { orderInput, placeOrder } from '../helpers/factories/orders.ts'
import { uniqueCode } from '../helpers/unique.ts'

const t = useTestApp()

const LOOKUP = /* GraphQL */ `
  query ($q: String!, $first: Int, $after: String) {
    orderLookup(query: $q, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { number externalId customerEmail status promisedShipBy projectedShipDate projectedDeliveryDate projectionBasis }
    }
  }`

describe('orderLookup: where is my order?', () => {
  it('finds orders by number, email fragment or external id, case-insensitively, page by page, partners only in their channel', async () => {
    const shop = await createSalesChannel(t())
    const market = await createSalesChannel(t(), { kind: 'MARKETPLACE' })
    const node = await createFulfilmentNode(t(), { dailyPickCapacity: 1 })
    const sku = await createSellableSku(t())
    await stockUp(t(), sku, node, 50)
    const tag = uniqueCode('LK').toLowerCase()
    const email = `Dana.${tag}@Example.org`
    const placed = []
    for (let i = 0; i < 3; i++) {
      placed.push((await placeOrder(t(), orderInput(shop, [{ sku, quantity: 1 }], { externalId: `SHOP-${tag}-${i}`, customer: { email, name: 'Dana' } }))).order)
    }
    const other = (await placeOrder(t(), orderInput(market, [{ sku, quantity: 1 }], { externalId: `AMZ-${tag}-X`, customer: { email, name: 'Dana' } }))).order

    // Number: exact and as a fragment.
    const byNumber = await t().gql(LOOKUP, { q: placed[1].number.toLowerCase() }, { role: 'CUSTOMER_SERVICE' })
    expect(byNumber.data.orderLookup.nodes.map((o: any) => o.number)).toEqual([placed[1].number])

    // Email fragment, any case: all four, newest first, two per page.
    const fragment = `DANA.${tag.toUpperCase()}@EXAMPLE`
    const page1 = await t().gql(LOOKUP, { q: fragment, first: 2 }, { role: 'CUSTOMER_SERVICE' })
    expect(page1.data.orderLookup.totalCount).toBe(4)
    expect(page1.data.orderLookup.nodes.map((o: any) => o.number)).toEqual([other.number, placed[2].number])
    expect(page1.data.orderLookup.pageInfo.hasNextPage).toBe(true)
    const page2 = await t().gql(LOOKUP, { q: fragment, first: 2, after: page1.data.orderLookup.pageInfo.endCursor }, { role: 'CUSTOMER_SERVICE' })
    expect(page2.data.orderLookup.nodes.map((o: any) => o.number)).toEqual([placed[1].number, placed[0].number])
    expect(page2.data.orderLookup.pageInfo.hasNextPage).toBe(false)

    // Channel external id fragment.
    const byExternal = await t().gql(LOOKUP, { q: `amz-${tag}` }, { role: 'CUSTOMER_SERVICE' })
    expect(byExternal.data.orderLookup.nodes.map((o: any) => o.externalId)).toEqual([`AMZ-${tag}-X`])

    // A partner of the storefront never sees the marketplace order.
    const partner = await t().gql(LOOKUP, { q: tag }, { role: 'PARTNER', channel: shop })
    expect(partner.data.orderLookup.nodes.map((o: any) => o.number).sort()).toEqual(placed.map((o) => o.number).sort())
    const partnerOther = await t().gql(LOOKUP, { q: other.number }, { role: 'PARTNER', channel: shop })
    expect(partnerOther.data.orderLookup).toMatchObject({ totalCount: 0, nodes: [] })

    // Too short a fragment finds nothing rather than everything.
    expect((await t().gql(LOOKUP, { q: ' a ' }, { role: 'CUSTOMER_SERVICE' })).data.orderLookup.totalCount).toBe(0)
  })

  it('answers with promised and projected dates and why', async () => {
    const shop = await createSalesChannel(t())
    const node = await createFulfilmentNode(t(), { dailyPickCapacity: 1, cutoffTime: '23:59' })
    const sku = await createSellableSku(t())
    await stockUp(t(), sku, node, 10)
    const first = (await placeOrder(t(), orderInput(shop, [{ sku, quantity: 1 }]))).order
    const second = (await placeOrder(t(), orderInput(shop, [{ sku, quantity: 1 }]))).order
    const res = await t().gql(`query ($a: String!, $b: String!) { a: order(number: $a) { ...D } b: order(number: $b) { ...D } } fragment D on Order { promisedShipBy projectedShipDate projectedDeliveryDate projectionBasis }`, { a: first.number, b: second.number }, { role: 'CUSTOMER_SERVICE' })
    const a = res.data.a
    const b = res.data.b
    expect(a.promisedShipBy).toBeTruthy()
    expect(a.projectionBasis[0]).toMatch(/0 order\(s\) ahead, capacity 1\/day/)
    expect(b.projectionBasis[0]).toMatch(/1 order\(s\) ahead, capacity 1\/day -> ships 1 business day/)
    // With a capacity of one a day, the second order ships a business day after the first.
    expect(new Date(b.projectedShipDate).getTime()).toBeGreaterThan(new Date(a.projectedShipDate).getTime())
    expect(new Date(a.projectedDeliveryDate).getTime()).toBeGreaterThan(new Date(a.projectedShipDate).getTime())
  })

  it('projects a node that packs fewer than it picks at its packing rate, as release lets work through', async () => {
    const shop = await createSalesChannel(t())
    const node = await createFulfilmentNode(t(), { dailyPickCapacity: 5, dailyPackCapacity: 1, cutoffTime: '23:59' })
    const sku = await createSellableSku(t())
    await stockUp(t(), sku, node, 10)
    const first = (await placeOrder(t(), orderInput(shop, [{ sku, quantity: 1 }]))).order
    const second = (await placeOrder(t(), orderInput(shop, [{ sku, quantity: 1 }]))).order
    const res = await t().gql(`query ($a: String!, $b: String!) { a: order(number: $a) { ...D } b: order(number: $b) { ...D } } fragment D on Order { projectedShipDate projectionBasis }`, { a: first.number, b: second.number }, { role: 'CUSTOMER_SERVICE' })
    expect(res.data.b.projectionBasis[0]).toMatch(/1 order\(s\) ahead, capacity 1\/day \(packing\) -> ships 1 business day/)
    expect(new Date(res.data.b.projectedShipDate).getTime()).toBeGreaterThan(new Date(res.data.a.projectedShipDate).getTime())
  })
})
