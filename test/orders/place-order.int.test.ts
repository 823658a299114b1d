import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { createStockedSku, stockPosition, stockUp } from '../helpers/factories/stock.ts'
import { orderInput, placeOrder } from '../helpers/factories/orders.ts'

const t = useTestApp({ poolSize: 20 })

const PARTNER_PLACE = /* GraphQL */ `
  mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { order { number status } userErrors { field message code } } }`

async function rowCounts() {
  const p = t().app.db.prisma
  const [orders, lines, outbox, ledger, exceptions, reservations] = await Promise.all([
    p.order.count(), p.orderLine.count(), p.outboxEvent.count(), p.inventoryEvent.count(), p.exception.count(), p.channelReservation.count(),
  ])
  return { orders, lines, outbox, ledger, exceptions, reservations }
}

describe('placeOrder intake', () => {
  it('allocates an order with stock: number from the sequence, lines, allocations, a fulfillment order, ship-by and timeline', async () => {
    const { channel, node, sku } = await createStockedSku(t(), 10)

    const { order, userErrors, created } = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 3 }], { serviceLevel: 'EXPRESS' }))
    expect(userErrors).toEqual([])
    expect(created).toBe(true)
    expect(order.number).toMatch(/^OH-\d{6,}$/)
    expect(order.status).toBe('ALLOCATED')
    expect(order.channel.code).toBe(channel)
    expect(order.holds).toEqual([])
    expect(order.lines).toEqual([
      { sku, quantity: 3, allocatedQuantity: 3, backorderedQuantity: 0, allocations: [{ location: { code: node }, quantity: 3, status: 'RESERVED' }] },
    ])
    expect(order.fulfillmentOrders).toHaveLength(1)
    expect(order.fulfillmentOrders[0]).toMatchObject({ location: { code: node }, status: 'OPEN' })
    expect(new Date(order.shipBy).getTime()).toBeGreaterThan(Date.now())
    expect(order.priority).toBeLessThan(60)
    expect(order.nextStates).toEqual(expect.arrayContaining(['RELEASED', 'CANCELLED']))
    expect(order.routingDecision.rule).toBe('SHIP_COMPLETE')
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 10, reserved: 3, available: 7 })

    const prisma = t().app.db.prisma
    const dbOrder = await prisma.order.findFirstOrThrow({ where: { number: order.number }, include: { events: true } })
    expect(dbOrder.events.map((e) => e.toStatus).filter(Boolean)).toEqual(['PENDING', 'VALIDATED', 'ALLOCATED'])
    const topics = (await prisma.outboxEvent.findMany({ where: { OR: [{ aggregateType: 'Order', aggregateId: dbOrder.id }, { topic: 'stock.changed', payload: { path: ['orderId'], equals: dbOrder.id } }] } })).map((e) => e.topic)
    expect(topics).toEqual(expect.arrayContaining(['order.placed', 'order.status_changed', 'stock.changed']))
    const ledger = await prisma.inventoryEvent.findMany({ where: { orderId: dbOrder.id } })
    expect(ledger.map((e) => [e.type, e.reservedDelta])).toEqual([['RESERVED', 3]])
  })

  it('returns the same order for the same (channel, externalId), also when sent three times at once', async () => {
    const { channel, node, sku } = await createStockedSku(t(), 10)
    const input = orderInput(channel, [{ sku, quantity: 2 }])

    const results = await Promise.all([1, 2, 3].map(() => placeOrder(t(), input)))
    expect(results.map((r) => r.userErrors)).toEqual([[], [], []])
    expect(new Set(results.map((r) => r.order.id)).size).toBe(1)
    expect(results.filter((r) => r.created)).toHaveLength(1)
    const again = await placeOrder(t(), input)
    expect(again.order.id).toBe(results[0].order.id)
    expect(again.created).toBe(false)

    const prisma = t().app.db.prisma
    expect(await prisma.order.count({ where: { externalId: input.externalId } })).toBe(1)
    expect(await prisma.orderLine.count({ where: { order: { externalId: input.externalId } } })).toBe(1)
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 10, reserved: 2, available: 8 })
  })

  it('refuses bad input with typed userErrors and writes nothing', async () => {
    const { channel, node, sku } = await createStockedSku(t(), 10)
    const before = await rowCounts()

    const cases: Array<[Record<string, unknown>, { code: string; field: string[] }]> = [
      [orderInput('NO-SUCH-CHANNEL', [{ sku, quantity: 1 }]), { code: 'NOT_FOUND', field: ['input', 'channelCode'] }],
      [orderInput(channel, [{ sku, quantity: 1 }, { sku: 'NO-SUCH-SKU', quantity: 1 }]), { code: 'NOT_FOUND', field: ['input', 'lines', '1', 'sku'] }],
      [orderInput(channel, [{ sku, quantity: 0 }]), { code: 'INVALID_INPUT', field: ['input', 'lines', '0', 'quantity'] }],
      [orderInput(channel, [{ sku, quantity: -2 }]), { code: 'INVALID_INPUT', field: ['input', 'lines', '0', 'quantity'] }],
      [orderInput(channel, []), { code: 'INVALID_INPUT', field: ['input', 'lines'] }],
      [orderInput(channel, [{ sku, quantity: 1 }], { payment: { status: 'AUTHORIZED', fraudScore: 1.5 } }), { code: 'INVALID_INPUT', field: ['input', 'payment', 'fraudScore'] }],
    ]
    for (const [input, expected] of cases) {
      const { order, userErrors } = await placeOrder(t(), input)
      expect(order).toBeNull()
      expect(userErrors).toEqual([expect.objectContaining(expected)])
    }
    expect(await rowCounts()).toEqual(before)
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 10, reserved: 0, available: 10 })
  })

  it('lets a partner place orders only for its own channel', async () => {
    const own = await createSalesChannel(t(), { kind: 'MARKETPLACE' })
    const other = await createSalesChannel(t(), { kind: 'MARKETPLACE' })
    const node = await createFulfilmentNode(t())
    const sku = await createSellableSku(t())
    await stockUp(t(), sku, node, 5)
    const mine = await t().gql(PARTNER_PLACE, { input: orderInput(own, [{ sku, quantity: 1 }]) }, { role: 'PARTNER', channel: own })
    expect(mine.data.placeOrder.order.status).toBe('ALLOCATED')
    const theirs = await t().gql(PARTNER_PLACE, { input: orderInput(other, [{ sku, quantity: 1 }]) }, { role: 'PARTNER', channel: own })
    expect(theirs.data.placeOrder.userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', field: ['input', 'channelCode'] })])
    const res = await t().gql(`query ($n: String!) { order(number: $n) { lines { allocatedQuantity } fulfillmentOrders { status } } }`, { n: mine.data.placeOrder.order.number }, { role: 'PARTNER', channel: own })
    expect(res.data.order).toEqual({ lines: [{ allocatedQuantity: 1 }], fulfillmentOrders: [{ status: 'OPEN' }] })
    // Exceptions are internal: a partner asking for them is refused.
    const internal = await t().gql(`query ($n: String!) { order(number: $n) { exceptions { type } } }`, { n: mine.data.placeOrder.order.number }, { role: 'PARTNER', channel: own })
    expect(internal.errors?.[0].extensions?.code).toBe('FORBIDDEN')
  })
})
