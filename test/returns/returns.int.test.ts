import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { stockPosition, stockUp } from '../helpers/factories/stock.ts'
import { createBins, createCarrierService, ledgerBalance } from '../helpers/factories/warehouse.ts'
import { createDeliveredOrder, createShippedOrder } from '../helpers/factories/fulfillment.ts'

const t = useTestApp()

const REQUEST = /* GraphQL */ `mutation ($input: RequestReturnInput!) { requestReturn(input: $input) { return { id number status refundStatus lines { id sku quantity reason } order { status } } userErrors { field message code } } }`
const RECEIVE = /* GraphQL */ `mutation ($input: ReceiveReturnInput!) { receiveReturn(input: $input) { return { status refundStatus receivedAt lines { receivedQuantity } } userErrors { field message code } } }`
const INSPECT = /* GraphQL */ `mutation ($input: InspectReturnLineInput!) { inspectReturnLine(input: $input) { returnLine { disposition } return { status refundStatus refundAmount processingTimeHours closedAt order { status } } stockPosition { onHand reserved damaged available } userErrors { field message code } } }`
const REFUND = /* GraphQL */ `mutation ($input: IssueRefundInput!) { issueRefund(input: $input) { return { refundStatus } userErrors { code message } } }`

async function setup() {
  const channel = await createSalesChannel(t())
  const node = await createFulfilmentNode(t(), { cutoffTime: '23:59' })
  const skuA = await createSellableSku(t())
  const skuB = await createSellableSku(t())
  await stockUp(t(), skuA, node, 10)
  await stockUp(t(), skuB, node, 10)
  await createBins(t(), node, [{ code: 'R-01', sequence: 1, stock: { [skuA]: 10, [skuB]: 10 } }])
  await createCarrierService(t(), 'UPS', 'GROUND', 2)
  return { channel, node, skuA, skuB }
}

