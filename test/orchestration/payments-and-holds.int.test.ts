import { describe, expect, it } from 'vitest'
import { useTestApp, TEST_PAYMENT_WEBHOOK_SECRET } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { stockPosition, stockUp } from '../helpers/factories/stock.ts'
import { orderInput, placeOrder, ORDER_FIELDS } from '../helpers/factories/orders.ts'
import { createReleasedOrder } from '../helpers/factories/fulfillment.ts'
import { signPaymentPayload } from '../../apps/api/src/http/payment-webhook.ts'

const t = useTestApp()
const finance = { role: 'FINANCE' as const, sub: 'payments@test' }
const ops = { role: 'OPERATIONS' as const, sub: 'lead@test' }

const PAY = `mutation ($input: UpdateOrderPaymentInput!) { updateOrderPayment(input: $input) {
  outcome order { ${ORDER_FIELDS} paymentStatus fraudScore timeline { kind title detail } } userErrors { field message code } } }`
const HOLD = `mutation ($input: PlaceHoldInput!) { placeHold(input: $input) { order { ${ORDER_FIELDS} timeline { title detail } } userErrors { field message code } } }`
const RELEASE_HOLD = `mutation ($input: ReleaseHoldInput!) { releaseHold(input: $input) { order { ${ORDER_FIELDS} } userErrors { field message code } } }`

async function world(quantity = 10) {
  const channel = await createSalesChannel(t())
  const node = await createFulfilmentNode(t())
  const sku = await createSellableSku(t())
  await stockUp(t(), sku, node, quantity)
  return { channel, node, sku }
}

async function pay(input: Record<string, unknown>, as: object = finance) {
  const res = await t().gql(PAY, { input }, as)
  expect(res.errors).toBeUndefined()
  return res.data.updateOrderPayment
}

/** Rows a refused command must not touch: the order, its timeline, its exceptions, the outbox, the stock. */
async function footprint(orderNumber: string) {
  const prisma = t().app.db.prisma
  const order = await prisma.order.findFirstOrThrow({ where: { number: orderNumber } })
  return {
    order: { status: order.status, paymentStatus: order.paymentStatus, fraudScore: order.fraudScore, holds: order.holds, version: order.version },
    events: await prisma.orderEvent.count({ where: { orderId: order.id } }),
    exceptions: await prisma.exception.count({ where: { orderId: order.id } }),
    outbox: await prisma.outboxEvent.count(),
  }
}

