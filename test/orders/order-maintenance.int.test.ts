import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { stockPosition, stockUp } from '../helpers/factories/stock.ts'
import { createAllocatedOrder, orderInput, placeOrder } from '../helpers/factories/orders.ts'
import { createBins, createCarrierService } from '../helpers/factories/warehouse.ts'
import {
  cancelOrderLines, ledgerMismatches, mergeFulfillmentOrders, moveFulfillmentOrder, orderByNumber, reservationDrift, skuId, updateOrderShipTo,
} from '../helpers/factories/order-maintenance.ts'

const t = useTestApp()
const prisma = () => t().app.db.prisma

async function release(locationCode: string) {
  const res = await t().gql(`mutation ($input: ReleaseOrdersInput!) { releaseOrders(input: $input) { released { number } userErrors { code message } } }`, { input: { locationCode } }, { role: 'OPERATIONS' })
  return res.data.releaseOrders
}
async function wave(locationCode: string) {
  const res = await t().gql(`mutation ($input: CreatePickWaveInput!) { createPickWave(input: $input) { pickWave { number } userErrors { code message } } }`, { input: { locationCode } }, { role: 'OPERATIONS' })
  return res.data.createPickWave
}
async function ledgerCount(sku: string) {
  return prisma().inventoryEvent.count({ where: { stockPosition: { sku: { code: sku } } } })
}
async function dayLoad(locationCode: string) {
  const rows = await prisma().nodeDayLoad.findMany({ where: { location: { code: locationCode } } })
  return rows.reduce((s, r) => s + r.released, 0)
}

/** Two SKUs stocked at one node (late cut-off), a channel, and bins so waves can be created. */
async function world(units = 10) {
  const channel = await createSalesChannel(t())
  const node = await createFulfilmentNode(t(), { cutoffTime: '23:59' })
  const a = await createSellableSku(t())
  const b = await createSellableSku(t())
  await stockUp(t(), a, node, units)
  await stockUp(t(), b, node, units)
  await createBins(t(), node, [{ code: 'A-01', sequence: 1, stock: { [a]: units, [b]: units } }])
  await createCarrierService(t(), 'UPS', 'GROUND', 2)
  return { channel, node, a, b }
}

/** An order split over two nodes (23:59 cut-off): `aUnits` of `a`, stocked 3 only at n1, and one `c`, stocked 3 only at n2. */
async function splitOrder(aUnits: number) {
  const channel = await createSalesChannel(t())
  const n1 = await createFulfilmentNode(t(), { cutoffTime: '23:59' })
  const n2 = await createFulfilmentNode(t(), { cutoffTime: '23:59' })
  const [a, c] = [await createSellableSku(t()), await createSellableSku(t())]
  await stockUp(t(), a, n1, 3)
  await stockUp(t(), c, n2, 3)
  const split = await placeOrder(t(), orderInput(channel, [{ sku: a, quantity: aUnits }, { sku: c, quantity: 1 }]))
  const atN1 = split.order.fulfillmentOrders.find((f: any) => f.location.code === n1)
  const atN2 = split.order.fulfillmentOrders.find((f: any) => f.location.code === n2)
  return { n1, n2, a, split, atN1, atN2 }
}

