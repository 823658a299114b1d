import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { deadlockCount } from '../helpers/database.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { stockPosition, stockUp } from '../helpers/factories/stock.ts'
import { binQuantity, createBins, createCarrierService, ledgerBalance } from '../helpers/factories/warehouse.ts'
import { CONFIRM_PICK, CONFIRM_SHIPMENT, CREATE_WAVE, VERIFY_PACK, createPackedOrder, createReleasedOrder, createShippedOrder, fulfillmentOrderId } from '../helpers/factories/fulfillment.ts'

const t = useTestApp()

const CANCEL = `mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { order { status nextStates fulfillmentOrders { status pickTasks { sku status pickedQuantity } } lines { allocations { status } } } userErrors { field message code } } }`
const TIMELINE = `query ($n: String!) { order(number: $n) { id status timeline { kind title detail } } }`

async function orderId(number: string): Promise<string> {
  return (await t().gql(`query ($n: String!) { order(number: $n) { id } }`, { n: number }, { role: 'OPERATIONS' })).data.order.id
}

async function channelReserved(channel: string, sku: string) {
  const row = await t().app.db.prisma.channelReservation.findFirst({ where: { channel: { code: channel }, sku: { code: sku } } })
  return row?.reserved ?? 0
}

async function counts() {
  const p = t().app.db.prisma
  const [ledger, outbox, shipments, events, binStock] = await Promise.all([
    p.inventoryEvent.count(), p.outboxEvent.count(), p.shipment.count(), p.orderEvent.count(), p.binStock.aggregate({ _sum: { quantity: true } }),
  ])
  return { ledger, outbox, shipments, events, binUnits: binStock._sum.quantity }
}

/**
 * The warehouse of `warehouse()` as it was stocked: every unit on hand and back in its bin, nothing reserved (at the
 * node or on the channel), and the ledger re-deriving each position.
 */
async function expectAsStocked({ channel, node, a, b }: { channel: string; node: string; a: string; b: string }) {
  expect(await stockPosition(t(), a, node)).toEqual({ onHand: 6, reserved: 0, available: 6 })
  expect(await stockPosition(t(), b, node)).toEqual({ onHand: 5, reserved: 0, available: 5 })
  expect(await binQuantity(t(), node, 'A-01-02', a)).toBe(6)
  expect(await binQuantity(t(), node, 'B-03-01', b)).toBe(5)
  for (const sku of [a, b]) {
    const balance = await ledgerBalance(t(), sku, node)
    expect(balance.ledger).toEqual(balance.book)
    expect(await channelReserved(channel, sku)).toBe(0)
  }
}

/** Two SKUs in two bins at one node, a carrier service to ship with. */
async function warehouse() {
  const channel = await createSalesChannel(t())
  const node = await createFulfilmentNode(t(), { cutoffTime: '23:59' })
  const a = await createSellableSku(t())
  const b = await createSellableSku(t())
  await stockUp(t(), a, node, 6)
  await stockUp(t(), b, node, 5)
  await createBins(t(), node, [
    { code: 'A-01-02', sequence: 1, stock: { [a]: 6 } },
    { code: 'B-03-01', sequence: 2, stock: { [b]: 5 } },
  ])
  await createCarrierService(t(), 'UPS', 'GROUND', 2)
  return { channel, node, a, b }
}

