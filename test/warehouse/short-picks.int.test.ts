import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { stockPosition, stockUp } from '../helpers/factories/stock.ts'
import { createBins, createCarrierService, createStockedNode, ledgerBalance } from '../helpers/factories/warehouse.ts'
import { orderInput, placeOrder } from '../helpers/factories/orders.ts'
import { CONFIRM_PICK, CONFIRM_SHIPMENT, CREATE_WAVE, VERIFY_PACK, createReleasedOrder } from '../helpers/factories/fulfillment.ts'

const t = useTestApp()

const ORDER = /* GraphQL */ `query ($n: String!) { order(number: $n) { status lines { allocatedQuantity backorderedQuantity shippedQuantity } fulfillmentOrders { id status location { code } } exceptions { type ownerRole } } }`

async function ops(query: string, input: Record<string, unknown>, field: string) {
  const res = await t().gql(query, { input }, { role: 'OPERATIONS' })
  expect(res.errors).toBeUndefined()
  expect(res.data[field].userErrors).toEqual([])
  return res.data[field]
}

async function balanced(sku: string, node: string) {
  const { book, ledger } = await ledgerBalance(t(), sku, node)
  expect(ledger).toEqual(book)
}

/** A SKU with 3 units at a cheap node (in the bins given) and 5 in one bin at a dear one, where a short may re-source. */
async function nearAndFar(nearBins: Array<{ code: string; units: number }>) {
  const channel = await createSalesChannel(t())
  const near = await createFulfilmentNode(t(), { cutoffTime: '23:59', shippingCostPerOrder: '1.00' })
  const far = await createFulfilmentNode(t(), { cutoffTime: '23:59', shippingCostPerOrder: '50.00' })
  const sku = await createSellableSku(t())
  await stockUp(t(), sku, near, 3)
  await stockUp(t(), sku, far, 5)
  await createBins(t(), near, nearBins.map((b, i) => ({ code: b.code, sequence: i + 1, stock: { [sku]: b.units } })))
  await createBins(t(), far, [{ code: 'F-01', sequence: 1, stock: { [sku]: 5 } }])
  return { channel, near, far, sku }
}