describe('cancelOrderLines', () => {
  it('an order of two lines with its first line cancelled gives back only that line’s units', async () => {
    const { channel, node, a, b } = await world()
    const order = await createAllocatedOrder(t(), channel, [{ sku: a, quantity: 3 }, { sku: b, quantity: 2 }])
    expect(await stockPosition(t(), a, node)).toMatchObject({ reserved: 3 })

    const res = await cancelOrderLines(t(), { orderId: order.id, lines: [{ lineNumber: 1, quantity: 3 }], reason: 'customer changed mind' })
    expect(res.userErrors).toEqual([])
    expect(res.order.status).toBe('ALLOCATED')
    expect(res.order.lines[0]).toMatchObject({ sku: a, cancelledQuantity: 3, allocatedQuantity: 0, backorderedQuantity: 0 })
    expect(res.order.lines[1]).toMatchObject({ sku: b, cancelledQuantity: 0, allocatedQuantity: 2 })
    expect(await stockPosition(t(), a, node)).toEqual({ onHand: 10, reserved: 0, available: 10 })
    expect(await stockPosition(t(), b, node)).toEqual({ onHand: 10, reserved: 2, available: 8 })
    expect(res.order.fulfillmentOrders[0].allocations.filter((x: any) => x.status === 'RESERVED')).toEqual([{ sku: b, quantity: 2, status: 'RESERVED', location: { code: node } }])

    const released = await prisma().inventoryEvent.findMany({ where: { type: 'RELEASED', reasonCode: 'ORDER_LINE_CANCELLED', stockPosition: { sku: { code: { in: [a, b] } } } } })
    expect(released.map((e) => e.reservedDelta)).toEqual([-3])
    const available = await prisma().outboxEvent.findMany({ where: { topic: 'stock.available', payload: { path: ['reference'], equals: `order:${order.number}` } } })
    expect(available).toHaveLength(1)
    expect(available[0].payload).toMatchObject({ skuIds: [await skuId(t(), a)], cause: 'RESERVATION_RELEASED' })
    expect(await reservationDrift(t(), [await skuId(t(), a), await skuId(t(), b)])).toEqual([])
    const page = await orderByNumber(t(), order.number)
    expect(page.timeline.map((e: any) => e.title)).toContain('Line 1: 3 of 3 cancelled')
    expect(await ledgerMismatches(t())).toBe(0)
  })

  it('cancels backordered units before reserved ones and closes the shortage', async () => {
    const { channel, node, a } = await world(2)
    const placed = await placeOrder(t(), orderInput(channel, [{ sku: a, quantity: 5 }]))
    expect(placed.order).toMatchObject({ status: 'PARTIALLY_ALLOCATED' })
    const res = await cancelOrderLines(t(), { orderId: placed.order.id, lines: [{ lineNumber: 1, quantity: 3 }] })
    expect(res.userErrors).toEqual([])
    expect(res.order.status).toBe('ALLOCATED')
    expect(res.order.lines[0]).toMatchObject({ cancelledQuantity: 3, backorderedQuantity: 0, allocatedQuantity: 2 })
    expect(await stockPosition(t(), a, node)).toMatchObject({ reserved: 2 })
    const page = await orderByNumber(t(), placed.order.number)
    expect(page.exceptions.filter((e: any) => e.type === 'STOCK_SHORTAGE').map((e: any) => e.status)).toEqual(['RESOLVED'])
  })

  it('a partly cancelled line keeps the rest reserved; cancelling everything cancels the order and its work', async () => {
    const { channel, node, a, b } = await world()
    const order = await createAllocatedOrder(t(), channel, [{ sku: a, quantity: 5 }, { sku: b, quantity: 1 }])
    const first = await cancelOrderLines(t(), { orderId: order.id, lines: [{ lineNumber: 1, quantity: 2 }] })
    expect(first.order.lines[0]).toMatchObject({ cancelledQuantity: 2, allocatedQuantity: 3 })
    expect(await stockPosition(t(), a, node)).toMatchObject({ reserved: 3 })

    const rest = await cancelOrderLines(t(), { orderId: order.id, lines: [{ lineNumber: 1, quantity: 3 }, { lineNumber: 2, quantity: 1 }], reason: 'fraud confirmed' })
    expect(rest.userErrors).toEqual([])
    expect(rest.order.status).toBe('CANCELLED')
    expect(rest.order.fulfillmentOrders.map((f: any) => f.status)).toEqual(['CANCELLED'])
    expect(await stockPosition(t(), a, node)).toMatchObject({ reserved: 0 })
    expect(await stockPosition(t(), b, node)).toMatchObject({ reserved: 0 })
    const row = await prisma().order.findUniqueOrThrow({ where: { number: order.number } })
    expect(row.cancelReason).toBe('fraud confirmed')
  })

  it('a released fulfillment order left empty is cancelled and gives its release slot back', async () => {
    const { channel, node, a } = await world()
    const order = await createAllocatedOrder(t(), channel, [{ sku: a, quantity: 1 }])
    const other = await createAllocatedOrder(t(), channel, [{ sku: a, quantity: 1 }])
    expect((await release(node)).released).toHaveLength(2)
    expect(await dayLoad(node)).toBe(2)
    const res = await cancelOrderLines(t(), { orderId: order.id, lines: [{ lineNumber: 1, quantity: 1 }] })
    expect(res.userErrors).toEqual([])
    expect(res.order.status).toBe('CANCELLED')
    expect(await dayLoad(node)).toBe(1)
    expect((await orderByNumber(t(), other.number)).status).toBe('RELEASED')
  })

  describe('bad input: a typed userError and nothing written', () => {
    it('more than is open, an unknown line, a line named twice', async () => {
      const { channel, node, a } = await world()
      const order = await createAllocatedOrder(t(), channel, [{ sku: a, quantity: 2 }])
      const events = await ledgerCount(a)
      const over = await cancelOrderLines(t(), { orderId: order.id, lines: [{ lineNumber: 1, quantity: 3 }] })
      expect(over.userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'lines', '0', 'quantity'], message: expect.stringContaining('Only 2 of line 1 are open') }])
      const unknown = await cancelOrderLines(t(), { orderId: order.id, lines: [{ lineNumber: 9, quantity: 1 }] })
      expect(unknown.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'lines', '0', 'lineNumber'] })
      const twice = await cancelOrderLines(t(), { orderId: order.id, lines: [{ lineNumber: 1, quantity: 1 }, { lineNumber: 1, quantity: 1 }] })
      expect(twice.userErrors[0]).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'lines', '1', 'lineNumber'] })
      const zero = await cancelOrderLines(t(), { orderId: order.id, lines: [{ lineNumber: 1, quantity: 0 }] })
      expect(zero.userErrors[0]).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'lines', '0', 'quantity'] })
      expect(await stockPosition(t(), a, node)).toMatchObject({ reserved: 2 })
      expect(await ledgerCount(a)).toBe(events)
      expect((await orderByNumber(t(), order.number)).lines[0].cancelledQuantity).toBe(0)
    })

    it('after picking started: ILLEGAL_TRANSITION, the reservation stays', async () => {
      const { channel, node, a } = await world()
      const order = await createAllocatedOrder(t(), channel, [{ sku: a, quantity: 2 }])
      await release(node)
      expect((await wave(node)).userErrors).toEqual([])
      const res = await cancelOrderLines(t(), { orderId: order.id, lines: [{ lineNumber: 1, quantity: 1 }] })
      expect(res.userErrors).toEqual([{ code: 'ILLEGAL_TRANSITION', field: ['input', 'lines', '0', 'quantity'], message: expect.stringContaining('Picking has started') }])
      expect(await stockPosition(t(), a, node)).toMatchObject({ reserved: 2 })
      expect((await orderByNumber(t(), order.number)).status).toBe('IN_FULFILLMENT')
    })

    it('a partner cannot touch another channel’s order', async () => {
      const { channel, a } = await world()
      const other = await createSalesChannel(t(), { kind: 'MARKETPLACE' })
      const order = await createAllocatedOrder(t(), channel, [{ sku: a, quantity: 1 }])
      const asPartner = await t().gql(
        `mutation ($input: CancelOrderLinesInput!) { cancelOrderLines(input: $input) { userErrors { code } } }`,
        { input: { orderId: order.id, lines: [{ lineNumber: 1, quantity: 1 }], reason: 'x' } },
        { role: 'PARTNER', channel: other },
      )
      expect(asPartner.data.cancelOrderLines.userErrors).toEqual([{ code: 'NOT_FOUND' }])
      expect((await orderByNumber(t(), order.number)).lines[0].cancelledQuantity).toBe(0)
    })
  })
})

