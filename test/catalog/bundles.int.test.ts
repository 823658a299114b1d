import { describe, expect, it } from 'vitest'
import { orderIntake } from '@ops-hub/domain'
import { useTestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { stockPosition, stockUp } from '../helpers/factories/stock.ts'
import { orderInput, placeOrder } from '../helpers/factories/orders.ts'
import { createBins, createCarrierService } from '../helpers/factories/warehouse.ts'
import { CONFIRM_PICK, CONFIRM_SHIPMENT, CREATE_WAVE, RELEASE, VERIFY_PACK } from '../helpers/factories/fulfillment.ts'
import { cancelOrderLines, ledgerMismatches, orderByNumber, reservationDrift, skuId } from '../helpers/factories/order-maintenance.ts'

const t = useTestApp()

const SET_BUNDLE = /* GraphQL */ `mutation ($input: SetBundleComponentsInput!) {
  setBundleComponents(input: $input) { sku { code isBundle bundleComponents { sku { code } quantity } } userErrors { field message code } } }`
const AVAILABILITY = /* GraphQL */ `query ($code: String!) { sku(code: $code) {
  isBundle availability { available byLocation { locationCode available } components { sku quantityPerBundle available covers } } } }`

async function setBundle(sku: string, components: Array<{ sku: string; quantity: number }>, role: 'OPERATIONS' | 'FINANCE' = 'OPERATIONS') {
  const res = await t().gql(SET_BUNDLE, { input: { sku, components } }, { role })
  return { errors: res.errors, ...(res.data?.setBundleComponents as { sku: any; userErrors: Array<{ field: string[] | null; message: string; code: string }> } | undefined) }
}
async function ok(query: string, input: Record<string, unknown>, field: string) {
  const res = await t().gql(query, { input }, { role: 'OPERATIONS' })
  expect(res.errors).toBeUndefined()
  expect(res.data[field].userErrors).toEqual([])
  return res.data[field]
}

/** C1 and C2 stocked at one node with a bin each, and BUNDLE = 2 x C1 + 1 x C2. */
async function bundleWorld(c1Units = 10, c2Units = 3) {
  const channel = await createSalesChannel(t())
  const node = await createFulfilmentNode(t(), { cutoffTime: '23:59' })
  const [c1, c2, bundle] = [await createSellableSku(t()), await createSellableSku(t()), await createSellableSku(t())]
  await stockUp(t(), c1, node, c1Units)
  await stockUp(t(), c2, node, c2Units)
  await createBins(t(), node, [{ code: 'K-01', sequence: 1, stock: { [c1]: c1Units } }, { code: 'K-02', sequence: 2, stock: { [c2]: c2Units } }])
  const set = await setBundle(bundle, [{ sku: c1, quantity: 2 }, { sku: c2, quantity: 1 }])
  expect(set).toMatchObject({ userErrors: [], sku: { code: bundle, isBundle: true, bundleComponents: [{ sku: { code: c1 }, quantity: 2 }, { sku: { code: c2 }, quantity: 1 }] } })
  return { channel, node, c1, c2, bundle }
}

describe('bundles', () => {
  it('a bundle of 2 x C1 + 1 x C2 ordered once reserves 2 of C1 and 1 of C2, on the locking path', async () => {
    const { channel, node, c1, c2, bundle } = await bundleWorld()
    const stats = orderIntake(t().app.db).stats
    const locking = stats.lockingPath
    const placed = await placeOrder(t(), orderInput(channel, [{ sku: bundle, quantity: 1, unitPrice: '25.00' }]))
    expect(placed.userErrors).toEqual([])
    expect(placed.order.status).toBe('ALLOCATED')
    expect(stats.lockingPath).toBe(locking + 1)
    expect(await stockPosition(t(), c1, node)).toEqual({ onHand: 10, reserved: 2, available: 8 })
    expect(await stockPosition(t(), c2, node)).toEqual({ onHand: 3, reserved: 1, available: 2 })
    expect(await stockPosition(t(), bundle, node)).toBeNull()

    const order = await orderByNumber(t(), placed.order.number)
    expect(order.lines.map((l: any) => [l.lineNumber, l.sku, l.quantity, l.isBundle, l.bundleLineNumber, l.quantityPerBundle, l.allocatedQuantity])).toEqual([
      [1, bundle, 1, true, null, null, 1],
      [2, c1, 2, false, 1, 2, 2],
      [3, c2, 1, false, 1, 1, 1],
    ])
    expect(order.lines[0].allocations).toEqual([])
    expect(order.timeline.map((e: any) => e.title)).toContain(`Bundle ${bundle} x 1 split into its components`)
    const total = await t().app.db.prisma.order.findUniqueOrThrow({ where: { number: placed.order.number } })
    expect(Number(total.totalAmount)).toBe(25)
  })

  it("a bundle's availability is the minimum over its components of floor(available / per-bundle quantity)", async () => {
    const { channel, node, c1, bundle } = await bundleWorld(9, 3)
    const before = (await t().gql(AVAILABILITY, { code: bundle })).data.sku
    expect(before).toMatchObject({
      isBundle: true,
      availability: { available: 3, byLocation: [{ locationCode: node, available: 3 }], components: [{ sku: c1, quantityPerBundle: 2, available: 9, covers: 4 }, { quantityPerBundle: 1, available: 3, covers: 3 }] },
    })
    await placeOrder(t(), orderInput(channel, [{ sku: bundle, quantity: 2 }]))
    const after = (await t().gql(AVAILABILITY, { code: bundle })).data.sku.availability
    expect(after).toMatchObject({ available: 1, components: [{ available: 5, covers: 2 }, { available: 1, covers: 1 }] })
    const plain = (await t().gql(AVAILABILITY, { code: c1 })).data.sku.availability
    expect(plain).toEqual({ available: 5, byLocation: [{ locationCode: node, available: 5 }], components: [] })
  })

  it('components are picked, packed and shipped like any line; the bundle line ships with them', async () => {
    const { channel, node, c1, c2, bundle } = await bundleWorld()
    await createCarrierService(t(), 'UPS', 'GROUND', 2)
    const placed = await placeOrder(t(), orderInput(channel, [{ sku: bundle, quantity: 1 }]))
    await ok(RELEASE, { locationCode: node }, 'releaseOrders')
    const wave = (await ok(CREATE_WAVE, { locationCode: node }, 'createPickWave')).pickWave
    expect(wave.tasks.map((x: any) => [x.sku, x.quantity]).sort()).toEqual([[c1, 2], [c2, 1]].sort())
    for (const task of wave.tasks) await ok(CONFIRM_PICK, { taskId: task.id, pickedQuantity: task.quantity }, 'confirmPick')
    const foId = wave.tasks[0].fulfillmentOrder.id
    await ok(VERIFY_PACK, { fulfillmentOrderId: foId, scannedItems: [{ sku: c1, quantity: 2 }, { sku: c2, quantity: 1 }] }, 'verifyPack')
    const shipped = await ok(CONFIRM_SHIPMENT, { fulfillmentOrderId: foId, carrier: 'UPS', service: 'GROUND', trackingNumber: `1Z${Date.now()}`, weightGrams: 500 }, 'confirmShipment')
    expect(shipped.shipment.order.status).toBe('SHIPPED')
    const order = await orderByNumber(t(), placed.order.number)
    expect(order.lines[0]).toMatchObject({ isBundle: true, shippedQuantity: 1 })
    expect(await stockPosition(t(), c1, node)).toEqual({ onHand: 8, reserved: 0, available: 8 })
    expect(await ledgerMismatches(t())).toBe(0)
  })

  it('short components backorder the bundle; cancelling the bundle line cancels its components in ratio', async () => {
    const { channel, node, c1, c2, bundle } = await bundleWorld(10, 1)
    const placed = await placeOrder(t(), orderInput(channel, [{ sku: bundle, quantity: 2 }]))
    expect(placed.order.status).toBe('PARTIALLY_ALLOCATED')
    let order = await orderByNumber(t(), placed.order.number)
    expect(order.lines[0]).toMatchObject({ allocatedQuantity: 1, backorderedQuantity: 1 })

    const component = await cancelOrderLines(t(), { orderId: placed.order.id, lines: [{ lineNumber: 2, quantity: 1 }] })
    expect(component.userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'lines', '0', 'lineNumber'], message: expect.stringContaining('part of bundle line 1') }])
    const over = await cancelOrderLines(t(), { orderId: placed.order.id, lines: [{ lineNumber: 1, quantity: 3 }] })
    expect(over.userErrors[0]).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'lines', '0', 'quantity'] })

    const res = await cancelOrderLines(t(), { orderId: placed.order.id, lines: [{ lineNumber: 1, quantity: 1 }] })
    expect(res.userErrors).toEqual([])
    order = await orderByNumber(t(), placed.order.number)
    expect(order.lines.map((l: any) => [l.sku, l.cancelledQuantity, l.allocatedQuantity, l.backorderedQuantity])).toEqual([
      [bundle, 1, 1, 0],
      [c1, 2, 2, 0],
      [c2, 1, 1, 0],
    ])
    expect(order.status).toBe('ALLOCATED')
    // C2's backordered unit went first; C1 gave back 2 of its 4 reserved units.
    expect(await stockPosition(t(), c1, node)).toMatchObject({ reserved: 2 })
    expect(await stockPosition(t(), c2, node)).toMatchObject({ reserved: 1 })
    expect(await reservationDrift(t(), [await skuId(t(), c1), await skuId(t(), c2)])).toEqual([])
  })

  describe('setBundleComponents refuses bad make-ups with a typed userError and changes nothing', () => {
    it('self-reference, a bundle inside a bundle, a zero quantity, an unknown SKU, a SKU twice', async () => {
      const { c1, c2, bundle } = await bundleWorld()
      const other = await createSellableSku(t())
      const self = await setBundle(other, [{ sku: other, quantity: 1 }])
      expect(self).toMatchObject({ sku: null, userErrors: [{ code: 'INVALID_INPUT', field: ['input', 'components', '0', 'sku'] }] })
      const nested = await setBundle(other, [{ sku: bundle, quantity: 1 }])
      expect(nested).toMatchObject({ userErrors: [{ code: 'INVALID_INPUT', message: expect.stringContaining('cannot hold another bundle') }] })
      const parent = await setBundle(c1, [{ sku: other, quantity: 1 }])
      expect(parent).toMatchObject({ userErrors: [{ code: 'INVALID_INPUT', field: ['input', 'sku'] }] })
      const zero = await setBundle(other, [{ sku: c1, quantity: 0 }])
      expect(zero).toMatchObject({ userErrors: [{ code: 'INVALID_INPUT', field: ['input', 'components', '0', 'quantity'] }] })
      const unknown = await setBundle(other, [{ sku: 'NO-SUCH-SKU', quantity: 1 }])
      expect(unknown).toMatchObject({ userErrors: [{ code: 'NOT_FOUND', field: ['input', 'components', '0', 'sku'] }] })
      const twice = await setBundle(other, [{ sku: c2, quantity: 1 }, { sku: c2, quantity: 1 }])
      expect(twice).toMatchObject({ userErrors: [{ code: 'INVALID_INPUT', field: ['input', 'components', '1', 'sku'] }] })
      const missing = await setBundle('NO-SUCH-BUNDLE', [{ sku: c2, quantity: 1 }])
      expect(missing).toMatchObject({ userErrors: [{ code: 'NOT_FOUND', field: ['input', 'sku'] }] })
      const row = await t().app.db.prisma.sku.findUniqueOrThrow({ where: { code: other }, include: { components: true } })
      expect(row).toMatchObject({ isBundle: false, components: [] })
      expect((await setBundle(other, [{ sku: c2, quantity: 1 }], 'FINANCE')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    })

    it('while an open order holds the bundle its components cannot change (IN_USE); once cancelled they can; a stocked SKU cannot become one', async () => {
      const { channel, node, c1, c2, bundle } = await bundleWorld()
      const placed = await placeOrder(t(), orderInput(channel, [{ sku: bundle, quantity: 1 }]))
      const inUse = await setBundle(bundle, [{ sku: c1, quantity: 3 }])
      expect(inUse).toMatchObject({ userErrors: [{ code: 'IN_USE', field: ['input', 'sku'], message: expect.stringContaining(placed.order.number) }] })
      const still = await t().app.db.prisma.bundleComponent.findMany({ where: { bundle: { code: bundle } }, orderBy: { componentSkuId: 'asc' } })
      expect(still.map((c) => c.quantity)).toEqual([2, 1])

      await t().gql(`mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { userErrors { code } } }`, { input: { orderId: placed.order.id, reason: 'test' } }, { role: 'OPERATIONS' })
      const replaced = await setBundle(bundle, [{ sku: c1, quantity: 3 }])
      expect(replaced).toMatchObject({ userErrors: [], sku: { bundleComponents: [{ sku: { code: c1 }, quantity: 3 }] } })

      const stocked = await setBundle(c2, [{ sku: c1, quantity: 1 }])
      expect(stocked).toMatchObject({ userErrors: [{ code: 'IN_USE', message: expect.stringContaining(`holds stock at ${node}`) }] })
    })
  })
})