describe('payment as an event', () => {
  it('a payment that clears validates, allocates and routes a PAYMENT-held order at once, with its timeline', async () => {
    const { channel, node, sku } = await world()
    const { order } = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 3 }], { payment: { status: 'PENDING', fraudScore: 0.1 } }))
    expect(order).toMatchObject({ status: 'ON_HOLD', holds: ['PAYMENT'] })
    expect(await stockPosition(t(), sku, node)).toMatchObject({ reserved: 0 })

    const out = await pay({ orderId: order.id, status: 'CAPTURED', idempotencyKey: 'psp-evt-1' })
    expect(out.userErrors).toEqual([])
    expect(out.outcome).toBe('HOLD_RELEASED')
    expect(out.order).toMatchObject({ status: 'ALLOCATED', holds: [], paymentStatus: 'CAPTURED' })
    expect(out.order.fulfillmentOrders).toEqual([expect.objectContaining({ location: { code: node }, status: 'OPEN' })])
    expect(out.order.exceptions).toEqual([expect.objectContaining({ type: 'PAYMENT_HOLD', status: 'RESOLVED' })])
    const titles = out.order.timeline.map((e: { title: string }) => e.title)
    expect(titles).toEqual(expect.arrayContaining(['Payment PENDING -> CAPTURED', 'Payment cleared: PAYMENT hold released', 'Validated after review', 'Allocated: 3 units reserved']))
    expect(titles.indexOf('Payment PENDING -> CAPTURED')).toBeLessThan(titles.indexOf('Allocated: 3 units reserved'))
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 10, reserved: 3, available: 7 })

    // The provider retries: the same key replays the first result and reserves nothing more.
    const replay = await pay({ orderId: order.id, status: 'CAPTURED', idempotencyKey: 'psp-evt-1' })
    expect(replay).toMatchObject({ outcome: 'HOLD_RELEASED', userErrors: [] })
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 10, reserved: 3, available: 7 })
    const reused = await pay({ orderId: order.id, status: 'FAILED', idempotencyKey: 'psp-evt-1' })
    expect(reused.userErrors).toEqual([expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' })])
  })

  it('a cleared payment with a fraud score above the threshold keeps the order held for FRAUD review', async () => {
    const { channel, sku } = await world()
    const { order } = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }], { payment: { status: 'PENDING', fraudScore: 0.1 } }))
    const out = await pay({ orderId: order.id, status: 'AUTHORIZED', fraudScore: 0.95 })
    expect(out.outcome).toBe('HELD')
    expect(out.order).toMatchObject({ status: 'ON_HOLD', holds: ['FRAUD'], paymentStatus: 'AUTHORIZED', fraudScore: 0.95 })
    expect(out.order.exceptions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'PAYMENT_HOLD', status: 'RESOLVED' }), expect.objectContaining({ type: 'FRAUD_REVIEW', status: 'OPEN' })]))
    const cleared = await pay({ orderId: order.id, status: 'CAPTURED', fraudScore: 0.2 })
    expect(cleared).toMatchObject({ outcome: 'HOLD_RELEASED', order: { status: 'ALLOCATED', holds: [] } })
  })

  it('a failed payment cancels the order and releases its reservations', async () => {
    const { channel, node, sku } = await world()
    const { order } = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 4 }]))
    expect(order.status).toBe('ALLOCATED')
    expect(await stockPosition(t(), sku, node)).toMatchObject({ reserved: 4 })
    const out = await pay({ orderId: order.id, status: 'FAILED' })
    expect(out).toMatchObject({ outcome: 'CANCELLED', userErrors: [], order: { status: 'CANCELLED', paymentStatus: 'FAILED' } })
    expect(out.order.lines[0]).toMatchObject({ allocatedQuantity: 0, allocations: [expect.objectContaining({ status: 'CANCELLED' })] })
    expect(out.order.fulfillmentOrders).toEqual([expect.objectContaining({ status: 'CANCELLED' })])
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 10, reserved: 0, available: 10 })
  })

  it('a payment that goes back to PENDING holds an allocated order, keeping its stock and its fulfillment order waiting', async () => {
    const { channel, node, sku } = await world()
    const { order } = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 2 }]))
    const out = await pay({ orderId: order.id, status: 'PENDING' })
    expect(out).toMatchObject({ outcome: 'HELD', order: { status: 'ON_HOLD', holds: ['PAYMENT'] } })
    expect(out.order.fulfillmentOrders).toEqual([expect.objectContaining({ status: 'ON_HOLD' })])
    expect(await stockPosition(t(), sku, node)).toMatchObject({ reserved: 2 })
    const release = await t().gql(`mutation ($input: ReleaseOrdersInput!) { releaseOrders(input: $input) { released { number } heldBack { code } } }`, { input: { locationCode: node } }, ops)
    expect(release.data.releaseOrders).toEqual({ released: [], heldBack: [{ code: 'ORDER_ON_HOLD' }] })
    const back = await pay({ orderId: order.id, status: 'CAPTURED' })
    expect(back).toMatchObject({ outcome: 'HOLD_RELEASED', order: { status: 'ALLOCATED', fulfillmentOrders: [expect.objectContaining({ status: 'OPEN' })] } })
    expect(await stockPosition(t(), sku, node)).toMatchObject({ reserved: 2 })
  })

  it('refuses an unknown or cancelled order, and a bad score, writing nothing', async () => {
    const { channel, sku } = await world()
    const unknown = await pay({ orderId: Buffer.from('Order:99999999').toString('base64'), status: 'CAPTURED' })
    expect(unknown.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'orderId'] })])

    const { order } = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }], { payment: { status: 'PENDING' } }))
    await t().gql(`mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { userErrors { code } } }`, { input: { orderId: order.id, reason: 'Duplicate' } }, ops)
    const before = await footprint(order.number)
    const cancelled = await pay({ orderId: order.id, status: 'CAPTURED', idempotencyKey: 'late-capture' })
    expect(cancelled).toMatchObject({ order: null, userErrors: [expect.objectContaining({ code: 'ILLEGAL_TRANSITION', field: ['input', 'orderId'] })] })
    expect(await footprint(order.number)).toEqual(before)
    // The refusal is the first result under its key (Stripe's rule): kept, and replayed to a retry, still writing nothing.
    expect(await t().app.db.prisma.idempotencyRecord.count({ where: { key: 'late-capture' } })).toBe(1)
    expect(await pay({ orderId: order.id, status: 'CAPTURED', idempotencyKey: 'late-capture' })).toMatchObject({ order: null, userErrors: cancelled.userErrors })
    expect(await footprint(order.number)).toEqual(before)

    const { order: live } = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }], { payment: { status: 'PENDING' } }))
    const beforeScore = await footprint(live.number)
    const badScore = await pay({ orderId: live.id, status: 'CAPTURED', fraudScore: 1.5 })
    expect(badScore.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'fraudScore'] })])
    expect(await footprint(live.number)).toEqual(beforeScore)
    const partner = await pay({ orderId: live.id, status: 'CAPTURED' }, { role: 'PARTNER', channel: 'SOME-OTHER-CHANNEL' })
    expect(partner.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })])
    expect(await footprint(live.number)).toEqual(beforeScore)
  })
})