describe('moveFulfillmentOrder', () => {
  async function twoNodes(units = 10) {
    const channel = await createSalesChannel(t())
    const from = await createFulfilmentNode(t(), { cutoffTime: '23:59', region: 'IL', postalCode: '62701' })
    const to = await createFulfilmentNode(t(), { cutoffTime: '23:59', region: 'NV', postalCode: '89101' })
    const sku = await createSellableSku(t())
    await stockUp(t(), sku, from, units)
    await stockUp(t(), sku, to, units)
    return { channel, from, to, sku }
  }

  it('reserves at the new node, then releases at the old one; the channel holds as much as before', async () => {
    const { channel, from, to, sku } = await twoNodes()
    const order = await createAllocatedOrder(t(), channel, [{ sku, quantity: 4 }])
    const fo = order.fulfillmentOrders[0]
    expect(fo.location.code).toBe(from)
    const counterBefore = await prisma().channelReservation.findFirstOrThrow({ where: { sku: { code: sku }, channel: { code: channel } } })

    const res = await moveFulfillmentOrder(t(), { fulfillmentOrderId: (await foId(fo.number)), toLocationCode: to, reason: 'IL floor flooded' })
    expect(res.userErrors).toEqual([])
    expect(res.fulfillmentOrder).toMatchObject({ number: fo.number, status: 'OPEN', location: { code: to } })
    expect(res.fulfillmentOrder.allocations).toEqual([{ sku, quantity: 4, status: 'RESERVED', location: { code: to } }])
    expect(await stockPosition(t(), sku, from)).toEqual({ onHand: 10, reserved: 0, available: 10 })
    expect(await stockPosition(t(), sku, to)).toEqual({ onHand: 10, reserved: 4, available: 6 })
    const counterAfter = await prisma().channelReservation.findFirstOrThrow({ where: { sku: { code: sku }, channel: { code: channel } } })
    expect(counterAfter.reserved).toBe(counterBefore.reserved)

    const ledger = await prisma().inventoryEvent.findMany({ where: { reasonCode: 'FULFILLMENT_MOVED', stockPosition: { sku: { code: sku } } }, orderBy: { id: 'asc' }, include: { stockPosition: { include: { location: true } } } })
    expect(ledger.map((e) => [e.type, e.stockPosition.location.code, e.reservedDelta])).toEqual([['RESERVED', to, 4], ['RELEASED', from, -4]])
    const page = await orderByNumber(t(), order.number)
    expect(page.timeline.map((e: any) => e.title)).toContain(`${fo.number} moved from ${from} to ${to}`)
    expect(await reservationDrift(t(), [await skuId(t(), sku)])).toEqual([])
    expect(await ledgerMismatches(t())).toBe(0)
  })

  it('a released fulfillment order goes back to the new node’s queue and returns its slot', async () => {
    const { channel, from, to, sku } = await twoNodes()
    const order = await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }])
    await release(from)
    expect((await orderByNumber(t(), order.number)).status).toBe('RELEASED')
    expect(await dayLoad(from)).toBe(1)
    const res = await moveFulfillmentOrder(t(), { fulfillmentOrderId: await foId(order.fulfillmentOrders[0].number), toLocationCode: to })
    expect(res.userErrors).toEqual([])
    expect(res.fulfillmentOrder).toMatchObject({ status: 'OPEN', location: { code: to } })
    expect(res.order.status).toBe('ALLOCATED')
    expect(await dayLoad(from)).toBe(0)
    expect((await release(to)).released.map((f: any) => f.number)).toEqual([order.fulfillmentOrders[0].number])
  })

  it('an idempotency key replays the first move instead of moving back or failing', async () => {
    const { channel, from, to, sku } = await twoNodes()
    const order = await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }])
    const id = await foId(order.fulfillmentOrders[0].number)
    const first = await moveFulfillmentOrder(t(), { fulfillmentOrderId: id, toLocationCode: to, idempotencyKey: `move-${id}` })
    const again = await moveFulfillmentOrder(t(), { fulfillmentOrderId: id, toLocationCode: to, idempotencyKey: `move-${id}` })
    expect(first.userErrors).toEqual([])
    expect(again.userErrors).toEqual([])
    expect(again.fulfillmentOrder.location.code).toBe(to)
    expect(await stockPosition(t(), sku, to)).toMatchObject({ reserved: 1 })
    expect(await stockPosition(t(), sku, from)).toMatchObject({ reserved: 0 })
  })

  describe('bad input: a typed userError and nothing written', () => {
    it('a node that lacks stock, a node that is not a fulfilment node, an unknown node, the same node', async () => {
      const { channel, from, to, sku } = await twoNodes(3)
      const order = await createAllocatedOrder(t(), channel, [{ sku, quantity: 3 }])
      await createAllocatedOrder(t(), channel, [{ sku, quantity: 3 }]) // the other node's 3 units are taken too
      const id = await foId(order.fulfillmentOrders[0].number)
      const dock = `DOCK-${Date.now()}`
      await t().gql(`mutation ($input: CreateLocationInput!) { createLocation(input: $input) { userErrors { code } } }`, { input: { code: dock, name: 'Supplier dock', kind: 'SUPPLIER_DOCK' } }, { role: 'OPERATIONS' })
      const before = await prisma().inventoryEvent.count()
      const fromBefore = await stockPosition(t(), sku, from)
      const toBefore = await stockPosition(t(), sku, to)

      const short = await moveFulfillmentOrder(t(), { fulfillmentOrderId: id, toLocationCode: order.fulfillmentOrders[0].location.code === from ? to : from })
      expect(short.userErrors).toEqual([{ code: 'INSUFFICIENT_STOCK', field: ['input', 'toLocationCode'], message: expect.stringContaining('0 promisable') }])
      const notNode = await moveFulfillmentOrder(t(), { fulfillmentOrderId: id, toLocationCode: dock })
      expect(notNode.userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'toLocationCode'], message: expect.stringContaining('not an active fulfilment node') }])
      const unknown = await moveFulfillmentOrder(t(), { fulfillmentOrderId: id, toLocationCode: 'NO-SUCH-NODE' })
      expect(unknown.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'toLocationCode'] })
      const same = await moveFulfillmentOrder(t(), { fulfillmentOrderId: id, toLocationCode: order.fulfillmentOrders[0].location.code })
      expect(same.userErrors[0]).toMatchObject({ code: 'INVALID_INPUT' })

      expect(await prisma().inventoryEvent.count()).toBe(before)
      expect(await stockPosition(t(), sku, from)).toEqual(fromBefore)
      expect(await stockPosition(t(), sku, to)).toEqual(toBefore)
    })

    it('after picking started: ILLEGAL_TRANSITION', async () => {
      const { channel, from, to, sku } = await twoNodes()
      await createBins(t(), from, [{ code: 'B-01', sequence: 1, stock: { [sku]: 10 } }])
      const order = await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }])
      await release(from)
      expect((await wave(from)).userErrors).toEqual([])
      const res = await moveFulfillmentOrder(t(), { fulfillmentOrderId: await foId(order.fulfillmentOrders[0].number), toLocationCode: to })
      expect(res.userErrors).toEqual([{ code: 'ILLEGAL_TRANSITION', field: ['input', 'fulfillmentOrderId'], message: expect.stringContaining('picking has started') }])
      expect(await stockPosition(t(), sku, to)).toMatchObject({ reserved: 0 })
    })
  })
})

