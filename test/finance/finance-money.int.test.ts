// The Finance view's grouped money queries over the API, on a small world whose value is counted by hand.
import { beforeAll, describe, expect, it } from 'vitest'
import {
  adjustInventory, approveTransfer, cancelOrder, confirmShipment, inTransaction, inspectReturnLine, issueRefund, moveStock, placeOrder,
  receiveReturn, recordCarrierEvent, requestReturn, requestTransfer, shipTransfer, type Actor,
} from '@ops-hub/domain'
import { useTestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { createCarrierService, createBins } from '../helpers/factories/warehouse.ts'
import { stockUp } from '../helpers/factories/stock.ts'
import { createPackedOrder } from '../helpers/factories/fulfillment.ts'
import { uniqueCode } from '../helpers/unique.ts'

const t = useTestApp()
const ops: Actor = { id: 'user:ops@test', role: 'OPERATIONS' }
const lead: Actor = { id: 'user:lead@test', role: 'OPERATIONS' }
const DAY = 86_400_000
let w: { channel: string; n1: string; n2: string; sku: string; cheap: string; supplier: string }
const window = () => ({ from: new Date(Date.now() - DAY).toISOString(), to: new Date(Date.now() + DAY).toISOString() })

beforeAll(async () => {
  const app = t()
  const prisma = app.app.db.prisma
  const run = <T>(fn: Parameters<typeof inTransaction<T>>[1]) => inTransaction(prisma, fn)
  const channel = await createSalesChannel(app)
  const n1 = await createFulfilmentNode(app, { cutoffTime: '23:59' })
  const n2 = await createFulfilmentNode(app, { cutoffTime: '23:59' })
  const sku = await createSellableSku(app, { unitCost: '4.00' })
  const cheap = await createSellableSku(app, { unitCost: '1.50' })
  await stockUp(app, sku, n1, 20)
  await stockUp(app, cheap, n2, 200)
  await createBins(app, n1, [{ code: 'F-1', sequence: 1, stock: { [sku]: 20 } }])
  await createCarrierService(app, 'UPS', 'GROUND', 2)

  // N1 holds 20 x 4.00: 3 moved to damaged, 2 to quality control, 4 shipped away by transfer to N2 (in transit),
  // 1 lost (shrinkage), 1 found; 6 more are on a purchase order (incoming).
  await run((tx) => adjustInventory(tx, { sku, locationCode: n1, quantityDelta: 3, bucket: 'DAMAGED', reason: 'DAMAGED' }, ops))
  await run((tx) => adjustInventory(tx, { sku, locationCode: n1, quantityDelta: 2, bucket: 'QUALITY_CONTROL', reason: 'QUALITY_HOLD' }, ops))
  const transfer = await run((tx) => requestTransfer(tx, { fromLocationCode: n1, toLocationCode: n2, lines: [{ sku, quantity: 4 }] }, ops))
  await run((tx) => approveTransfer(tx, { id: transfer.id }, lead))
  await run((tx) => shipTransfer(tx, { id: transfer.id }, ops))
  await run((tx) => adjustInventory(tx, { sku, locationCode: n1, quantityDelta: -1, reason: 'SHRINKAGE' }, ops))
  await run((tx) => adjustInventory(tx, { sku, locationCode: n1, quantityDelta: 1, reason: 'FOUND' }, ops))
  // A write-off of 150 units (over the approval quantity) waits for a second person: 150 x 1.50 = 225.00.
  await run((tx) => adjustInventory(tx, { sku: cheap, locationCode: n2, quantityDelta: -150, reason: 'WRITE_OFF' }, ops))
  const sku1 = await prisma.sku.findUniqueOrThrow({ where: { code: sku } })
  const l1 = await prisma.location.findUniqueOrThrow({ where: { code: n1 } })
  await run((tx) => moveStock(tx, { skuId: sku1.id, locationId: l1.id, type: 'INCOMING_CHANGED', deltas: { incoming: 6 }, actor: ops, reasonCode: 'PO_SENT' }))

  // One order shipped, delivered, returned (1 x 25.00 refunded); one cancelled (2 x 12.50 = 25.00, "Customer request").
  const packed = await createPackedOrder(app, channel, n1, [{ sku, quantity: 2, unitPrice: '25.00' }])
  const foId = Number((await prisma.fulfillmentOrder.findFirstOrThrow({ where: { order: { number: packed.order.number } } })).id)
  const { shipment } = await run((tx) => confirmShipment(tx, { fulfillmentOrderId: foId, carrier: 'UPS', service: 'GROUND', trackingNumber: uniqueCode('1Z') }, ops))
  await run((tx) => recordCarrierEvent(tx, { trackingNumber: shipment.trackingNumber, status: 'DELIVERED', occurredAt: new Date() }, ops))
  const order = await prisma.order.findUniqueOrThrow({ where: { number: packed.order.number } })
  const rma = await run((tx) => requestReturn(tx, { orderId: order.id, lines: [{ sku, quantity: 1, reason: 'Too small' }] }, ops))
  await run((tx) => receiveReturn(tx, { returnId: rma.id, locationCode: n1 }, ops))
  await run((tx) => issueRefund(tx, { returnId: rma.id }, ops))
  await run((tx) => inspectReturnLine(tx, { returnLineId: rma.lines[0].id, disposition: 'RESTOCK' }, lead))
  const { order: toCancel } = await run((tx) =>
    placeOrder(
      tx,
      {
        channelCode: channel, externalId: uniqueCode('FIN'), customer: { email: 'fin@example.com', name: 'Fin Buyer' },
        shipTo: { name: 'Fin Buyer', line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
        payment: { status: 'AUTHORIZED', fraudScore: 0.01 }, lines: [{ sku, quantity: 2, unitPrice: 12.5 }],
      },
      ops,
    ),
  )
  await run((tx) => cancelOrder(tx, { orderId: toCancel.id, reason: 'Customer request' }, ops))

  // Purchase orders: PO-A sent, 10 x 3.00 (4 received) expected yesterday (late); PO-B sent, 5 x 2.00 due next week;
  // PO-C received in full and PO-D still a draft: neither is an open commitment.
  const supplier = await prisma.supplier.create({ data: { code: uniqueCode('SUP'), name: 'Fin Supply' } })
  const po = (status: 'SENT' | 'RECEIVED' | 'DRAFT', expectedAt: Date, quantity: number, receivedQuantity: number, unitCost: number) =>
    prisma.purchaseOrder.create({
      data: { supplierId: supplier.id, locationId: l1.id, status, orderedAt: new Date(Date.now() - 10 * DAY), expectedAt, createdBy: ops.id,
        lines: { create: [{ skuId: sku1.id, quantity, receivedQuantity, unitCost }] } },
    })
  await po('SENT', new Date(Date.now() - DAY), 10, 4, 3)
  await po('SENT', new Date(Date.now() + 7 * DAY), 5, 0, 2)
  await po('RECEIVED', new Date(Date.now() - 3 * DAY), 8, 8, 3)
  await po('DRAFT', new Date(Date.now() + 9 * DAY), 100, 0, 3)
  w = { channel, n1, n2, sku, cheap, supplier: supplier.code }
}, 180_000)

describe('finance money queries', () => {
  it('values stock per bucket and node at unit cost', async () => {
    const res = await t().gql(
      `query { inventoryValue(groupBy: NODE) { rows { key positions onHand { units value } sellable { units value } damaged { units value }
        qualityControl { units value } inTransit { units value } incoming { units value } } total { onHand { units value } } } }`,
      {},
      { role: 'FINANCE' },
    )
    expect(res.errors).toBeUndefined()
    const n1 = res.data.inventoryValue.rows.find((r: any) => r.key === w.n1)
    // 20 - 4 transferred - 1 lost + 1 found = 16 on hand (2 of them shipped to the customer, 1 returned): 15.
    expect(n1).toEqual({
      key: w.n1,
      positions: 1,
      onHand: { units: 15, value: '60.00' },
      sellable: { units: 10, value: '40.00' },
      damaged: { units: 3, value: '12.00' },
      qualityControl: { units: 2, value: '8.00' },
      inTransit: { units: 0, value: '0.00' },
      incoming: { units: 6, value: '24.00' },
    })
    const n2 = res.data.inventoryValue.rows.find((r: any) => r.key === w.n2)
    // N2: the cheap SKU (200 x 1.50, its write-off still pending) and the 4 units on their way from N1 (4 x 4.00).
    expect(n2).toMatchObject({ positions: 2, onHand: { units: 200, value: '300.00' }, inTransit: { units: 4, value: '16.00' } })
    const sum = res.data.inventoryValue.rows.reduce((s: number, r: any) => s + Number(r.onHand.value), 0)
    expect(Number(res.data.inventoryValue.total.onHand.value)).toBeCloseTo(sum, 2)
  })

  it('reports adjustment and write-off value by reason, and what waits for approval', async () => {
    const res = await t().gql(
      `query ($from: DateTime!, $to: DateTime!, $loc: String) { adjustmentValue(from: $from, to: $to, locationCode: $loc) {
        rows { reason bucket adjustments unitsAdded unitsRemoved valueAdded valueRemoved netValue writeOff } writtenOff netValue pendingApprovalCount pendingApprovalValue } }`,
      { ...window(), loc: w.n1 },
      { role: 'FINANCE' },
    )
    expect(res.errors).toBeUndefined()
    const report = res.data.adjustmentValue
    const byReason = Object.fromEntries(report.rows.map((r: any) => [r.reason, r]))
    expect(byReason.SHRINKAGE).toEqual({ reason: 'SHRINKAGE', bucket: 'ON_HAND', adjustments: 1, unitsAdded: 0, unitsRemoved: 1, valueAdded: '0.00', valueRemoved: '4.00', netValue: '-4.00', writeOff: true })
    expect(byReason.FOUND).toMatchObject({ unitsAdded: 1, valueAdded: '4.00', writeOff: false })
    // Moved into the damaged bucket: still on hand, so not written off.
    expect(byReason.DAMAGED).toMatchObject({ bucket: 'DAMAGED', unitsAdded: 3, valueAdded: '12.00' })
    expect(report.writtenOff).toBe('4.00')
    const all = await t().gql(`query ($from: DateTime!, $to: DateTime!) { adjustmentValue(from: $from, to: $to) { pendingApprovalCount pendingApprovalValue } }`, window(), { role: 'FINANCE' })
    expect(all.data.adjustmentValue).toEqual({ pendingApprovalCount: 1, pendingApprovalValue: '-225.00' })
  })

  it('sums refunds issued and the value of cancelled orders, by channel and reason', async () => {
    const res = await t().gql(
      `query ($from: DateTime!, $to: DateTime!) {
        refundsIssued(from: $from, to: $to) { count amount byChannel { key count amount } byReason { key count amount } }
        cancelledOrderValue(from: $from, to: $to) { count amount byChannel { key count amount } byReason { key count amount } } }`,
      window(),
      { role: 'FINANCE' },
    )
    expect(res.errors).toBeUndefined()
    expect(res.data.refundsIssued).toEqual({ count: 1, amount: '25.00', byChannel: [{ key: w.channel, count: 1, amount: '25.00' }], byReason: [{ key: 'Too small', count: 1, amount: '25.00' }] })
    expect(res.data.cancelledOrderValue).toEqual({ count: 1, amount: '25.00', byChannel: [{ key: w.channel, count: 1, amount: '25.00' }], byReason: [{ key: 'Customer request', count: 1, amount: '25.00' }] })
    const before = await t().gql(`query { refundsIssued(from: "2020-01-01T00:00:00Z", to: "2020-02-01T00:00:00Z") { count amount byChannel { key } } }`, {}, { role: 'FINANCE' })
    expect(before.data.refundsIssued).toEqual({ count: 0, amount: '0.00', byChannel: [] })
  })

  it('totals open purchase commitments per supplier, the late ones apart', async () => {
    const res = await t().gql(
      `query { purchaseCommitments { openPurchaseOrders latePurchaseOrders openUnits value lateValue
        bySupplier { supplierCode openPurchaseOrders latePurchaseOrders openUnits value lateValue maxDaysLate } } }`,
      {},
      { role: 'EXECUTIVE' },
    )
    expect(res.errors).toBeUndefined()
    // PO-A: 6 open x 3.00 = 18.00 (late); PO-B: 5 x 2.00 = 10.00.
    expect(res.data.purchaseCommitments.bySupplier).toEqual([
      { supplierCode: w.supplier, openPurchaseOrders: 2, latePurchaseOrders: 1, openUnits: 11, value: '28.00', lateValue: '18.00', maxDaysLate: 1 },
    ])
  })

  it('keeps money from the roles that do not handle it, and refuses a backwards window', async () => {
    const cs = await t().gql(`query { inventoryValue { total { onHand { value } } } }`, {}, { role: 'CUSTOMER_SERVICE' })
    expect(cs.errors?.[0].extensions?.code).toBe('FORBIDDEN')
    const backwards = await t().gql(`query { cancelledOrderValue(from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { count } }`, {}, { role: 'FINANCE' })
    expect(backwards.errors?.[0].extensions?.code).toBe('INVALID_INPUT')
    const unknown = await t().gql(`query { inventoryValue(locationCode: "NO-SUCH-NODE") { total { onHand { value } } } }`, {}, { role: 'FINANCE' })
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND')
  })
})