describe('POST /webhooks/payment', () => {
  async function post(raw: string, signature: string | null) {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (signature !== null) headers['x-ops-hub-signature'] = signature
    const res = await fetch(`${t().url}/webhooks/payment`, { method: 'POST', headers, body: raw })
    return { status: res.status, body: (await res.json()) as any }
  }

  it('refuses a bad signature with 401, applies a signed event once, and names unknown orders', async () => {
    const { channel, node, sku } = await world()
    const externalId = `EXT-PSP-${Date.now()}`
    const { order } = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 2 }], { externalId, payment: { status: 'PENDING' } }))
    const raw = JSON.stringify({ eventId: `evt-${externalId}`, channelCode: channel, externalId, status: 'CAPTURED', fraudScore: 0.05 })

    const before = await footprint(order.number)
    expect((await post(raw, null)).status).toBe(401)
    expect((await post(raw, signPaymentPayload('not-the-secret', raw))).status).toBe(401)
    expect((await post(raw.replace('CAPTURED', 'FAILED'), signPaymentPayload(TEST_PAYMENT_WEBHOOK_SECRET, raw))).status).toBe(401)
    expect(await footprint(order.number)).toEqual(before)

    const first = await post(raw, signPaymentPayload(TEST_PAYMENT_WEBHOOK_SECRET, raw))
    expect(first).toEqual({ status: 200, body: { eventId: `evt-${externalId}`, orderNumber: order.number, status: 'ALLOCATED', paymentStatus: 'CAPTURED', outcome: 'HOLD_RELEASED', replayed: false } })
    const again = await post(raw, signPaymentPayload(TEST_PAYMENT_WEBHOOK_SECRET, raw))
    expect(again.body).toMatchObject({ status: 'ALLOCATED', replayed: true })
    expect(await stockPosition(t(), sku, node)).toMatchObject({ reserved: 2 })

    const unknown = JSON.stringify({ eventId: 'evt-x', orderNumber: 'OH-0', status: 'CAPTURED' })
    const refused = await post(unknown, signPaymentPayload(TEST_PAYMENT_WEBHOOK_SECRET, unknown))
    expect(refused).toMatchObject({ status: 422, body: { errors: [expect.objectContaining({ code: 'NOT_FOUND' })] } })
    const malformed = JSON.stringify({ eventId: 'evt-y', status: 'CAPTURED' })
    expect((await post(malformed, signPaymentPayload(TEST_PAYMENT_WEBHOOK_SECRET, malformed))).status).toBe(400)
  })
})

