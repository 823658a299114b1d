import { describe, expect, it } from 'vitest'
import { useTestApp, TEST_WEBHOOK_SECRET } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { stockPosition, stockUp } from '../helpers/factories/stock.ts'
import { orderInput, placeOrder } from '../helpers/factories/orders.ts'
import { binQuantity, createBins, createCarrierService, ledgerBalance } from '../helpers/factories/warehouse.ts'
import { CONFIRM_PICK, CONFIRM_SHIPMENT, CREATE_WAVE, RELEASE, VERIFY_PACK } from '../helpers/factories/fulfillment.ts'
import { signCarrierPayload } from '../../apps/api/src/http/carrier-webhook.ts'

const t = useTestApp()

const ORDER_VIEW = /* GraphQL */ `
  query ($n: String!) {
    order(number: $n) {
      id status promisedShipBy projectedShipDate projectedDeliveryDate projectionBasis
      lines { sku quantity shippedQuantity backorderedQuantity }
      fulfillmentOrders { id number status }
      shipments { trackingNumber status projectedDeliveryAt milestones { status occurredAt } }
      timeline { at kind title detail actor }
    }
  }`

async function view(number: string) {
  const res = await t().gql(ORDER_VIEW, { n: number }, { role: 'CUSTOMER_SERVICE' })
  expect(res.errors).toBeUndefined()
  return res.data.order
}

async function webhook(body: unknown, signature?: string) {
  const raw = JSON.stringify(body)
  const res = await fetch(`${t().url}/webhooks/carrier`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-ops-hub-signature': signature ?? signCarrierPayload(TEST_WEBHOOK_SECRET, raw) },
    body: raw,
  })
  return { status: res.status, body: (await res.json()) as any }
}