describe('cancelling an order while the warehouse is working it', () => {
  it('PICKING with one task picked and one open: units back in the bin, reservation released, tasks cancelled', async () => {
    const { channel, node, a, b } = await warehouse()
    const order = await createReleasedOrder(t(), channel, node, [{ sku: a, quantity: 2 }, { sku: b, quantity: 3 }])
    const wave = (await t().gql(CREATE_WAVE, { input: { locationCode: node } }, { role: 'OPERATIONS' })).data.createPickWave.pickWave
    const taskA = wave.tasks.find((x: any) => x.sku === a)
    const picked = await t().gql(CONFIRM_PICK, { input: { taskId: taskA.id, pickedQuantity: 2 } }, { role: 'OPERATIONS' })
    expect(picked.data.confirmPick.userErrors).toEqual([])
    expect(await binQuantity(t(), node, 'A-01-02', a)).toBe(4)
    expect(await stockPosition(t(), a, node)).toEqual({ onHand: 6, reserved: 2, available: 4 })

    const res = await t().gql(CANCEL, { input: { orderId: await orderId(order.number), reason: 'Customer changed their mind' } }, { role: 'CUSTOMER_SERVICE' })
    expect(res.data.cancelOrder.userErrors).toEqual([])
    const cancelled = res.data.cancelOrder.order
    expect(cancelled.status).toBe('CANCELLED')
    expect(cancelled.fulfillmentOrders).toEqual([
      { status: 'CANCELLED', pickTasks: expect.arrayContaining([{ sku: a, status: 'PICKED', pickedQuantity: 2 }, { sku: b, status: 'CANCELLED', pickedQuantity: 0 }]) },
    ])
    expect(cancelled.lines.flatMap((l: any) => l.allocations)).toEqual([{ status: 'CANCELLED' }, { status: 'CANCELLED' }])

    // The picked units never left on-hand: only the bin count and the reservation move.
    await expectAsStocked({ channel, node, a, b })
    const waveRow = await t().app.db.prisma.pickWave.findFirstOrThrow({ where: { number: wave.number } })
    expect(waveRow.status).toBe('COMPLETED')

    const timeline = (await t().gql(TIMELINE, { n: order.number }, { role: 'CUSTOMER_SERVICE' })).data.order.timeline
    const tail = timeline.slice(-4)
    expect(tail).toEqual([
      { kind: 'WAREHOUSE', title: 'Picked units returned to bin A-01-02', detail: expect.stringContaining(`2 x ${a} put back in A-01-02`) },
      { kind: 'WAREHOUSE', title: 'Open pick tasks cancelled', detail: '1 open pick task(s) cancelled' },
      { kind: 'FULFILLMENT', title: expect.stringMatching(/^FO-.* cancelled$/), detail: expect.stringMatching(/PICKING -> CANCELLED$/) },
      { kind: 'ORDER', title: 'Order cancelled', detail: 'Customer changed their mind - 5 reserved unit(s) released' },
    ])
    const outbox = await t().app.db.prisma.outboxEvent.findMany({ where: { topic: { in: ['order.cancelled', 'fulfillment.changed'] } }, orderBy: { id: 'desc' }, take: 2 })
    expect(outbox.map((e) => e.topic).sort()).toEqual(['fulfillment.changed', 'order.cancelled'])

    // Working the cancelled fulfillment order afterwards is refused and changes nothing.
    const taskB = wave.tasks.find((x: any) => x.sku === b)
    const foId = await fulfillmentOrderId(t(), order.number)
    const before = await counts()
    const pick = await t().gql(CONFIRM_PICK, { input: { taskId: taskB.id, pickedQuantity: 3 } }, { role: 'OPERATIONS' })
    expect(pick.data.confirmPick.userErrors[0]).toMatchObject({ code: 'ILLEGAL_TRANSITION', field: ['input', 'taskId'] })
    const pack = await t().gql(VERIFY_PACK, { input: { fulfillmentOrderId: foId, scannedItems: [{ sku: a, quantity: 2 }] } }, { role: 'OPERATIONS' })
    expect(pack.data.verifyPack.userErrors[0]).toMatchObject({ code: 'ILLEGAL_TRANSITION' })
    expect(await counts()).toEqual(before)
  })

  it('PACKED: every picked unit goes back to its bin and the reservation is released', async () => {
    const { channel, node, a, b } = await warehouse()
    const { order } = await createPackedOrder(t(), channel, node, [{ sku: a, quantity: 1 }, { sku: b, quantity: 2 }])
    expect(await binQuantity(t(), node, 'A-01-02', a)).toBe(5)
    expect(await binQuantity(t(), node, 'B-03-01', b)).toBe(3)

    const res = await t().gql(CANCEL, { input: { orderId: await orderId(order.number), reason: 'Address undeliverable' } }, { role: 'OPERATIONS' })
    expect(res.data.cancelOrder.userErrors).toEqual([])
    expect(res.data.cancelOrder.order.status).toBe('CANCELLED')
    expect(res.data.cancelOrder.order.fulfillmentOrders[0].status).toBe('CANCELLED')
    await expectAsStocked({ channel, node, a, b })
    const timeline = (await t().gql(TIMELINE, { n: order.number }, { role: 'CUSTOMER_SERVICE' })).data.order.timeline
    expect(timeline.map((e: any) => e.title)).toEqual(expect.arrayContaining(['Picked units returned to bin A-01-02', 'Picked units returned to bin B-03-01', 'Order cancelled']))
    expect(timeline.find((e: any) => e.title.endsWith(' cancelled') && e.kind === 'FULFILLMENT').detail).toMatch(/PACKED -> CANCELLED$/)
  })

  it('after a short pick: the units found go back to the emptied bin and the book stays balanced', async () => {
    const { channel, node, a } = await warehouse()
    // Bin A-01-02 is booked with 6 units of A but the picker finds only 1 of the 3 asked for.
    const order = await createReleasedOrder(t(), channel, node, [{ sku: a, quantity: 3 }])
    const wave = (await t().gql(CREATE_WAVE, { input: { locationCode: node } }, { role: 'OPERATIONS' })).data.createPickWave.pickWave
    const short = await t().gql(CONFIRM_PICK, { input: { taskId: wave.tasks[0].id, pickedQuantity: 1 } }, { role: 'OPERATIONS' })
    expect(short.data.confirmPick.userErrors).toEqual([])
    expect(await binQuantity(t(), node, 'A-01-02', a)).toBe(0)
    expect(await stockPosition(t(), a, node)).toEqual({ onHand: 4, reserved: 1, available: 3 })

    const res = await t().gql(CANCEL, { input: { orderId: await orderId(order.number), reason: 'Customer gave up waiting' } }, { role: 'CUSTOMER_SERVICE' })
    expect(res.data.cancelOrder.userErrors).toEqual([])
    expect(res.data.cancelOrder.order.status).toBe('CANCELLED')
    expect(await stockPosition(t(), a, node)).toEqual({ onHand: 4, reserved: 0, available: 4 })
    expect(await binQuantity(t(), node, 'A-01-02', a)).toBe(1)
    const balance = await ledgerBalance(t(), a, node)
    expect(balance.ledger).toEqual(balance.book)
    expect(await channelReserved(channel, a)).toBe(0)
  })

  it('a PARTIALLY_SHIPPED order is refused with a clear reason and nothing changes', async () => {
    const { channel, node, b } = await warehouse()
    // Bin B-03-01 is booked with 5 but holds 1: one unit ships, the other 4 are backordered.
    const order = await createReleasedOrder(t(), channel, node, [{ sku: b, quantity: 5 }])
    const wave = (await t().gql(CREATE_WAVE, { input: { locationCode: node } }, { role: 'OPERATIONS' })).data.createPickWave.pickWave
    expect((await t().gql(CONFIRM_PICK, { input: { taskId: wave.tasks[0].id, pickedQuantity: 1 } }, { role: 'OPERATIONS' })).data.confirmPick.userErrors).toEqual([])
    const foId = await fulfillmentOrderId(t(), order.number)
    expect((await t().gql(VERIFY_PACK, { input: { fulfillmentOrderId: foId, scannedItems: [{ sku: b, quantity: 1 }] } }, { role: 'OPERATIONS' })).data.verifyPack.userErrors).toEqual([])
    const ship = await t().gql(CONFIRM_SHIPMENT, { input: { fulfillmentOrderId: foId, carrier: 'UPS', service: 'GROUND', trackingNumber: '1ZPARTCANCEL' } }, { role: 'OPERATIONS' })
    expect(ship.data.confirmShipment.shipment.order.status).toBe('PARTIALLY_SHIPPED')

    const before = { counts: await counts(), position: await stockPosition(t(), b, node) }
    const res = await t().gql(CANCEL, { input: { orderId: await orderId(order.number), reason: 'Rest not needed' } }, { role: 'CUSTOMER_SERVICE' })
    expect(res.data.cancelOrder.userErrors).toEqual([
      { code: 'ILLEGAL_TRANSITION', field: ['input', 'orderId'], message: `Order ${order.number} has partly shipped; cancelling only its unshipped part is not supported` },
    ])
    expect({ counts: await counts(), position: await stockPosition(t(), b, node) }).toEqual(before)
  })

  it('cancel racing the shipment of a PACKED order: exactly one wins and the book stays balanced', async () => {
    const { channel, node, a } = await warehouse()
    const { order, fulfillmentOrderId: foId } = await createPackedOrder(t(), channel, node, [{ sku: a, quantity: 2 }])
    const id = await orderId(order.number)
    const deadlocksBefore = await deadlockCount(t().app.db.prisma)
    const [cancel, ship] = await Promise.all([
      t().gql(CANCEL, { input: { orderId: id, reason: 'Race' } }, { role: 'CUSTOMER_SERVICE' }),
      t().gql(CONFIRM_SHIPMENT, { input: { fulfillmentOrderId: foId, carrier: 'UPS', service: 'GROUND', trackingNumber: '1ZRACE00001' } }, { role: 'OPERATIONS' }),
    ])
    expect(cancel.errors).toBeUndefined()
    expect(ship.errors).toBeUndefined()
    const cancelled = cancel.data.cancelOrder.userErrors.length === 0
    const shipped = ship.data.confirmShipment.userErrors.length === 0
    expect(cancelled !== shipped).toBe(true)
    // Both follow the fulfilment lock order (order, then fulfillment order): one waits, nobody deadlocks.
    expect(await deadlockCount(t().app.db.prisma, 1100)).toBe(deadlocksBefore)
    const status = (await t().gql(TIMELINE, { n: order.number }, { role: 'OPERATIONS' })).data.order.status
    if (cancelled) {
      expect(status).toBe('CANCELLED')
      expect(ship.data.confirmShipment.userErrors[0].code).toBe('ILLEGAL_TRANSITION')
      expect(await stockPosition(t(), a, node)).toEqual({ onHand: 6, reserved: 0, available: 6 })
      expect(await binQuantity(t(), node, 'A-01-02', a)).toBe(6)
      expect(await t().app.db.prisma.shipment.count({ where: { order: { number: order.number } } })).toBe(0)
    } else {
      expect(status).toBe('SHIPPED')
      expect(cancel.data.cancelOrder.userErrors[0].code).toBe('ILLEGAL_TRANSITION')
      expect(await stockPosition(t(), a, node)).toEqual({ onHand: 4, reserved: 0, available: 4 })
      expect(await binQuantity(t(), node, 'A-01-02', a)).toBe(4)
    }
    const balance = await ledgerBalance(t(), a, node)
    expect(balance.ledger).toEqual(balance.book)
  })

  it('a SHIPPED order cannot be cancelled and nothing changes', async () => {
    const { channel, node, a } = await warehouse()
    const shipped = await createShippedOrder(t(), channel, node, [{ sku: a, quantity: 2 }])
    const before = { counts: await counts(), position: await stockPosition(t(), a, node), bin: await binQuantity(t(), node, 'A-01-02', a) }
    const res = await t().gql(CANCEL, { input: { orderId: await orderId(shipped.order.number), reason: 'Too late' } }, { role: 'CUSTOMER_SERVICE' })
    expect(res.data.cancelOrder.userErrors).toEqual([{ code: 'ILLEGAL_TRANSITION', field: ['input', 'orderId'], message: 'Order cannot go from SHIPPED to CANCELLED' }])
    expect({ counts: await counts(), position: await stockPosition(t(), a, node), bin: await binQuantity(t(), node, 'A-01-02', a) }).toEqual(before)
    expect((await t().gql(TIMELINE, { n: shipped.order.number }, { role: 'OPERATIONS' })).data.order.status).toBe('SHIPPED')
  })
})