describe('returns', () => {
  it('only a delivered order can be returned, and only what was shipped', async () => {
    const { channel, node, skuA } = await setup()
    const shipped = await createShippedOrder(t(), channel, node, [{ sku: skuA, quantity: 2 }])
    const orderId = (await t().gql(`query ($n: String!) { order(number: $n) { id } }`, { n: shipped.order.number })).data.order.id
    const early = await t().gql(REQUEST, { input: { orderId, lines: [{ sku: skuA, quantity: 1, reason: 'Changed mind' }] } }, { role: 'CUSTOMER_SERVICE' })
    expect(early.data.requestReturn.userErrors[0].code).toBe('ILLEGAL_TRANSITION')

    const delivered = await createDeliveredOrder(t(), channel, node, [{ sku: skuA, quantity: 2 }])
    const id = (await t().gql(`query ($n: String!) { order(number: $n) { id } }`, { n: delivered.order.number })).data.order.id
    const tooMany = await t().gql(REQUEST, { input: { orderId: id, lines: [{ sku: skuA, quantity: 3, reason: 'Too big' }] } }, { role: 'CUSTOMER_SERVICE' })
    expect(tooMany.data.requestReturn.userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'lines', '0', 'quantity'], message: expect.stringMatching(/Only 2 x/) }])
    expect(await t().app.db.prisma.return.count({ where: { order: { number: delivered.order.number } } })).toBe(0)
  })

  it('damaged units land in damaged, restocked units in available; the refund and processing time are visible', async () => {
    const { channel, node, skuA, skuB } = await setup()
    const delivered = await createDeliveredOrder(t(), channel, node, [{ sku: skuA, quantity: 2, unitPrice: '25.00' }, { sku: skuB, quantity: 1, unitPrice: '10.00' }])
    const orderId = (await t().gql(`query ($n: String!) { order(number: $n) { id } }`, { n: delivered.order.number })).data.order.id
    expect(await stockPosition(t(), skuA, node)).toEqual({ onHand: 8, reserved: 0, available: 8 })

    const req = await t().gql(REQUEST, { input: { orderId, lines: [{ sku: skuA, quantity: 1, reason: 'Arrived broken' }, { sku: skuB, quantity: 1, reason: 'Wrong colour' }] } }, { role: 'CUSTOMER_SERVICE' })
    expect(req.data.requestReturn.userErrors).toEqual([])
    const rma = req.data.requestReturn.return
    expect(rma.number).toMatch(/^RMA-\d+$/)
    expect(rma).toMatchObject({ status: 'REQUESTED', refundStatus: 'NOT_STARTED', order: { status: 'RETURN_REQUESTED' } })

    const early = await t().gql(REFUND, { input: { returnId: rma.id } }, { role: 'CUSTOMER_SERVICE' })
    expect(early.data.issueRefund.userErrors[0].code).toBe('ILLEGAL_TRANSITION')

    const received = await t().gql(RECEIVE, { input: { returnId: rma.id, locationCode: node } }, { role: 'OPERATIONS' })
    expect(received.data.receiveReturn.userErrors).toEqual([])
    expect(received.data.receiveReturn.return).toMatchObject({ status: 'RECEIVED', refundStatus: 'PENDING', lines: [{ receivedQuantity: 1 }, { receivedQuantity: 1 }] })
    // Back on hand but in quality control: not sellable yet.
    expect(await stockPosition(t(), skuA, node)).toEqual({ onHand: 9, reserved: 0, available: 8 })

    const [lineA, lineB] = rma.lines
    const damaged = await t().gql(INSPECT, { input: { returnLineId: lineA.id, disposition: 'DAMAGED', note: 'Cracked case' } }, { role: 'OPERATIONS' })
    expect(damaged.data.inspectReturnLine.userErrors).toEqual([])
    expect(damaged.data.inspectReturnLine.stockPosition).toEqual({ onHand: 9, reserved: 0, damaged: 1, available: 8 })
    expect(damaged.data.inspectReturnLine.return).toMatchObject({ status: 'RECEIVED', refundStatus: 'PENDING', processingTimeHours: null })

    const twice = await t().gql(INSPECT, { input: { returnLineId: lineA.id, disposition: 'RESTOCK' } }, { role: 'OPERATIONS' })
    expect(twice.data.inspectReturnLine.userErrors[0].code).toBe('ILLEGAL_TRANSITION')
    expect(await stockPosition(t(), skuA, node)).toEqual({ onHand: 9, reserved: 0, available: 8 })

    const restock = await t().gql(INSPECT, { input: { returnLineId: lineB.id, disposition: 'RESTOCK' } }, { role: 'OPERATIONS' })
    expect(restock.data.inspectReturnLine.userErrors).toEqual([])
    expect(restock.data.inspectReturnLine.stockPosition).toEqual({ onHand: 10, reserved: 0, damaged: 0, available: 10 })
    const closed = restock.data.inspectReturnLine.return
    expect(closed).toMatchObject({ status: 'CLOSED', refundStatus: 'REFUNDED', refundAmount: '35', order: { status: 'RETURNED' } })
    expect(closed.processingTimeHours).toBeGreaterThanOrEqual(0)
    expect(closed.closedAt).toBeTruthy()

    for (const sku of [skuA, skuB]) {
      const { book, ledger } = await ledgerBalance(t(), sku, node)
      expect(ledger).toEqual(book)
    }
    const timeline = (await t().gql(`query ($n: String!) { order(number: $n) { timeline { kind title } } }`, { n: delivered.order.number }, { role: 'CUSTOMER_SERVICE' })).data.order.timeline
    const returns = timeline.filter((e: any) => e.kind === 'RETURN').map((e: any) => e.title)
    expect(returns).toEqual([
      `Return received (${rma.number})`,
      expect.stringMatching(/^Return inspected: 1 x .* damaged$/),
      expect.stringMatching(/^Return inspected: 1 x .* restock$/),
      `Refund issued (${rma.number})`,
      `Return closed (${rma.number})`,
    ])
    expect(timeline.map((e: any) => e.title)).toEqual(expect.arrayContaining([`Return requested (${rma.number})`, 'Returned']))
  })

  it('scrap takes units off hand; an early refund is paid once', async () => {
    const { channel, node, skuA } = await setup()
    const delivered = await createDeliveredOrder(t(), channel, node, [{ sku: skuA, quantity: 1 }])
    const orderId = (await t().gql(`query ($n: String!) { order(number: $n) { id } }`, { n: delivered.order.number })).data.order.id
    const rma = (await t().gql(REQUEST, { input: { orderId, lines: [{ sku: skuA, quantity: 1, reason: 'Defective' }] } }, { role: 'CUSTOMER_SERVICE' })).data.requestReturn.return
    await t().gql(RECEIVE, { input: { returnId: rma.id, locationCode: node, lines: [{ sku: skuA, quantity: 1 }] } }, { role: 'OPERATIONS' })
    const refund = await t().gql(REFUND, { input: { returnId: rma.id } }, { role: 'CUSTOMER_SERVICE' })
    expect(refund.data.issueRefund).toEqual({ return: { refundStatus: 'REFUNDED' }, userErrors: [] })
    expect((await t().gql(REFUND, { input: { returnId: rma.id } }, { role: 'CUSTOMER_SERVICE' })).data.issueRefund.userErrors[0].code).toBe('ILLEGAL_TRANSITION')
    const scrap = await t().gql(INSPECT, { input: { returnLineId: rma.lines[0].id, disposition: 'SCRAP' } }, { role: 'OPERATIONS' })
    expect(scrap.data.inspectReturnLine.stockPosition).toEqual({ onHand: 9, reserved: 0, damaged: 0, available: 9 })
    expect(scrap.data.inspectReturnLine.return).toMatchObject({ status: 'CLOSED', refundStatus: 'REFUNDED', order: { status: 'RETURNED' } })
  })

  it('a return requested, received, inspected and refunded three times at once happens once: one RMA, one refund, units back once', async () => {
    const { channel, node, skuA } = await setup()
    const delivered = await createDeliveredOrder(t(), channel, node, [{ sku: skuA, quantity: 1, unitPrice: '25.00' }])
    const orderId = (await t().gql(`query ($n: String!) { order(number: $n) { id } }`, { n: delivered.order.number })).data.order.id
    const cs = { role: 'CUSTOMER_SERVICE' as const }
    const ops = { role: 'OPERATIONS' as const }
    const thrice = <T,>(send: () => Promise<T>) => Promise.all([send(), send(), send()])
    const outcome = (rs: any[], field: string) => rs.map((r) => r.data[field].userErrors[0]?.code ?? 'OK').sort()

    const requests = await thrice(() => t().gql(REQUEST, { input: { orderId, lines: [{ sku: skuA, quantity: 1, reason: 'Defective' }] } }, cs))
    expect(outcome(requests, 'requestReturn').filter((c) => c === 'OK')).toHaveLength(1)
    const rma = requests.find((r) => r.data.requestReturn.return)!.data.requestReturn.return
    expect(await t().app.db.prisma.return.count({ where: { order: { number: delivered.order.number } } })).toBe(1)

    expect(outcome(await thrice(() => t().gql(RECEIVE, { input: { returnId: rma.id, locationCode: node } }, ops)), 'receiveReturn')).toEqual(['ILLEGAL_TRANSITION', 'ILLEGAL_TRANSITION', 'OK'])
    expect(outcome(await thrice(() => t().gql(REFUND, { input: { returnId: rma.id } }, cs)), 'issueRefund')).toEqual(['ILLEGAL_TRANSITION', 'ILLEGAL_TRANSITION', 'OK'])
    const inspections = await thrice(() => t().gql(INSPECT, { input: { returnLineId: rma.lines[0].id, disposition: 'RESTOCK' } }, ops))
    expect(outcome(inspections, 'inspectReturnLine')).toEqual(['ILLEGAL_TRANSITION', 'ILLEGAL_TRANSITION', 'OK'])

    expect(await stockPosition(t(), skuA, node)).toEqual({ onHand: 10, reserved: 0, available: 10 })
    const { book, ledger } = await ledgerBalance(t(), skuA, node)
    expect(ledger).toEqual(book)
    const timeline = (await t().gql(`query ($n: String!) { order(number: $n) { timeline { kind title } } }`, { n: delivered.order.number }, cs)).data.order.timeline
    expect(timeline.filter((e: any) => e.title.startsWith('Refund issued'))).toHaveLength(1)
  })
})
