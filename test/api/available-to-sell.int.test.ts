import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { stockUp } from '../helpers/factories/stock.ts'
import { orderInput, placeOrder } from '../helpers/factories/orders.ts'

const t = useTestApp()

const ATS = /* GraphQL */ `
  query ($skus: [String!]!, $c: String) {
    availableToSell(skus: $skus, channelCode: $c) {
      sku channelCode availableToSell promisable channelLimit notes confidenceThreshold lowConfidenceBuffer
      nodes { locationCode available confidence lowConfidence bufferUnits promisable }
    }
  }`
const SET_RULE = `mutation ($input: SetAllocationRuleInput!) { setAllocationRule(input: $input) { userErrors { message } } }`

describe('availableToSell: what a channel may promise now', () => {
  it('applies the low-confidence buffer per node and the channel rules across nodes, as allocation does', async () => {
    const marketplace = await createSalesChannel(t(), { kind: 'MARKETPLACE' })
    const wholesale = await createSalesChannel(t(), { kind: 'WHOLESALE' })
    const main = await createFulfilmentNode(t())
    const overflow = await createFulfilmentNode(t())
    const sku = await createSellableSku(t())
    await stockUp(t(), sku, main, 60)
    await stockUp(t(), sku, overflow, 40)
    // Overflow's stock is uncertain: 20% of its 40 are held back.
    const prisma = t().app.db.prisma
    await prisma.stockPosition.updateMany({ where: { sku: { code: sku }, location: { code: overflow } }, data: { confidence: 0.3 } })
    // Wholesale holds a reserved pool of 30 units, 5 of them taken by an order.
    expect((await t().gql(SET_RULE, { input: { channelCode: wholesale, sku, kind: 'RESERVED_POOL', quantity: 30 } })).data.setAllocationRule.userErrors).toEqual([])
    await placeOrder(t(), orderInput(wholesale, [{ sku, quantity: 5 }]))

    const res = await t().gql(ATS, { skus: [sku], c: marketplace }, { role: 'OPERATIONS' })
    expect(res.errors).toBeUndefined()
    const [row] = res.data.availableToSell
    // Book: 100 on hand - 5 reserved = 95 available; the pool fences its unconsumed 25 -> channel limit 70.
    // Nodes: main 55 or 60 (wherever the order went), overflow 40 or 35 less ceil(20%).
    const byNode = Object.fromEntries(row.nodes.map((n: { locationCode: string }) => [n.locationCode, n]))
    expect(byNode[overflow]).toMatchObject({ lowConfidence: true, bufferUnits: Math.ceil(byNode[overflow].available * 0.2) })
    expect(byNode[main]).toMatchObject({ lowConfidence: false, bufferUnits: 0 })
    const promisable = byNode[main].available + byNode[overflow].available - byNode[overflow].bufferUnits
    expect(row).toMatchObject({ channelCode: marketplace, channelLimit: 70, promisable, availableToSell: Math.min(70, promisable), confidenceThreshold: 0.6, lowConfidenceBuffer: 0.2 })
    expect(row.notes.join(' ')).toMatch(/25 units fenced/)

    // The figure holds: the marketplace can take exactly that much, and not one unit more.
    const ok = await placeOrder(t(), orderInput(marketplace, [{ sku, quantity: row.availableToSell }]))
    expect(ok.order.status).toBe('ALLOCATED')
    const after = await t().gql(ATS, { skus: [sku], c: marketplace }, { role: 'OPERATIONS' })
    expect(after.data.availableToSell[0].availableToSell).toBe(0)
  })

  it('answers a partner for its own channel (the default) and refuses another channel with FORBIDDEN', async () => {
    const mine = await createSalesChannel(t(), { kind: 'MARKETPLACE' })
    const other = await createSalesChannel(t(), { kind: 'MARKETPLACE' })
    const node = await createFulfilmentNode(t())
    const sku = await createSellableSku(t())
    await stockUp(t(), sku, node, 12)
    const partner = { role: 'PARTNER' as const, channel: mine, sub: `partner-${mine}` }
    const own = await t().gql(ATS, { skus: [sku] }, partner)
    expect(own.errors).toBeUndefined()
    expect(own.data.availableToSell[0]).toMatchObject({ channelCode: mine, availableToSell: 12, nodes: [{ locationCode: node, promisable: 12 }] })
    const refused = await t().gql(ATS, { skus: [sku], c: other }, partner)
    expect(refused.data ?? null).toBeNull()
    expect(refused.errors).toEqual([expect.objectContaining({ extensions: { code: 'FORBIDDEN', field: ['channelCode'] } })])
    const unknown = await t().gql(ATS, { skus: ['NO-SUCH-SKU'] }, partner)
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND')
  })
  it('lists a bundle as many times as its scarcest component allows, and that many can be ordered', async () => {
    const channel = await createSalesChannel(t(), { kind: 'MARKETPLACE' })
    const node = await createFulfilmentNode(t())
    const [c1, c2, bundle] = [await createSellableSku(t()), await createSellableSku(t()), await createSellableSku(t())]
    await stockUp(t(), c1, node, 9)
    await stockUp(t(), c2, node, 7)
    const set = await t().gql(`mutation ($input: SetBundleComponentsInput!) { setBundleComponents(input: $input) { userErrors { message } } }`, {
      input: { sku: bundle, components: [{ sku: c1, quantity: 2 }, { sku: c2, quantity: 1 }] },
    }, { role: 'OPERATIONS' })
    expect(set.data.setBundleComponents.userErrors).toEqual([])

    const res = await t().gql(ATS, { skus: [bundle, c1], c: channel }, { role: 'OPERATIONS' })
    expect(res.errors).toBeUndefined()
    const [row, component] = res.data.availableToSell
    // 9 of C1 make 4 bundles (2 each), 7 of C2 make 7: the bundle sells 4.
    expect(row).toMatchObject({ sku: bundle, availableToSell: 4, promisable: 4, nodes: [] })
    expect(row.notes[0]).toContain(`2 x ${c1}: 9 available to sell`)
    expect(component).toMatchObject({ sku: c1, availableToSell: 9 })

    const ok = await placeOrder(t(), orderInput(channel, [{ sku: bundle, quantity: 4 }]))
    expect(ok.order.status).toBe('ALLOCATED')
    const after = await t().gql(ATS, { skus: [bundle], c: channel }, { role: 'OPERATIONS' })
    expect(after.data.availableToSell[0].availableToSell).toBe(0)
  })
})
