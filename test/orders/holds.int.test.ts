import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { createStockedSku, stockPosition } from '../helpers/factories/stock.ts'
import { orderInput, placeOrder, ORDER_FIELDS } from '../helpers/factories/orders.ts'

const t = useTestApp()

const RELEASE_HOLD = `mutation ($input: ReleaseHoldInput!) { releaseHold(input: $input) { order { ${ORDER_FIELDS} } userErrors { field message code } } }`
const CANCEL = `mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { order { ${ORDER_FIELDS} } userErrors { field message code } } }`

describe('validation holds', () => {
  it.each([
    ['a failed payment', { payment: { status: 'FAILED', fraudScore: 0.1 } }, 'PAYMENT', 'PAYMENT_HOLD', 'FINANCE'],
    ['a fraud score of 0.97', { payment: { status: 'CAPTURED', fraudScore: 0.97 } }, 'FRAUD', 'FRAUD_REVIEW', 'FINANCE'],
    ['a malformed postal code', { shipTo: { name: 'Pat', line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '6270', country: 'US' } }, 'ADDRESS', 'ADDRESS_INVALID', 'CUSTOMER_SERVICE'],
  ])('puts an order with %s ON_HOLD with the right exception and reserves nothing', async (_label, overrides, hold, type, owner) => {
    const { channel, node, sku } = await createStockedSku(t(), 10)
    const { order, userErrors } = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 2 }], overrides))
    expect(userErrors).toEqual([])
    expect(order.status).toBe('ON_HOLD')
    expect(order.holds).toEqual([hold])
    expect(order.exceptions).toEqual([expect.objectContaining({ type, ownerRole: owner, status: 'OPEN' })])
    expect(order.lines[0]).toMatchObject({ allocatedQuantity: 0, allocations: [] })
    expect(order.fulfillmentOrders).toEqual([])
    expect(order.nextStates).toEqual(['VALIDATED', 'CANCELLED'])
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 10, reserved: 0, available: 10 })
  })

  it('checks postal-code shapes per country', async () => {
    const { channel, sku } = await createStockedSku(t(), 10)
    const addresses = [
      [{ postalCode: '94105-1234', country: 'US', region: 'CA' }, []],
      [{ postalCode: 'K1A 0B1', country: 'CA', region: 'ON' }, []],
      [{ postalCode: 'SW1A 1AA', country: 'GB' }, []],
      [{ postalCode: '1012 AB', country: 'NL' }, []],
      [{ postalCode: '2000', country: 'AU', region: 'NSW' }, []],
      [{ postalCode: '1012', country: 'NL' }, ['ADDRESS']],
      [{ postalCode: '7500', country: 'FR' }, ['ADDRESS']],
      [{ postalCode: '12345', country: 'US', region: '' }, ['ADDRESS']],
    ] as const
    for (const [addr, holds] of addresses) {
      const shipTo = { name: 'Pat', line1: '1 Main St', city: 'Town', ...addr }
      const { order } = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }], { shipTo }))
      expect({ addr, holds: order.holds }).toEqual({ addr, holds })
    }
  })

  it('releaseHold by the owning team re-validates and reserves; another team is refused', async () => {
    const { channel, node, sku } = await createStockedSku(t(), 10)
    const { order } = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 2 }], { payment: { status: 'PENDING', fraudScore: 0.1 } }))
    const refused = await t().gql(RELEASE_HOLD, { input: { orderId: order.id, reason: 'looks fine' } }, { role: 'CUSTOMER_SERVICE' })
    expect(refused.data.releaseHold.userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })])
    expect(await stockPosition(t(), sku, node)).toMatchObject({ reserved: 0 })

    const res = await t().gql(RELEASE_HOLD, { input: { orderId: order.id, reason: 'Payment captured by phone' } }, { role: 'FINANCE' })
    expect(res.data.releaseHold.userErrors).toEqual([])
    const released = res.data.releaseHold.order
    expect(released.status).toBe('ALLOCATED')
    expect(released.holds).toEqual([])
    expect(released.exceptions).toEqual([expect.objectContaining({ type: 'PAYMENT_HOLD', status: 'RESOLVED' })])
    expect(released.fulfillmentOrders).toEqual([expect.objectContaining({ location: { code: node }, status: 'OPEN' })])
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 10, reserved: 2, available: 8 })

    const again = await t().gql(RELEASE_HOLD, { input: { orderId: order.id, reason: 'again' } }, { role: 'FINANCE' })
    expect(again.data.releaseHold.userErrors).toEqual([expect.objectContaining({ code: 'ILLEGAL_TRANSITION' })])
  })

  it('keeps holds that still apply when only one of two is released', async () => {
    const { channel, sku } = await createStockedSku(t(), 10)
    const { order } = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }], { payment: { status: 'FAILED', fraudScore: 0.99 } }))
    expect(order.holds).toEqual(['PAYMENT', 'FRAUD'])
    const res = await t().gql(RELEASE_HOLD, { input: { orderId: order.id, reason: 'Fraud team cleared it', holds: ['FRAUD'] } }, { role: 'FINANCE' })
    expect(res.data.releaseHold.order).toMatchObject({ status: 'ON_HOLD', holds: ['PAYMENT'] })
    expect(res.data.releaseHold.order.exceptions.map((e: { type: string; status: string }) => [e.type, e.status])).toEqual([
      ['PAYMENT_HOLD', 'OPEN'],
      ['FRAUD_REVIEW', 'RESOLVED'],
    ])
  })

  it('cancelOrder releases the reservation: the ledger shows RESERVED then RELEASED', async () => {
    const { channel, node, sku } = await createStockedSku(t(), 10)
    const { order } = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 4 }]))
    expect(order.status).toBe('ALLOCATED')
    expect(await stockPosition(t(), sku, node)).toMatchObject({ reserved: 4, available: 6 })

    const res = await t().gql(CANCEL, { input: { orderId: order.id, reason: 'Customer changed their mind' } }, { role: 'CUSTOMER_SERVICE' })
    expect(res.data.cancelOrder.userErrors).toEqual([])
    const cancelled = res.data.cancelOrder.order
    expect(cancelled.status).toBe('CANCELLED')
    expect(cancelled.nextStates).toEqual([])
    expect(cancelled.fulfillmentOrders).toEqual([expect.objectContaining({ status: 'CANCELLED' })])
    expect(cancelled.lines[0].allocations).toEqual([expect.objectContaining({ status: 'CANCELLED', quantity: 4 })])
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 10, reserved: 0, available: 10 })

    const prisma = t().app.db.prisma
    const dbOrder = await prisma.order.findFirstOrThrow({ where: { number: order.number } })
    const ledger = await prisma.inventoryEvent.findMany({ where: { orderId: dbOrder.id }, orderBy: { id: 'asc' } })
    expect(ledger.map((e) => [e.type, e.reservedDelta])).toEqual([['RESERVED', 4], ['RELEASED', -4]])
    const counter = await prisma.channelReservation.findFirstOrThrow({ where: { channel: { code: channel }, sku: { code: sku } } })
    expect(counter.reserved).toBe(0)
    expect((await prisma.orderLine.findFirstOrThrow({ where: { orderId: dbOrder.id } })).cancelledQuantity).toBe(4)

    const twice = await t().gql(CANCEL, { input: { orderId: order.id, reason: 'again' } }, { role: 'CUSTOMER_SERVICE' })
    expect(twice.data.cancelOrder.userErrors).toEqual([expect.objectContaining({ code: 'ILLEGAL_TRANSITION' })])
  })

  it('cancelling a held order resolves its exceptions', async () => {
    const { channel, sku } = await createStockedSku(t(), 10)
    const { order } = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }], { payment: { status: 'FAILED' } }))
    const res = await t().gql(CANCEL, { input: { orderId: order.id, reason: 'Payment never arrived' } }, { role: 'OPERATIONS' })
    expect(res.data.cancelOrder.order.exceptions).toEqual([expect.objectContaining({ type: 'PAYMENT_HOLD', status: 'RESOLVED' })])
  })
})