describe('mergeFulfillmentOrders', () => {
  it('a split order moved onto one node ships as one fulfillment order', async () => {
    const channel = await createSalesChannel(t())
    const n1 = await createFulfilmentNode(t(), { cutoffTime: '23:59' })
    const n2 = await createFulfilmentNode(t(), { cutoffTime: '23:59' })
    const a = await createSellableSku(t())
    const b = await createSellableSku(t())
    await stockUp(t(), a, n1, 5)
    await stockUp(t(), b, n2, 5)
    await stockUp(t(), b, n1, 5)
    const placed = await placeOrder(t(), orderInput(channel, [{ sku: a, quantity: 2 }, { sku: b, quantity: 1 }]))
    expect(placed.order.fulfillmentOrders).toHaveLength(1)

    // Split: a only at n1, c only at n2; then a arrives at n2 and the n1 part follows it there.
    const c = await createSellableSku(t())
    await stockUp(t(), c, n2, 5)
    const split = await placeOrder(t(), orderInput(channel, [{ sku: a, quantity: 1 }, { sku: c, quantity: 1 }]))
    expect(split.order.routingDecision.rule).toBe('SPLIT')
    const atN2 = split.order.fulfillmentOrders.find((f: any) => f.location.code === n2)
    const atN1 = split.order.fulfillmentOrders.find((f: any) => f.location.code === n1)
    await stockUp(t(), a, n2, 5)
    const moved = await moveFulfillmentOrder(t(), { fulfillmentOrderId: await foId(atN1.number), toLocationCode: n2 })
    expect(moved.userErrors).toEqual([])
    expect(moved.order.fulfillmentOrders.filter((f: any) => f.location.code === n2 && f.status === 'OPEN')).toHaveLength(2)

    const merged = await mergeFulfillmentOrders(t(), { fulfillmentOrderIds: [await foId(atN1.number), await foId(atN2.number)] })
    expect(merged.userErrors).toEqual([])
    const survivor = [atN1, atN2].sort((x, y) => x.number.localeCompare(y.number, undefined, { numeric: true }))[0]
    expect(merged.fulfillmentOrder).toMatchObject({ number: survivor.number, status: 'OPEN', location: { code: n2 } })
    expect(merged.fulfillmentOrder.allocations.map((x: any) => x.sku).sort()).toEqual([a, c].sort())
    const absorbed = merged.order.fulfillmentOrders.find((f: any) => f.number !== survivor.number)
    expect(absorbed).toMatchObject({ status: 'CANCELLED', mergedInto: { number: survivor.number } })
    expect(await reservationDrift(t(), [await skuId(t(), a), await skuId(t(), c)])).toEqual([])
    expect(await ledgerMismatches(t())).toBe(0)

    // Bad input: two orders; two nodes; released work.
    const twoOrders = await mergeFulfillmentOrders(t(), { fulfillmentOrderIds: [await foId(survivor.number), await foId(placed.order.fulfillmentOrders[0].number)] })
    expect(twoOrders.userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'fulfillmentOrderIds'], message: expect.stringContaining('one order') }])
    const split2 = await placeOrder(t(), orderInput(channel, [{ sku: b, quantity: 6 }]))
    expect(split2.order.fulfillmentOrders).toHaveLength(2)
    const twoNodes = await mergeFulfillmentOrders(t(), { fulfillmentOrderIds: await Promise.all(split2.order.fulfillmentOrders.map((f: any) => foId(f.number))) })
    expect(twoNodes.userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'fulfillmentOrderIds'], message: expect.stringContaining('one node') }])
  })

  it('work already released to the floor is not merged: ILLEGAL_TRANSITION, nothing changes', async () => {
    const { n2, a, atN1, atN2 } = await splitOrder(1)
    await stockUp(t(), a, n2, 3)
    expect((await moveFulfillmentOrder(t(), { fulfillmentOrderId: await foId(atN1.number), toLocationCode: n2 })).userErrors).toEqual([])
    await release(n2)
    const res = await mergeFulfillmentOrders(t(), { fulfillmentOrderIds: [await foId(atN1.number), await foId(atN2.number)] })
    expect(res.userErrors).toEqual([{ code: 'ILLEGAL_TRANSITION', field: ['input', 'fulfillmentOrderIds'], message: expect.stringContaining('RELEASED') }])
    const fos = await prisma().fulfillmentOrder.findMany({ where: { number: { in: [atN1.number, atN2.number] } } })
    expect(fos.map((f) => [f.status, f.mergedIntoId])).toEqual([['RELEASED', null], ['RELEASED', null]])
  })
})