describe('short picks', () => {
  it('backorders what no bin or node can cover; the rest ships and the order is partially shipped', async () => {
    const { channel, node, sku } = await createStockedNode(t(), 3, 'S-01')
    const order = await createReleasedOrder(t(), channel, node, [{ sku, quantity: 3 }])
    const wave = (await ops(CREATE_WAVE, { locationCode: node }, 'createPickWave')).pickWave

    const short = await ops(CONFIRM_PICK, { taskId: wave.tasks[0].id, pickedQuantity: 1 }, 'confirmPick')
    expect(short.short).toMatchObject({ reallocatedSameNode: 0, reallocatedOtherNodes: 0, backordered: 2 })
    expect(short.readyToPack).toBe(true)
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 1, reserved: 1, available: 0 })
    await balanced(sku, node)
    let view = (await t().gql(ORDER, { n: order.number })).data.order
    expect(view.lines).toEqual([{ allocatedQuantity: 1, backorderedQuantity: 2, shippedQuantity: 0 }])
    expect(view.exceptions).toContainEqual({ type: 'PICK_SHORT', ownerRole: 'OPERATIONS' })

    const foId = view.fulfillmentOrders[0].id
    await ops(VERIFY_PACK, { fulfillmentOrderId: foId, scannedItems: [{ sku, quantity: 1 }] }, 'verifyPack')
    await ops(CONFIRM_SHIPMENT, { fulfillmentOrderId: foId, carrier: 'UPS', service: 'GROUND', trackingNumber: '1ZBACKORDER1' }, 'confirmShipment')
    view = (await t().gql(ORDER, { n: order.number })).data.order
    expect(view.status).toBe('PARTIALLY_SHIPPED')
    expect(view.lines).toEqual([{ allocatedQuantity: 1, backorderedQuantity: 2, shippedQuantity: 1 }])
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 0, reserved: 0, available: 0 })
    await balanced(sku, node)
    const ledger = await t().app.db.prisma.inventoryEvent.findMany({ where: { order: { number: order.number } }, orderBy: { id: 'asc' } })
    expect(ledger.map((e) => [e.type, e.reasonCode, e.onHandDelta, e.reservedDelta])).toEqual([
      ['RESERVED', expect.anything(), 0, 3],
      ['ADJUSTED', 'PICK_SHORT', -2, -2],
      ['SHIPPED', null, -1, -1],
    ])
  })

  it('re-allocates missing units to another node, which ships them as a second parcel', async () => {
    const { channel, near, far, sku } = await nearAndFar([{ code: 'N-01', units: 1 }, { code: 'N-02', units: 2 }])
    await createCarrierService(t(), 'UPS', 'GROUND', 2)
    const order = await createReleasedOrder(t(), channel, near, [{ sku, quantity: 3 }])
    const wave = (await ops(CREATE_WAVE, { locationCode: near }, 'createPickWave')).pickWave
    expect(wave.tasks.map((x: any) => [x.bin.code, x.quantity])).toEqual([['N-01', 1], ['N-02', 2]])

    await ops(CONFIRM_PICK, { taskId: wave.tasks[0].id, pickedQuantity: 1 }, 'confirmPick')
    const short = await ops(CONFIRM_PICK, { taskId: wave.tasks[1].id, pickedQuantity: 0 }, 'confirmPick')
    expect(short.short).toMatchObject({ reallocatedSameNode: 0, reallocatedOtherNodes: 2, backordered: 0 })
    expect(await stockPosition(t(), sku, near)).toEqual({ onHand: 1, reserved: 1, available: 0 })
    expect(await stockPosition(t(), sku, far)).toEqual({ onHand: 5, reserved: 2, available: 3 })
    await balanced(sku, near)
    await balanced(sku, far)

    let view = (await t().gql(ORDER, { n: order.number })).data.order
    expect(view.fulfillmentOrders.map((f: any) => [f.location.code, f.status])).toEqual([[near, 'PICKING'], [far, 'RELEASED']])
    expect(view.lines).toEqual([{ allocatedQuantity: 3, backorderedQuantity: 0, shippedQuantity: 0 }])

    const [nearFo, farFo] = view.fulfillmentOrders
    await ops(VERIFY_PACK, { fulfillmentOrderId: nearFo.id, scannedItems: [{ sku, quantity: 1 }] }, 'verifyPack')
    await ops(CONFIRM_SHIPMENT, { fulfillmentOrderId: nearFo.id, carrier: 'UPS', service: 'GROUND', trackingNumber: '1ZSPLIT0001' }, 'confirmShipment')
    expect((await t().gql(ORDER, { n: order.number })).data.order.status).toBe('PARTIALLY_SHIPPED')

    const farWave = (await ops(CREATE_WAVE, { locationCode: far }, 'createPickWave')).pickWave
    expect(farWave.tasks.map((x: any) => [x.bin.code, x.quantity])).toEqual([['F-01', 2]])
    await ops(CONFIRM_PICK, { taskId: farWave.tasks[0].id, pickedQuantity: 2 }, 'confirmPick')
    await ops(VERIFY_PACK, { fulfillmentOrderId: farFo.id, scannedItems: [{ sku, quantity: 2 }] }, 'verifyPack')
    await ops(CONFIRM_SHIPMENT, { fulfillmentOrderId: farFo.id, carrier: 'UPS', service: 'GROUND', trackingNumber: '1ZSPLIT0002' }, 'confirmShipment')
    view = (await t().gql(ORDER, { n: order.number })).data.order
    expect(view.status).toBe('SHIPPED')
    expect(view.lines).toEqual([{ allocatedQuantity: 3, backorderedQuantity: 0, shippedQuantity: 3 }])
    expect(await stockPosition(t(), sku, far)).toEqual({ onHand: 3, reserved: 0, available: 3 })
    await balanced(sku, far)
  })
  it("covers a promised unit from another node's safety stock when that is all it has, and says so; new orders still cannot take it", async () => {
    const { channel, near, far, sku } = await nearAndFar([{ code: 'N-01', units: 3 }])
    await createCarrierService(t(), 'UPS', 'GROUND', 2)
    // The far node keeps all 5 of its units as safety stock: nothing there is available to a new order.
    const safety = await t().gql(
      `mutation ($input: AdjustInventoryInput!) { adjustInventory(input: $input) { stockPosition { available safetyStock } userErrors { code message } } }`,
      { input: { sku, locationCode: far, bucket: 'SAFETY_STOCK', quantityDelta: 5, reason: 'CORRECTION', note: 'Protect the far node' } },
      { role: 'OPERATIONS' },
    )
    expect(safety.data.adjustInventory).toEqual({ stockPosition: { available: 0, safetyStock: 5 }, userErrors: [] })
    const order = await createReleasedOrder(t(), channel, near, [{ sku, quantity: 3 }])
    const wave = (await ops(CREATE_WAVE, { locationCode: near }, 'createPickWave')).pickWave

    const short = await ops(CONFIRM_PICK, { taskId: wave.tasks[0].id, pickedQuantity: 1 }, 'confirmPick')
    expect(short.short).toMatchObject({ reallocatedSameNode: 0, reallocatedOtherNodes: 2, fromSafetyStock: 2, backordered: 0 })
    expect(await stockPosition(t(), sku, far)).toEqual({ onHand: 5, reserved: 2, available: 0 })
    await balanced(sku, far)
    const view = (await t().gql(`query ($n: String!) { order(number: $n) { lines { allocatedQuantity backorderedQuantity } fulfillmentOrders { status location { code } } timeline { title detail } } }`, { n: order.number })).data.order
    expect(view.lines).toEqual([{ allocatedQuantity: 3, backorderedQuantity: 0 }])
    expect(view.fulfillmentOrders.map((f: any) => [f.location.code, f.status])).toEqual([[near, 'PICKING'], [far, 'RELEASED']])
    expect(view.timeline.find((e: any) => e.title === `Short pick of ${sku}`)?.detail).toBe('2 missing in bin N-01: 2 re-allocated to other nodes, 2 of them from safety stock')
    const ledger = await t().app.db.prisma.inventoryEvent.findMany({ where: { order: { number: order.number }, reasonCode: 'PICK_SHORT_REALLOCATION' } })
    expect(ledger.map((e) => [e.reservedDelta, e.metadata])).toEqual([[2, { fromSafetyStock: 2 }]])

    // A new order for the SKU finds nothing to promise: safety stock still guards against new demand.
    const another = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }]))
    expect(another.userErrors).toEqual([])
    expect(another.order.status).toBe('BACKORDERED')
  })
  it('with fulfillment.shortPickReroute off (the scenario lab baseline) keeps the short at its node: other nodes untouched, the rest backordered', async () => {
    const { channel, near, far, sku } = await nearAndFar([{ code: 'N-01', units: 3 }])
    const order = await createReleasedOrder(t(), channel, near, [{ sku, quantity: 3 }])
    const wave = (await ops(CREATE_WAVE, { locationCode: near }, 'createPickWave')).pickWave
    const prisma = t().app.db.prisma
    await prisma.setting.create({ data: { key: 'fulfillment.shortPickReroute', value: false } })
    try {
      const short = await ops(CONFIRM_PICK, { taskId: wave.tasks[0].id, pickedQuantity: 1 }, 'confirmPick')
      expect(short.short).toMatchObject({ reallocatedSameNode: 0, reallocatedOtherNodes: 0, backordered: 2 })
    } finally {
      await prisma.setting.delete({ where: { key: 'fulfillment.shortPickReroute' } })
    }
    expect(await stockPosition(t(), sku, far)).toEqual({ onHand: 5, reserved: 0, available: 5 })
    const view = (await t().gql(ORDER, { n: order.number })).data.order
    expect(view.fulfillmentOrders.map((f: any) => f.location.code)).toEqual([near])
    expect(view.lines).toEqual([{ allocatedQuantity: 1, backorderedQuantity: 2, shippedQuantity: 0 }])
    await balanced(sku, near)
  })
  it('a fulfillment order for which nothing at all is found is voided, not left PICKING: the order waits for stock again, BACKORDERED', async () => {
    const { channel, node, sku } = await createStockedNode(t(), 2, 'V-01')
    const order = await createReleasedOrder(t(), channel, node, [{ sku, quantity: 2 }])
    const wave = (await ops(CREATE_WAVE, { locationCode: node }, 'createPickWave')).pickWave
    const short = await ops(CONFIRM_PICK, { taskId: wave.tasks[0].id, pickedQuantity: 0 }, 'confirmPick')
    expect(short.short).toMatchObject({ reallocatedSameNode: 0, reallocatedOtherNodes: 0, backordered: 2 })
    expect(short.readyToPack).toBe(false)
    const view = (await t().gql(ORDER, { n: order.number })).data.order
    expect(view.status).toBe('BACKORDERED')
    expect(view.fulfillmentOrders.map((f: any) => f.status)).toEqual(['CANCELLED'])
    expect(view.lines).toEqual([{ allocatedQuantity: 0, backorderedQuantity: 2, shippedQuantity: 0 }])
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 0, reserved: 0, available: 0 })
    await balanced(sku, node)
  })
})
