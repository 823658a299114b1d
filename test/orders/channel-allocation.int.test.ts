import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { stockPosition, stockUp } from '../helpers/factories/stock.ts'
import { orderInput, placeOrder } from '../helpers/factories/orders.ts'

const t = useTestApp({ poolSize: 20 })

const SET_RULE = `mutation ($input: SetAllocationRuleInput!) {
  setAllocationRule(input: $input) { allocationRule { id kind quantity percentage sku { code } channel { code } } userErrors { field message code } } }`

async function setRule(input: Record<string, unknown>, role: 'OPERATIONS' | 'ADMIN' | 'CUSTOMER_SERVICE' = 'OPERATIONS') {
  return t().gql(SET_RULE, { input }, { role })
}

describe('channel allocation rules', () => {
  it('a marketplace capped at 50% of a SKU cannot take more, while wholesale still can', async () => {
    const marketplace = await createSalesChannel(t(), { kind: 'MARKETPLACE' })
    const wholesale = await createSalesChannel(t(), { kind: 'WHOLESALE' })
    const node = await createFulfilmentNode(t())
    const sku = await createSellableSku(t())
    await stockUp(t(), sku, node, 10)
    const rule = await setRule({ channelCode: marketplace, sku, kind: 'PERCENTAGE_CAP', percentage: 50 })
    expect(rule.data.setAllocationRule.userErrors).toEqual([])

    const first = await placeOrder(t(), orderInput(marketplace, [{ sku, quantity: 4 }]))
    expect(first.order.status).toBe('ALLOCATED')
    const second = await placeOrder(t(), orderInput(marketplace, [{ sku, quantity: 3 }]))
    expect(second.order.status).toBe('PARTIALLY_ALLOCATED')
    expect(second.order.lines[0]).toMatchObject({ allocatedQuantity: 1, backorderedQuantity: 2 })
    expect(second.order.routingDecision.summary).toMatch(/capped at 50% of 10 sellable = 5 units/)
    const third = await placeOrder(t(), orderInput(marketplace, [{ sku, quantity: 1 }]))
    expect(third.order.status).toBe('BACKORDERED')

    const wholesaleOrder = await placeOrder(t(), orderInput(wholesale, [{ sku, quantity: 5 }]))
    expect(wholesaleOrder.order.status).toBe('ALLOCATED')
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 10, reserved: 10, available: 0 })
  })

  it('holds a cap under 30 concurrent marketplace orders', async () => {
    const marketplace = await createSalesChannel(t(), { kind: 'MARKETPLACE' })
    const node = await createFulfilmentNode(t())
    const sku = await createSellableSku(t())
    await stockUp(t(), sku, node, 20)
    await setRule({ channelCode: marketplace, kind: 'PERCENTAGE_CAP', percentage: 25 })
    const results = await Promise.all(Array.from({ length: 30 }, () => placeOrder(t(), orderInput(marketplace, [{ sku, quantity: 1 }]))))
    expect(results.filter((r) => r.order.status === 'ALLOCATED')).toHaveLength(5)
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 20, reserved: 5, available: 15 })
  })

  it("fences another channel's reserved pool; the pool owner can still use it", async () => {
    const marketplace = await createSalesChannel(t(), { kind: 'MARKETPLACE' })
    const wholesale = await createSalesChannel(t(), { kind: 'WHOLESALE' })
    const node = await createFulfilmentNode(t())
    const sku = await createSellableSku(t())
    await stockUp(t(), sku, node, 10)
    expect((await setRule({ channelCode: wholesale, sku, kind: 'RESERVED_POOL', quantity: 4 })).data.setAllocationRule.userErrors).toEqual([])

    const promo = await placeOrder(t(), orderInput(marketplace, [{ sku, quantity: 10 }]))
    expect(promo.order.lines[0]).toMatchObject({ allocatedQuantity: 6, backorderedQuantity: 4 })
    const wholesaleOrder = await placeOrder(t(), orderInput(wholesale, [{ sku, quantity: 4 }]))
    expect(wholesaleOrder.order.status).toBe('ALLOCATED')
  })

  it('rules are data: listed on the channel, a SKU rule beats the channel-wide one, editable only by ADMIN/OPERATIONS', async () => {
    const marketplace = await createSalesChannel(t(), { kind: 'MARKETPLACE' })
    const node = await createFulfilmentNode(t())
    const sku = await createSellableSku(t())
    await stockUp(t(), sku, node, 10)
    await setRule({ channelCode: marketplace, kind: 'PERCENTAGE_CAP', percentage: 10 })
    await setRule({ channelCode: marketplace, sku, kind: 'PERCENTAGE_CAP', percentage: 60 }, 'ADMIN')
    const forbidden = await setRule({ channelCode: marketplace, sku, kind: 'PERCENTAGE_CAP', percentage: 100 }, 'CUSTOMER_SERVICE')
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN')
    const invalid = await setRule({ channelCode: marketplace, kind: 'RESERVED_POOL' })
    expect(invalid.data.setAllocationRule.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'quantity'] })])

    const listed = await t().gql(`{ channels(first: 20) { nodes { code allocationRules { id kind percentage sku { code } } } } }`, {}, { role: 'OPERATIONS' })
    const rules = listed.data.channels.nodes.find((c: { code: string }) => c.code === marketplace).allocationRules
    expect(rules.map((r: { percentage: number; sku: { code: string } | null }) => [r.percentage, r.sku?.code ?? null])).toEqual([[10, null], [60, sku]])

    const order = await placeOrder(t(), orderInput(marketplace, [{ sku, quantity: 8 }]))
    expect(order.order.lines[0].allocatedQuantity).toBe(6)

    const removed = await t().gql(`mutation ($input: RemoveAllocationRuleInput!) { removeAllocationRule(input: $input) { removedId userErrors { code } } }`, { input: { id: rules[1].id } }, { role: 'OPERATIONS' })
    expect(removed.data.removeAllocationRule).toEqual({ removedId: rules[1].id, userErrors: [] })
    // Back to the channel-wide 10% cap, already exceeded: nothing more.
    expect((await placeOrder(t(), orderInput(marketplace, [{ sku, quantity: 1 }]))).order.status).toBe('BACKORDERED')
  })
})