describe('updateOrderShipTo', () => {
  it('a failing address holds the order again with its stock kept; the corrected one clears the hold and routes to the nearest node', async () => {
    const channel = await createSalesChannel(t())
    const il = await createFulfilmentNode(t(), { cutoffTime: '23:59', region: 'IL', postalCode: '62701' })
    const nv = await createFulfilmentNode(t(), { cutoffTime: '23:59', region: 'NV', postalCode: '89101' })
    const sku = await createSellableSku(t())
    await stockUp(t(), sku, il, 5)
    await stockUp(t(), sku, nv, 5)
    const order = await createAllocatedOrder(t(), channel, [{ sku, quantity: 2 }])
    expect(order.fulfillmentOrders[0].location.code).toBe(il)

    const bad = await updateOrderShipTo(t(), { orderId: order.id, shipTo: { name: 'Pat Buyer', line1: '9 Strip Ave', city: 'Las Vegas', region: 'NV', postalCode: 'ABC', country: 'US' } })
    expect(bad.userErrors).toEqual([])
    expect(bad.order).toMatchObject({ status: 'ON_HOLD', holds: ['ADDRESS'] })
    expect(bad.order.fulfillmentOrders.map((f: any) => f.status)).toEqual(['ON_HOLD'])
    expect(await stockPosition(t(), sku, il)).toMatchObject({ reserved: 2 })
    expect((await orderByNumber(t(), order.number)).exceptions).toContainEqual({ type: 'ADDRESS_INVALID', status: 'OPEN' })

    const good = await updateOrderShipTo(t(), { orderId: order.id, shipTo: { name: 'Pat Buyer', line1: '9 Strip Ave', city: 'Las Vegas', region: 'NV', postalCode: '89109', country: 'US' }, reason: 'customer moved' })
    expect(good.userErrors).toEqual([])
    expect(good.order).toMatchObject({ status: 'ALLOCATED', holds: [], shipTo: { city: 'Las Vegas', region: 'NV', postalCode: '89109' } })
    expect(good.order.fulfillmentOrders.filter((f: any) => f.status !== 'CANCELLED').map((f: any) => f.location.code)).toEqual([nv])
    expect(await stockPosition(t(), sku, il)).toMatchObject({ reserved: 0 })
    expect(await stockPosition(t(), sku, nv)).toMatchObject({ reserved: 2 })
    const page = await orderByNumber(t(), order.number)
    expect(page.exceptions).toContainEqual({ type: 'ADDRESS_INVALID', status: 'RESOLVED' })
    expect(page.timeline.map((e: any) => e.title)).toEqual(expect.arrayContaining(['Ship-to address changed', 'Hold released: ADDRESS', 'Routed again for the new address']))
    expect(await reservationDrift(t(), [await skuId(t(), sku)])).toEqual([])
    expect(await ledgerMismatches(t())).toBe(0)
  })

  it('after picking started: ILLEGAL_TRANSITION and the address stays', async () => {
    const { channel, node, a } = await world()
    const order = await createAllocatedOrder(t(), channel, [{ sku: a, quantity: 1 }])
    await release(node)
    await wave(node)
    const res = await updateOrderShipTo(t(), { orderId: order.id, shipTo: { name: 'X', line1: '1 Road', city: 'Reno', region: 'NV', postalCode: '89501', country: 'US' } })
    expect(res.userErrors).toEqual([{ code: 'ILLEGAL_TRANSITION', field: ['input', 'orderId'], message: expect.stringContaining('picking has started') }])
    const row = await prisma().order.findUniqueOrThrow({ where: { number: order.number } })
    expect(row.shipToCity).toBe('Springfield')
  })
})