describe('low-confidence stock', () => {
  it('promises only up to available minus a 20% buffer and routes the rest to a LOW_CONFIDENCE_STOCK exception', async () => {
    const { channel, node, sku } = await createStockedSku(t(), 10)
    const prisma = t().app.db.prisma
    await prisma.stockPosition.updateMany({ where: { sku: { code: sku }, location: { code: node } }, data: { confidence: 0.3 } })

    const small = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 5 }]))
    expect(small.order.status).toBe('ALLOCATED')

    // 5 left on the books, buffer ceil(20% of 5) = 1: only 4 are promisable.
    const { order } = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 5 }]))
    expect(order.status).toBe('ON_HOLD')
    expect(order.holds).toEqual(['LOW_CONFIDENCE_STOCK'])
    expect(order.lines[0]).toMatchObject({ allocatedQuantity: 4, backorderedQuantity: 1 })
    expect(order.exceptions).toEqual([expect.objectContaining({ type: 'LOW_CONFIDENCE_STOCK', ownerRole: 'OPERATIONS' })])
    expect(order.fulfillmentOrders).toEqual([expect.objectContaining({ status: 'ON_HOLD' })])
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 10, reserved: 9, available: 1 })

    // Operations counted the shelf: releasing the hold lifts the buffer.
    const res = await t().gql(RELEASE_HOLD, { input: { orderId: order.id, reason: 'Counted: 10 on the shelf' } }, { role: 'OPERATIONS' })
    expect(res.data.releaseHold.order).toMatchObject({ status: 'ALLOCATED', holds: [] })
    expect(res.data.releaseHold.order.lines[0]).toMatchObject({ allocatedQuantity: 5, backorderedQuantity: 0 })
    expect(res.data.releaseHold.order.fulfillmentOrders).toEqual([expect.objectContaining({ status: 'OPEN' })])
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 10, reserved: 10, available: 0 })
  })
})
