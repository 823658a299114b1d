import { describe, expect, it, vi } from 'vitest'
import { inTransaction, reconcileLedger, systemActor } from '@ops-hub/domain'
import { useTestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { stockPosition, stockUp } from '../helpers/factories/stock.ts'
import { orderInput, placeOrder } from '../helpers/factories/orders.ts'
import { createBins, createCarrierService } from '../helpers/factories/warehouse.ts'
import { createDeliveredOrder } from '../helpers/factories/fulfillment.ts'
import { uniqueCode } from '../helpers/unique.ts'
import { createReplenishableSku, generateSuggestions } from '../helpers/factories/procurement.ts'

// The backorder worker runs with the jobs: every arrival below reaches it only through its stock.available event.
const t = useTestApp({ jobs: true })
const ops = { role: 'OPERATIONS' as const, sub: 'floor@test' }
const lead = { role: 'OPERATIONS' as const, sub: 'lead@test' }

const ORDER = `query ($n: String!) { order(number: $n) { id status holds
  lines { sku quantity allocatedQuantity backorderedQuantity }
  fulfillmentOrders { status location { code } }
  exceptions { type status title }
  timeline { kind title detail } } }`

async function order(number: string) {
  return (await t().gql(ORDER, { n: number }, ops)).data.order
}

/** Waits (up to 10 s, the promise the hub makes) until the order reaches `status`, and returns it. */
async function becomes(number: string, status: string) {
  return vi.waitFor(
    async () => {
      const o = await order(number)
      expect(o.status).toBe(status)
      return o
    },
    { timeout: 10_000, interval: 100 },
  )
}

async function backordered(channel: string, sku: string, quantity: number, overrides: Record<string, unknown> = {}) {
  const placed = await placeOrder(t(), orderInput(channel, [{ sku, quantity }], overrides))
  expect(placed.order.status).toBe('BACKORDERED')
  expect(placed.order.exceptions).toEqual([expect.objectContaining({ type: 'STOCK_SHORTAGE', status: 'OPEN' })])
  return placed.order as { id: string; number: string }
}

function servedFrom(o: { timeline: Array<{ title: string }> }, cause: RegExp) {
  expect(o.timeline.map((e) => e.title)).toContainEqual(expect.stringMatching(cause))
}

async function ledgerClean() {
  const report = await inTransaction(t().app.db.prisma, (tx) => reconcileLedger(tx, {}, systemActor))
  expect(report.mismatches).toEqual([])
}

describe('arriving stock serves backorders first', () => {
  it('a transfer receipt: BACKORDERED -> ALLOCATED, timeline and shortage exception follow', async () => {
    const channel = await createSalesChannel(t())
    const node = await createFulfilmentNode(t())
    const sku = await createSellableSku(t())
    // A supplier dock holds stock but never ships to customers: the order cannot take it until it is transferred.
    const dock = uniqueCode('DOCK')
    const created = await t().gql(`mutation ($input: CreateLocationInput!) { createLocation(input: $input) { userErrors { message } } }`, { input: { code: dock, name: 'Dock', kind: 'SUPPLIER_DOCK' } }, ops)
    expect(created.data.createLocation.userErrors).toEqual([])
    const o = await backordered(channel, sku, 3)
    await stockUp(t(), sku, dock, 10)
    expect((await order(o.number)).status).toBe('BACKORDERED')

    const TRANSFER = 'transfer { id status }'
    const req = await t().gql(`mutation ($input: RequestTransferInput!) { requestTransfer(input: $input) { ${TRANSFER} userErrors { code } } }`, { input: { fromLocationCode: dock, toLocationCode: node, lines: [{ sku, quantity: 5 }] } }, ops)
    const id = req.data.requestTransfer.transfer.id
    const step = (name: string, as: object) =>
      t().gql(`mutation ($input: ${name === 'receiveTransfer' ? 'ReceiveTransferInput' : 'TransferDecisionInput'}!) { ${name}(input: $input) { ${TRANSFER} userErrors { code } } }`, { input: { id } }, as)
    await step('approveTransfer', lead)
    await step('shipTransfer', ops)
    expect((await order(o.number)).status).toBe('BACKORDERED')
    expect((await step('receiveTransfer', lead)).data.receiveTransfer.transfer.status).toBe('RECEIVED')

    const served = await becomes(o.number, 'ALLOCATED')
    expect(served.lines).toEqual([expect.objectContaining({ quantity: 3, allocatedQuantity: 3, backorderedQuantity: 0 })])
    expect(served.fulfillmentOrders).toEqual([{ status: 'OPEN', location: { code: node } }])
    expect(served.exceptions).toEqual([expect.objectContaining({ type: 'STOCK_SHORTAGE', status: 'RESOLVED' })])
    servedFrom(served, /^Allocated from arriving stock: transfer receipt transfer:TR-\d+ at /)
    expect(served.timeline.map((e: { title: string }) => e.title)).toContain('Allocated: backorder filled')
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 5, reserved: 3, available: 2 })
    await ledgerClean()
  })

  it('a FOUND adjustment, and a partial arrival that leaves the order PARTIALLY_ALLOCATED with its exception restated', async () => {
    const channel = await createSalesChannel(t())
    const node = await createFulfilmentNode(t())
    const sku = await createSellableSku(t())
    const o = await backordered(channel, sku, 4)
    const adjust = (quantityDelta: number) =>
      t().gql(`mutation ($input: AdjustInventoryInput!) { adjustInventory(input: $input) { userErrors { code message } } }`, { input: { sku, locationCode: node, quantityDelta, reason: 'FOUND', note: 'behind the rack' } }, ops)
    expect((await adjust(1)).data.adjustInventory.userErrors).toEqual([])
    const partly = await becomes(o.number, 'PARTIALLY_ALLOCATED')
    expect(partly.lines[0]).toMatchObject({ allocatedQuantity: 1, backorderedQuantity: 3 })
    expect(partly.exceptions).toEqual([expect.objectContaining({ type: 'STOCK_SHORTAGE', status: 'OPEN', title: expect.stringMatching(/3 units backordered$/) })])
    servedFrom(partly, /^Allocated from arriving stock: stock adjustment adjustment:\d+ at /)

    expect((await adjust(3)).data.adjustInventory.userErrors).toEqual([])
    const full = await becomes(o.number, 'ALLOCATED')
    expect(full.lines[0]).toMatchObject({ allocatedQuantity: 4, backorderedQuantity: 0 })
    expect(full.exceptions).toEqual([expect.objectContaining({ type: 'STOCK_SHORTAGE', status: 'RESOLVED' })])
    await ledgerClean()
  })

  it('a released reservation: cancelling one order serves the backorder waiting behind it', async () => {
    const channel = await createSalesChannel(t())
    const node = await createFulfilmentNode(t())
    const sku = await createSellableSku(t())
    await stockUp(t(), sku, node, 2)
    const first = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 2 }]))
    expect(first.order.status).toBe('ALLOCATED')
    const waiting = await backordered(channel, sku, 2)
    const cancel = await t().gql(`mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { order { status } userErrors { code } } }`, { input: { orderId: first.order.id, reason: 'Customer changed their mind' } }, ops)
    expect(cancel.data.cancelOrder.order.status).toBe('CANCELLED')
    const served = await becomes(waiting.number, 'ALLOCATED')
    servedFrom(served, new RegExp(`^Allocated from arriving stock: released reservation order:${first.order.number} at `))
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 2, reserved: 2, available: 0 })
    await ledgerClean()
  })

  it('a purchase-order receipt: the units the supplier delivers go to the order waiting for them', async () => {
    const buyer = { role: 'PROCUREMENT' as const, sub: 'buyer@test' }
    const controller = { role: 'FINANCE' as const, sub: 'controller@test' }
    const w = await createReplenishableSku(t(), { onHand: 2, terms: { leadTimeMeanDays: 5, leadTimeStdDevDays: 1, minimumOrderQuantity: 6, packSize: 6 } })
    expect((await placeOrder(t(), orderInput(w.channel, [{ sku: w.sku, quantity: 2 }]))).order.status).toBe('ALLOCATED')
    const o = await backordered(w.channel, w.sku, 4)
    // The backorder itself puts the position below its reorder point: planning suggests an order that covers it.
    const plan = await generateSuggestions(t(), w.node)
    const suggestion = plan.suggestions.find((s) => s.sku.code === w.sku)
    expect(suggestion).toMatchObject({ status: 'OPEN', supplier: { code: w.supplier } })
    expect(suggestion.suggestedQuantity).toBeGreaterThanOrEqual(4)
    const call = async (name: string, type: string, input: Record<string, unknown>, as: object) => {
      const res = await t().gql(`mutation ($input: ${type}!) { ${name}(input: $input) { ${name === 'approveReplenishmentSuggestions' ? 'purchaseOrders { id }' : 'purchaseOrder { id status }'} userErrors { code message } } }`, { input }, as)
      expect(res.data[name].userErrors).toEqual([])
      return res.data[name]
    }
    const [po] = (await call('approveReplenishmentSuggestions', 'ApproveReplenishmentSuggestionsInput', { suggestionIds: [suggestion.id] }, buyer)).purchaseOrders
    await call('submitPurchaseOrder', 'PurchaseOrderIdInput', { purchaseOrderId: po.id }, buyer)
    await call('approvePurchaseOrder', 'PurchaseOrderIdInput', { purchaseOrderId: po.id }, controller)
    await call('sendPurchaseOrder', 'SendPurchaseOrderInput', { purchaseOrderId: po.id, expectedArrival: new Date(Date.now() + 5 * 86_400_000).toISOString() }, buyer)
    expect((await order(o.number)).status).toBe('BACKORDERED')

    const received = await call('receivePurchaseOrder', 'ReceivePurchaseOrderInput', { purchaseOrderId: po.id, lines: [{ sku: w.sku, quantity: suggestion.suggestedQuantity }] }, buyer)
    expect(received.purchaseOrder.status).toBe('RECEIVED')
    const served = await becomes(o.number, 'ALLOCATED')
    servedFrom(served, /^Allocated from arriving stock: purchase order receipt/)
    expect(served.lines).toEqual([expect.objectContaining({ quantity: 4, allocatedQuantity: 4, backorderedQuantity: 0 })])
    expect(served.exceptions).toEqual([expect.objectContaining({ type: 'STOCK_SHORTAGE', status: 'RESOLVED' })])
    await ledgerClean()
  })

  it('a 3PL feed that raises a position', async () => {
    const channel = await createSalesChannel(t())
    const tpl = await createFulfilmentNode(t(), { kind: 'THIRD_PARTY' })
    const sku = await createSellableSku(t())
    const o = await backordered(channel, sku, 1)
    const res = await t().gql(
      `mutation ($input: ImportInventoryFeedInput!) { importInventoryFeed(input: $input) { adjusted discrepancies userErrors { code message } } }`,
      { input: { locationCode: tpl, csv: `sku,quantity\n${sku},4\n` } },
      ops,
    )
    expect(res.data.importInventoryFeed).toMatchObject({ adjusted: 1, discrepancies: 0, userErrors: [] })
    const served = await becomes(o.number, 'ALLOCATED')
    servedFrom(served, new RegExp(`^Allocated from arriving stock: 3PL feed feed:\\d+ at ${tpl}$`))
    expect(served.fulfillmentOrders).toEqual([{ status: 'OPEN', location: { code: tpl } }])
    await ledgerClean()
  })

  it('a restocked return', async () => {
    const channel = await createSalesChannel(t())
    const node = await createFulfilmentNode(t(), { cutoffTime: '23:59' })
    const sku = await createSellableSku(t())
    await stockUp(t(), sku, node, 1)
    await createBins(t(), node, [{ code: 'R-01', sequence: 1, stock: { [sku]: 1 } }])
    await createCarrierService(t(), 'UPS', 'GROUND', 2)
    const delivered = await createDeliveredOrder(t(), channel, node, [{ sku, quantity: 1 }])
    const waiting = await backordered(channel, sku, 1)

    const deliveredId = (await order(delivered.order.number)).id
    const rma = (await t().gql(`mutation ($input: RequestReturnInput!) { requestReturn(input: $input) { return { id lines { id } } userErrors { code } } }`, { input: { orderId: deliveredId, lines: [{ sku, quantity: 1, reason: 'Too small' }] } }, { role: 'CUSTOMER_SERVICE' })).data.requestReturn.return
    await t().gql(`mutation ($input: ReceiveReturnInput!) { receiveReturn(input: $input) { userErrors { code } } }`, { input: { returnId: rma.id, locationCode: node } }, ops)
    // Received into quality control: in the building, not yet promisable, so the backorder still waits.
    await new Promise((r) => setTimeout(r, 500))
    expect((await order(waiting.number)).status).toBe('BACKORDERED')
    const inspect = await t().gql(`mutation ($input: InspectReturnLineInput!) { inspectReturnLine(input: $input) { userErrors { code } } }`, { input: { returnLineId: rma.lines[0].id, disposition: 'RESTOCK' } }, ops)
    expect(inspect.data.inspectReturnLine.userErrors).toEqual([])
    const served = await becomes(waiting.number, 'ALLOCATED')
    servedFrom(served, /^Allocated from arriving stock: return restocked return:RMA-\d+\/line\/\d+ at /)
    await ledgerClean()
  })

  it('serves competing backorders by service level, then channel priority, before age, when only some can be', async () => {
    const marketplace = await createSalesChannel(t(), { kind: 'MARKETPLACE', priority: 60 })
    const storefront = await createSalesChannel(t(), { priority: 10 })
    const node = await createFulfilmentNode(t())
    const sku = await createSellableSku(t())
    const oldestMarketplace = await backordered(marketplace, sku, 1)
    const storefrontStandard = await backordered(storefront, sku, 1)
    const marketplaceExpress = await backordered(marketplace, sku, 1, { serviceLevel: 'EXPRESS' })
    await t().gql(`mutation ($input: AdjustInventoryInput!) { adjustInventory(input: $input) { userErrors { code } } }`, { input: { sku, locationCode: node, quantityDelta: 2, reason: 'FOUND' } }, ops)

    await becomes(marketplaceExpress.number, 'ALLOCATED')
    await becomes(storefrontStandard.number, 'ALLOCATED')
    // Nothing more can arrive for it: the oldest order, of the lower-priority channel, waits for the next stock.
    await new Promise((r) => setTimeout(r, 500))
    expect((await order(oldestMarketplace.number)).status).toBe('BACKORDERED')
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 2, reserved: 2, available: 0 })

    const served = await t().gql(`mutation ($input: AllocateBackordersInput!) { allocateBackorders(input: $input) { served { order { number } } more userErrors { code } } }`, { input: { skus: [sku] } }, ops)
    expect(served.data.allocateBackorders).toEqual({ served: [], more: false, userErrors: [] })
    const unknown = await t().gql(`mutation ($input: AllocateBackordersInput!) { allocateBackorders(input: $input) { served { from } userErrors { code field } } }`, { input: { skus: [sku, 'NO-SUCH-SKU'] } }, ops)
    expect(unknown.data.allocateBackorders).toEqual({ served: [], userErrors: [{ code: 'NOT_FOUND', field: ['input', 'skus', '1'] }] })
  })
})