describe('manual holds', () => {
  it('placeHold MANUAL holds an allocated order until releaseHold; other reasons are refused', async () => {
    const { channel, node, sku } = await world()
    const { order } = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }]))
    const before = await footprint(order.number)
    const payment = await t().gql(HOLD, { input: { orderId: order.id, reason: 'PAYMENT', note: 'suspicious' } }, ops)
    expect(payment.data.placeHold).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'reason'] })] })
    expect(await footprint(order.number)).toEqual(before)

    const held = await t().gql(HOLD, { input: { orderId: order.id, reason: 'MANUAL', note: 'Customer asked to wait for a second parcel' } }, { role: 'CUSTOMER_SERVICE', sub: 'cs@test' })
    expect(held.data.placeHold.userErrors).toEqual([])
    expect(held.data.placeHold.order).toMatchObject({ status: 'ON_HOLD', holds: ['MANUAL'], fulfillmentOrders: [expect.objectContaining({ status: 'ON_HOLD' })] })
    expect(held.data.placeHold.order.timeline).toContainEqual({ title: 'On hold: MANUAL', detail: 'Held by cs@test: Customer asked to wait for a second parcel' })
    expect(await stockPosition(t(), sku, node)).toMatchObject({ reserved: 1 })
    const twice = await t().gql(HOLD, { input: { orderId: order.id, reason: 'MANUAL', note: 'again' } }, ops)
    expect(twice.data.placeHold.userErrors).toEqual([expect.objectContaining({ code: 'ILLEGAL_TRANSITION' })])

    const released = await t().gql(RELEASE_HOLD, { input: { orderId: order.id, reason: 'Second parcel arrived', holds: ['MANUAL'] } }, ops)
    expect(released.data.releaseHold.order).toMatchObject({ status: 'ALLOCATED', holds: [], fulfillmentOrders: [expect.objectContaining({ status: 'OPEN' })] })
    expect(await stockPosition(t(), sku, node)).toMatchObject({ reserved: 1 })
  })

  it('refuses to hold an order already released to the floor, an unknown one or a cancelled one', async () => {
    const { channel, node, sku } = await world()
    const released = await createReleasedOrder(t(), channel, node, [{ sku, quantity: 1 }])
    const late = await t().gql(HOLD, { input: { orderId: (await t().gql(`query ($n: String!) { order(number: $n) { id } }`, { n: released.number })).data.order.id, reason: 'MANUAL', note: 'too late' } }, ops)
    expect(late.data.placeHold.userErrors).toEqual([expect.objectContaining({ code: 'ILLEGAL_TRANSITION' })])
    const unknown = await t().gql(HOLD, { input: { orderId: Buffer.from('Order:99999999').toString('base64'), reason: 'MANUAL', note: 'x' } }, ops)
    expect(unknown.data.placeHold.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })])
    const { order } = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }]))
    await t().gql(`mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { userErrors { code } } }`, { input: { orderId: order.id, reason: 'x' } }, ops)
    const cancelled = await t().gql(HOLD, { input: { orderId: order.id, reason: 'MANUAL', note: 'x' } }, ops)
    expect(cancelled.data.placeHold.userErrors).toEqual([expect.objectContaining({ code: 'ILLEGAL_TRANSITION' })])
  })
})