describe('one order from placement to delivery, through the API', () => {
  it('waves, picks (one short), packs (one mismatch), ships and tracks it, with the book and the ledger right at every step', async () => {
    const channel = await createSalesChannel(t())
    const node = await createFulfilmentNode(t(), { cutoffTime: '23:59' })
    const skuA = await createSellableSku(t())
    const skuB = await createSellableSku(t())
    await stockUp(t(), skuA, node, 8)
    await stockUp(t(), skuB, node, 4)
    // Bin A-01 is booked with 3 units of A but really holds 2: the short pick.
    await createBins(t(), node, [
      { code: 'A-01', sequence: 10, stock: { [skuA]: 3 } },
      { code: 'A-02', sequence: 20, stock: { [skuA]: 5 } },
      { code: 'B-01', sequence: 30, stock: { [skuB]: 4 } },
    ])
    await createCarrierService(t(), 'UPS', 'GROUND', 2)
    const expectBook = async (sku: string, position: { onHand: number; reserved: number; available: number }) => {
      expect(await stockPosition(t(), sku, node)).toEqual(position)
      const { book, ledger } = await ledgerBalance(t(), sku, node)
      expect(ledger).toEqual(book)
    }

    // Place and release.
    const placed = await placeOrder(t(), orderInput(channel, [{ sku: skuA, quantity: 4 }, { sku: skuB, quantity: 2 }], { customer: { email: 'Robin.Case@Example.com', name: 'Robin Case' } }))
    expect(placed.order.status).toBe('ALLOCATED')
    const number = placed.order.number
    await expectBook(skuA, { onHand: 8, reserved: 4, available: 4 })
    await expectBook(skuB, { onHand: 4, reserved: 2, available: 2 })
    const release = await t().gql(RELEASE, { input: { locationCode: node } }, { role: 'OPERATIONS' })
    expect(release.data.releaseOrders.released).toHaveLength(1)
    expect((await view(number)).status).toBe('RELEASED')

    // Wave: tasks by bin in walk order; nothing moves in the book.
    const waveRes = await t().gql(CREATE_WAVE, { input: { locationCode: node, maxOrders: 10, cutoffFirst: true } }, { role: 'OPERATIONS' })
    expect(waveRes.data.createPickWave.userErrors).toEqual([])
    const wave = waveRes.data.createPickWave.pickWave
    expect(wave.status).toBe('OPEN')
    expect(wave.tasks.map((x: any) => [x.bin.code, x.sku, x.quantity, x.status])).toEqual([
      ['A-01', skuA, 3, 'OPEN'],
      ['A-02', skuA, 1, 'OPEN'],
      ['B-01', skuB, 2, 'OPEN'],
    ])
    let order = await view(number)
    expect(order.status).toBe('IN_FULFILLMENT')
    expect(order.fulfillmentOrders[0].status).toBe('PICKING')
    const foId = order.fulfillmentOrders[0].id
    await expectBook(skuA, { onHand: 8, reserved: 4, available: 4 })

    // Short pick in A-01: 2 of 3. The bin and position lose the missing unit; it is re-reserved from A-02.
    const short = await t().gql(CONFIRM_PICK, { input: { taskId: wave.tasks[0].id, pickedQuantity: 2 } }, { role: 'OPERATIONS' })
    expect(short.data.confirmPick.userErrors).toEqual([])
    expect(short.data.confirmPick.pickTask).toMatchObject({ status: 'SHORT', pickedQuantity: 2 })
    expect(short.data.confirmPick.short).toEqual({ exception: { type: 'PICK_SHORT', ownerRole: 'OPERATIONS' }, reallocatedSameNode: 1, reallocatedOtherNodes: 0, fromSafetyStock: 0, backordered: 0 })
    expect(short.data.confirmPick.readyToPack).toBe(false)
    await expectBook(skuA, { onHand: 7, reserved: 4, available: 3 })
    expect(await binQuantity(t(), node, 'A-01', skuA)).toBe(0)

    const tasksNow = (await t().gql(`query ($n: String!) { pickWave(number: $n) { status tasks { id bin { code } sku quantity status } } }`, { n: wave.number }, { role: 'OPERATIONS' })).data.pickWave
    expect(tasksNow.status).toBe('IN_PROGRESS')
    const open = tasksNow.tasks.filter((x: any) => x.status === 'OPEN')
    expect(open.map((x: any) => [x.bin.code, x.sku, x.quantity])).toEqual([
      ['A-02', skuA, 1],
      ['B-01', skuB, 2],
      ['A-02', skuA, 1],
    ])
    for (const task of open) {
      const r = await t().gql(CONFIRM_PICK, { input: { taskId: task.id, pickedQuantity: task.quantity } }, { role: 'OPERATIONS' })
      expect(r.data.confirmPick.userErrors).toEqual([])
    }
    expect(await binQuantity(t(), node, 'A-02', skuA)).toBe(3)
    await expectBook(skuA, { onHand: 7, reserved: 4, available: 3 })
    await expectBook(skuB, { onHand: 4, reserved: 2, available: 2 })

    // Pack: a wrong scan is refused (and recorded), the right one packs.
    const wrong = await t().gql(VERIFY_PACK, { input: { fulfillmentOrderId: foId, scannedItems: [{ sku: skuA, quantity: 3 }, { sku: skuB, quantity: 2 }] } }, { role: 'OPERATIONS' })
    expect(wrong.data.verifyPack.userErrors).toEqual([{ code: 'PACK_MISMATCH', field: ['input', 'scannedItems'], message: `${skuA}: picked 4 but scanned 3` }])
    expect(wrong.data.verifyPack.fulfillmentOrder.status).toBe('PICKING')
    expect(wrong.data.verifyPack.verification.result).toBe('MISMATCH')
    const packException = await t().app.db.prisma.exception.findFirstOrThrow({ where: { type: 'PACK_MISMATCH', order: { number } } })
    expect(packException).toMatchObject({ ownerRole: 'OPERATIONS', status: 'OPEN' })

    const right = await t().gql(VERIFY_PACK, { input: { fulfillmentOrderId: foId, scannedItems: [{ sku: skuB, quantity: 2 }, { sku: skuA, quantity: 1 }, { sku: skuA, quantity: 3 }] } }, { role: 'OPERATIONS' })
    expect(right.data.verifyPack.userErrors).toEqual([])
    expect(right.data.verifyPack.fulfillmentOrder.status).toBe('PACKED')
    expect((await t().app.db.prisma.exception.findUniqueOrThrow({ where: { id: packException.id } })).status).toBe('RESOLVED')
    await expectBook(skuA, { onHand: 7, reserved: 4, available: 3 })

    // Ship: reserved -> shipped.
    const shipRes = await t().gql(CONFIRM_SHIPMENT, { input: { fulfillmentOrderId: foId, carrier: 'UPS', service: 'GROUND', trackingNumber: '1ZE2E0001', weightGrams: 1200 } }, { role: 'OPERATIONS' })
    expect(shipRes.data.confirmShipment.userErrors).toEqual([])
    const shipment = shipRes.data.confirmShipment.shipment
    expect(shipment).toMatchObject({ trackingNumber: '1ZE2E0001', status: 'LABEL_CREATED', order: { status: 'SHIPPED' } })
    expect(new Date(shipment.projectedDeliveryAt).getTime()).toBeGreaterThan(Date.now())
    await expectBook(skuA, { onHand: 3, reserved: 0, available: 3 })
    await expectBook(skuB, { onHand: 2, reserved: 0, available: 2 })
    order = await view(number)
    expect(order.lines.map((l: any) => l.shippedQuantity)).toEqual([4, 2])
    expect(order.projectedDeliveryDate).toBe(shipment.projectedDeliveryAt)

    const handed = await t().gql(`mutation ($input: HandToCarrierInput!) { handToCarrier(input: $input) { shipment { status handedToCarrierAt } userErrors { code } } }`, { input: { trackingNumber: '1ZE2E0001' } }, { role: 'OPERATIONS' })
    expect(handed.data.handToCarrier.shipment.status).toBe('HANDED_TO_CARRIER')

    // Carrier events by webhook: one duplicate, one out of order.
    const at = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString()
    const t1 = at(1), t2 = at(2), t3 = at(3), t4 = at(4)
    const inTransit = { trackingNumber: '1ZE2E0001', status: 'IN_TRANSIT', occurredAt: t1, location: 'Hub A' }
    expect((await webhook(inTransit)).body).toMatchObject({ status: 'IN_TRANSIT', duplicate: false, applied: true })
    expect((await webhook(inTransit)).body).toMatchObject({ status: 'IN_TRANSIT', duplicate: true, applied: false })
    expect((await webhook({ trackingNumber: '1ZE2E0001', status: 'OUT_FOR_DELIVERY', occurredAt: t3, location: 'Springfield' })).body).toMatchObject({ status: 'OUT_FOR_DELIVERY', applied: true })
    const late = await webhook({ trackingNumber: '1ZE2E0001', status: 'IN_TRANSIT', occurredAt: t2, location: 'Hub B' })
    expect(late.status).toBe(200)
    expect(late.body).toMatchObject({ status: 'OUT_FOR_DELIVERY', duplicate: false, applied: false })
    expect((await view(number)).status).toBe('SHIPPED')
    expect((await webhook({ trackingNumber: '1ZE2E0001', status: 'DELIVERED', occurredAt: t4, location: 'Front door' })).body).toMatchObject({ status: 'DELIVERED', applied: true })

    order = await view(number)
    expect(order.status).toBe('DELIVERED')
    expect(order.shipments[0].milestones.map((m: any) => m.status)).toEqual(['LABEL_CREATED', 'HANDED_TO_CARRIER', 'IN_TRANSIT', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED'])
    expect(order.projectedDeliveryDate).toBe(t4)
    await expectBook(skuA, { onHand: 3, reserved: 0, available: 3 })

    // The customer-service timeline tells the whole story, in order.
    const titles: string[] = order.timeline.map((e: any) => e.title)
    const times = order.timeline.map((e: any) => new Date(e.at).getTime())
    expect([...times].sort((a, b) => a - b)).toEqual(times)
    const steps = [
      /^Order received/,
      /^Released to /,
      /^Picking started/,
      /^In fulfillment/,
      /^Short pick: 2 of 3/,
      /^Exception opened: Short pick/,
      /^Short pick of .*/,
      /^Picked 1 x /,
      /^Picked 2 x /,
      /^Picked 1 x /,
      /^Pack check failed/,
      /^Exception opened: Pack mismatch/,
      /^Packed/,
      /^Exception resolved: Pack mismatch/,
      /^Shipped with UPS GROUND/,
      /^Shipped$/,
      /^Handed to carrier/,
      /^In transit .*1ZE2E0001/,
      /^In transit .*1ZE2E0001/,
      /^Out for delivery/,
      /^Delivered \(UPS/,
      /^Delivered$/,
    ]
    let cursor = -1
    for (const step of steps) {
      const found = titles.findIndex((title, i) => i > cursor && step.test(title))
      expect(found, `timeline step ${step} after #${cursor} in:\n${titles.join('\n')}`).toBeGreaterThan(cursor)
      cursor = found
    }
    const lateEntry = order.timeline.find((e: any) => e.kind === 'CARRIER' && e.detail?.includes('Hub B'))
    expect(lateEntry.detail).toMatch(/reported late/)
    // Only the out-of-order report is marked; milestones that arrived in order are not.
    expect(order.timeline.filter((e: any) => e.kind === 'CARRIER' && /reported late/.test(e.detail ?? ''))).toHaveLength(1)
    expect(new Set(order.timeline.map((e: any) => e.kind))).toEqual(new Set(['ORDER', 'FULFILLMENT', 'WAREHOUSE', 'CARRIER', 'EXCEPTION']))

    // Every step was announced after commit.
    const prisma = t().app.db.prisma
    const dbOrder = await prisma.order.findFirstOrThrow({ where: { number } })
    const topics = new Set((await prisma.outboxEvent.findMany({ where: { OR: [{ aggregateType: 'Order', aggregateId: dbOrder.id }, { payload: { path: ['orderId'], equals: dbOrder.id } }] } })).map((e) => e.topic))
    for (const topic of ['fulfillment.changed', 'shipment.changed', 'order.status_changed', 'stock.changed']) expect(topics).toContain(topic)
    expect(await prisma.outboxEvent.count({ where: { topic: 'exception.opened', aggregateId: packException.id } })).toBe(1)
  })
})