describe('idempotency keys', () => {
  it('a retry with the key gets the first cancellation, merge and ship-to change back instead of running again', async () => {
    const { n1, n2, a, split, atN1, atN2 } = await splitOrder(2)
    const orderId = split.order.id
    const key = `keys-${orderId}`

    const cancel = { orderId, lines: [{ lineNumber: 1, quantity: 1 }], idempotencyKey: `cancel-${key}` }
    const cancelled = await cancelOrderLines(t(), cancel)
    const cancelledAgain = await cancelOrderLines(t(), cancel)
    expect(cancelledAgain.userErrors).toEqual([])
    expect(cancelledAgain.order.lines[0]).toMatchObject({ cancelledQuantity: 1, allocatedQuantity: 1 })
    expect(cancelledAgain.order).toEqual(cancelled.order)
    expect(await stockPosition(t(), a, n1)).toMatchObject({ reserved: 1 })

    await stockUp(t(), a, n2, 3)
    expect((await moveFulfillmentOrder(t(), { fulfillmentOrderId: await foId(atN1.number), toLocationCode: n2 })).userErrors).toEqual([])
    const merge = { fulfillmentOrderIds: [await foId(atN1.number), await foId(atN2.number)], idempotencyKey: `merge-${key}` }
    const merged = await mergeFulfillmentOrders(t(), merge)
    const mergedAgain = await mergeFulfillmentOrders(t(), { ...merge, fulfillmentOrderIds: [...merge.fulfillmentOrderIds].reverse() })
    expect(merged.userErrors).toEqual([])
    expect(mergedAgain.userErrors).toEqual([])
    expect(mergedAgain.fulfillmentOrder).toEqual(merged.fulfillmentOrder)

    const shipTo = { orderId, shipTo: { name: 'Pat Buyer', line1: '9 Strip Ave', city: 'Las Vegas', region: 'NV', postalCode: '89109', country: 'US' }, idempotencyKey: `ship-to-${key}` }
    const changed = await updateOrderShipTo(t(), shipTo)
    const changedAgain = await updateOrderShipTo(t(), shipTo)
    expect(changedAgain.userErrors).toEqual([])
    expect(changedAgain.order).toEqual(changed.order)
    const page = await orderByNumber(t(), split.order.number)
    expect(page.timeline.filter((e: any) => e.title === 'Ship-to address changed')).toHaveLength(1)
    expect(page.timeline.filter((e: any) => e.title.startsWith('Line 1:'))).toHaveLength(1)
    expect(await ledgerMismatches(t())).toBe(0)
  })
})

async function foId(number: string): Promise<string> {
  const fo = await prisma().fulfillmentOrder.findUniqueOrThrow({ where: { number } })
  const res = await t().gql(`query ($n: String!) { order(number: $n) { fulfillmentOrders { id number } } }`, { n: (await prisma().order.findUniqueOrThrow({ where: { id: fo.orderId } })).number })
  return res.data.order.fulfillmentOrders.find((f: any) => f.number === number).id
}
