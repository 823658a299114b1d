import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { stockPosition } from '../helpers/factories/stock.ts'
import { binQuantity, createStockedNode } from '../helpers/factories/warehouse.ts'
import { CONFIRM_PICK, CONFIRM_SHIPMENT, CREATE_WAVE, VERIFY_PACK, createReleasedOrder, createShippedOrder, fulfillmentOrderId } from '../helpers/factories/fulfillment.ts'

const t = useTestApp()

async function counts() {
  const p = t().app.db.prisma
  const [ledger, outbox, shipments, verifications, exceptions, events] = await Promise.all([
    p.inventoryEvent.count(), p.outboxEvent.count(), p.shipment.count(), p.packVerification.count(), p.exception.count(), p.orderEvent.count(),
  ])
  return { ledger, outbox, shipments, verifications, exceptions, events }
}

async function wavedOrder() {
  const { channel, node, sku } = await createStockedNode(t(), 6, 'X-01')
  const order = await createReleasedOrder(t(), channel, node, [{ sku, quantity: 2 }])
  const wave = (await t().gql(CREATE_WAVE, { input: { locationCode: node } }, { role: 'OPERATIONS' })).data.createPickWave.pickWave
  return { channel, node, sku, order, task: wave.tasks[0], foId: await fulfillmentOrderId(t(), order.number) }
}

describe('illegal moves are typed errors that change nothing', () => {
  it('confirming a pick on a cancelled order', async () => {
    const { node, sku, order, task } = await wavedOrder()
    // Cancelled through the real mutation while the fulfillment order is PICKING: its open task is cancelled.
    const cancel = await t().gql(`mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { order { status } userErrors { code } } }`, { input: { orderId: (await t().gql(`query ($n: String!) { order(number: $n) { id } }`, { n: order.number })).data.order.id, reason: 'Customer asked' } }, { role: 'CUSTOMER_SERVICE' })
    expect(cancel.data.cancelOrder).toEqual({ order: { status: 'CANCELLED' }, userErrors: [] })
    const prisma = t().app.db.prisma
    const dbOrder = await prisma.order.findFirstOrThrow({ where: { number: order.number } })
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 6, reserved: 0, available: 6 })

    const before = await counts()
    const res = await t().gql(CONFIRM_PICK, { input: { taskId: task.id, pickedQuantity: 2 } }, { role: 'OPERATIONS' })
    expect(res.data.confirmPick.userErrors).toEqual([{ code: 'ILLEGAL_TRANSITION', field: ['input', 'taskId'], message: expect.stringMatching(/cancelled/) }])
    expect(await counts()).toEqual(before)
    expect((await prisma.pickTask.findFirstOrThrow({ where: { fulfillmentOrder: { orderId: dbOrder.id } } })).status).toBe('CANCELLED')
    expect(await binQuantity(t(), node, 'X-01', sku)).toBe(6)
  })

  it('shipping an unpacked fulfillment order, packing before picking is done, picking twice or too much', async () => {
    const { node, sku, task, foId } = await wavedOrder()
    const before = await counts()
    const ship = await t().gql(CONFIRM_SHIPMENT, { input: { fulfillmentOrderId: foId, carrier: 'UPS', service: 'GROUND', trackingNumber: '1ZILLEGAL01' } }, { role: 'OPERATIONS' })
    expect(ship.data.confirmShipment.userErrors).toEqual([{ code: 'ILLEGAL_TRANSITION', field: ['input', 'fulfillmentOrderId'], message: 'FulfillmentOrder cannot go from PICKING to SHIPPED' }])
    const pack = await t().gql(VERIFY_PACK, { input: { fulfillmentOrderId: foId, scannedItems: [{ sku, quantity: 2 }] } }, { role: 'OPERATIONS' })
    expect(pack.data.verifyPack.userErrors[0]).toMatchObject({ code: 'ILLEGAL_TRANSITION', message: expect.stringMatching(/open pick task/) })
    const tooMany = await t().gql(CONFIRM_PICK, { input: { taskId: task.id, pickedQuantity: 3 } }, { role: 'OPERATIONS' })
    expect(tooMany.data.confirmPick.userErrors[0]).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'pickedQuantity'] })
    expect(await counts()).toEqual(before)
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 6, reserved: 2, available: 4 })

    expect((await t().gql(CONFIRM_PICK, { input: { taskId: task.id, pickedQuantity: 2 } }, { role: 'OPERATIONS' })).data.confirmPick.userErrors).toEqual([])
    const mid = await counts()
    const twice = await t().gql(CONFIRM_PICK, { input: { taskId: task.id, pickedQuantity: 2 } }, { role: 'OPERATIONS' })
    expect(twice.data.confirmPick.userErrors[0]).toMatchObject({ code: 'ILLEGAL_TRANSITION', message: 'PickTask cannot go from PICKED to PICKED' })
    expect(await counts()).toEqual(mid)
    expect(await binQuantity(t(), node, 'X-01', sku)).toBe(4)
  })

  it('verifying a pack twice and handing a parcel over twice', async () => {
    const { channel, node, sku } = await createStockedNode(t(), 3, 'Y-01')
    const shipped = await createShippedOrder(t(), channel, node, [{ sku, quantity: 1 }])
    const before = await counts()
    const again = await t().gql(VERIFY_PACK, { input: { fulfillmentOrderId: shipped.fulfillmentOrderId, scannedItems: [{ sku, quantity: 1 }] } }, { role: 'OPERATIONS' })
    expect(again.data.verifyPack.userErrors).toEqual([{ code: 'ILLEGAL_TRANSITION', field: ['input', 'fulfillmentOrderId'], message: 'FulfillmentOrder cannot go from SHIPPED to PACKED' }])
    const shipAgain = await t().gql(CONFIRM_SHIPMENT, { input: { fulfillmentOrderId: shipped.fulfillmentOrderId, carrier: 'UPS', service: 'GROUND', trackingNumber: '1ZAGAIN0001' } }, { role: 'OPERATIONS' })
    expect(shipAgain.data.confirmShipment.userErrors[0].code).toBe('ILLEGAL_TRANSITION')
    expect(await counts()).toEqual(before)

    const HAND = `mutation ($input: HandToCarrierInput!) { handToCarrier(input: $input) { shipment { status } userErrors { code message } } }`
    expect((await t().gql(HAND, { input: { trackingNumber: shipped.trackingNumber } }, { role: 'OPERATIONS' })).data.handToCarrier.userErrors).toEqual([])
    const mid = await counts()
    const twice = await t().gql(HAND, { input: { shipmentId: shipped.shipment.id } }, { role: 'OPERATIONS' })
    expect(twice.data.handToCarrier.userErrors).toEqual([{ code: 'ILLEGAL_TRANSITION', message: 'Shipment cannot go from HANDED_TO_CARRIER to HANDED_TO_CARRIER' }])
    expect(await counts()).toEqual(mid)
  })

  it('a verified pack with a mismatch before it: the mismatch is recorded even though nothing advanced', async () => {
    const { sku, task, foId, order } = await wavedOrder()
    await t().gql(CONFIRM_PICK, { input: { taskId: task.id, pickedQuantity: 2 } }, { role: 'OPERATIONS' })
    const wrong = await t().gql(VERIFY_PACK, { input: { fulfillmentOrderId: foId, scannedItems: [{ sku, quantity: 1 }, { sku: 'NOT-IN-PARCEL', quantity: 1 }] } }, { role: 'OPERATIONS' })
    expect(wrong.data.verifyPack.userErrors.map((e: any) => e.message).sort()).toEqual([`${sku}: picked 2 but scanned 1`, 'NOT-IN-PARCEL: picked 0 but scanned 1'].sort())
    expect(wrong.data.verifyPack.fulfillmentOrder.status).toBe('PICKING')
    const exceptions = await t().gql(`{ exceptions(filter: { type: [PACK_MISMATCH], status: [OPEN] }) { nodes { ownerRole title order { number } subject { ... on FulfillmentOrder { id } } } } }`, {}, { role: 'OPERATIONS' })
    expect(exceptions.data.exceptions.nodes).toContainEqual({ ownerRole: 'OPERATIONS', title: expect.stringMatching(/^Pack mismatch on FO-/), order: { number: order.number }, subject: { id: foId } })
  })
})
