// The hand-built world the KPI tests count by hand: two weeks of orders, shipments, a short pick re-routed to a second
// node, cancellations, a backorder, returns, counts, manual adjustments and purchase-order receipts, every business
// moment set by the `now` handed to the domain command that records it (the clock a simulator will drive).
import type { PrismaClient } from '@ops-hub/db'
import {
  adjustInventory, cancelOrder, confirmPick, confirmShipment, createPickWave, inTransaction, inspectReturnLine, issueRefund, placeOrder,
  receiveReturn, recordCarrierEvent, recordCount, releaseOrders, requestReturn, scheduleCycleCounts, verifyPack, type Actor,
} from '@ops-hub/domain'
import type { TestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { createBins, createCarrierService } from '../helpers/factories/warehouse.ts'
import { stockUp } from '../helpers/factories/stock.ts'
import { uniqueCode } from '../helpers/unique.ts'

export const ops: Actor = { id: 'user:ops-lead@test', role: 'OPERATIONS' }
const supervisor: Actor = { id: 'user:supervisor@test', role: 'OPERATIONS' }

/** The week the tests report on (Monday 2 March 2026, UTC) and the one before it. */
export const WEEK = { from: new Date('2026-03-02T00:00:00Z'), to: new Date('2026-03-09T00:00:00Z') }
export const PREVIOUS_WEEK = { from: new Date('2026-02-23T00:00:00Z'), to: WEEK.from }

const at = (iso: string) => new Date(`${iso}Z`)

export interface KpiWorld {
  channelA: string
  channelB: string
  n1: string
  n2: string
  orders: Record<'o1' | 'o2' | 'o3' | 'o4' | 'o5' | 'o6' | 'o7' | 'o8', { id: number; number: string; shipBy: Date | null }>
}

export async function buildKpiWorld(app: TestApp): Promise<KpiWorld> {
  const prisma = app.app.db.prisma
  const run = <T>(fn: Parameters<typeof inTransaction<T>>[1]) => inTransaction(prisma, fn)

  const channelA = await createSalesChannel(app)
  const channelB = await createSalesChannel(app, { kind: 'MARKETPLACE' })
  // N1 is in the customers' region, so routing prefers it; N2 holds a second stock of S2.
  const n1 = await createFulfilmentNode(app, { cutoffTime: '23:59', region: 'IL', postalCode: '62701' })
  const n2 = await createFulfilmentNode(app, { cutoffTime: '23:59', region: 'NV', postalCode: '89101' })
  const [s1, s2, s3] = [await createSellableSku(app), await createSellableSku(app), await createSellableSku(app)]
  await stockUp(app, s1, n1, 100)
  await stockUp(app, s2, n1, 2)
  await stockUp(app, s3, n1, 1)
  await stockUp(app, s2, n2, 5)
  await createBins(app, n1, [
    { code: 'A-1', sequence: 1, stock: { [s1]: 100 } },
    { code: 'A-2', sequence: 2, stock: { [s2]: 2 } },
    { code: 'A-3', sequence: 3, stock: { [s3]: 1 } },
  ])
  await createBins(app, n2, [{ code: 'B-1', sequence: 1, stock: { [s2]: 5 } }])
  await createCarrierService(app, 'UPS', 'GROUND', 2)

  const place = async (channelCode: string, lines: Array<[string, number]>, now: Date) => {
    const { order } = await run((tx) =>
      placeOrder(
        tx,
        {
          channelCode,
          externalId: uniqueCode('KPI'),
          serviceLevel: 'SAME_DAY',
          customer: { email: 'kim@example.com', name: 'Kim Buyer' },
          shipTo: { name: 'Kim Buyer', line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
          payment: { status: 'AUTHORIZED', fraudScore: 0.02 },
          lines: lines.map(([sku, quantity]) => ({ sku, quantity, unitPrice: 10 })),
        },
        ops,
        now,
      ),
    )
    return { id: order.id, number: order.number, shipBy: order.shipBy }
  }

  /** Releases, waves and picks the order's work at `node` (`picked` units per SKU, default all), verifies the parcel. */
  const pickAndPack = async (orderId: number, node: string, now: Date, picked: Record<string, number> = {}) => {
    await run((tx) => releaseOrders(tx, { locationCode: node, limit: 1000 }, ops, now))
    await run((tx) => createPickWave(tx, { locationCode: node }, ops))
    const fo = await prisma.fulfillmentOrder.findFirstOrThrow({ where: { orderId, location: { code: node } } })
    const tasks = await prisma.pickTask.findMany({ where: { fulfillmentOrderId: fo.id, status: 'OPEN' }, include: { sku: true } })
    const scanned = new Map<string, number>()
    for (const task of tasks) {
      const quantity = Math.min(task.quantity, picked[task.sku.code] ?? task.quantity)
      await run((tx) => confirmPick(tx, { taskId: task.id, pickedQuantity: quantity }, ops))
      if (quantity > 0) scanned.set(task.sku.code, (scanned.get(task.sku.code) ?? 0) + quantity)
    }
    await run((tx) => verifyPack(tx, { fulfillmentOrderId: fo.id, scannedItems: [...scanned].map(([sku, quantity]) => ({ sku, quantity })) }, ops))
    return fo.id
  }
  const ship = (fulfillmentOrderId: number, now: Date) =>
    run((tx) => confirmShipment(tx, { fulfillmentOrderId, carrier: 'UPS', service: 'GROUND', trackingNumber: uniqueCode('1Z') }, ops, now))
  const shipWhole = async (orderId: number, node: string, shippedAt: Date) => ship(await pickAndPack(orderId, node, shippedAt), shippedAt)
  const deliver = async (orderId: number, occurredAt: Date) => {
    const shipment = await prisma.shipment.findFirstOrThrow({ where: { orderId } })
    await run((tx) => recordCarrierEvent(tx, { trackingNumber: shipment.trackingNumber, status: 'DELIVERED', occurredAt }, ops))
  }

  // The previous week: two orders shipped on time (3 h and 4 h after placement), delivered, then returned.
  const o7 = await place(channelA, [[s1, 1]], at('2026-02-24T09:00'))
  await shipWhole(o7.id, n1, at('2026-02-24T12:00'))
  await deliver(o7.id, at('2026-02-26T10:00'))
  const o8 = await place(channelA, [[s1, 1]], at('2026-02-25T09:00'))
  await shipWhole(o8.id, n1, at('2026-02-25T13:00'))
  await deliver(o8.id, at('2026-02-27T10:00'))

  // Returns received on Monday: R7 refunded early (30 h after receipt), R8 refunded when inspected (50 h after).
  const r7 = await run((tx) => requestReturn(tx, { orderId: o7.id, lines: [{ sku: s1, quantity: 1, reason: 'Wrong size' }] }, ops, at('2026-02-27T10:00')))
  const r8 = await run((tx) => requestReturn(tx, { orderId: o8.id, lines: [{ sku: s1, quantity: 1, reason: 'Defective' }] }, ops, at('2026-02-27T11:00')))
  await run((tx) => receiveReturn(tx, { returnId: r7.id, locationCode: n1 }, supervisor, at('2026-03-02T10:00')))
  await run((tx) => receiveReturn(tx, { returnId: r8.id, locationCode: n1 }, supervisor, at('2026-03-02T12:00')))
  await run((tx) => issueRefund(tx, { returnId: r7.id }, ops, at('2026-03-03T16:00')))
  await run((tx) => inspectReturnLine(tx, { returnLineId: r7.lines[0].id, disposition: 'RESTOCK' }, supervisor, at('2026-03-04T10:00')))
  await run((tx) => inspectReturnLine(tx, { returnLineId: r8.lines[0].id, disposition: 'RESTOCK' }, supervisor, at('2026-03-04T14:00')))

  // The week: O1 on time (6 h), O2 late (24 h, shipped the day after its same-day promise).
  const o1 = await place(channelA, [[s1, 2]], at('2026-03-02T08:00'))
  await shipWhole(o1.id, n1, at('2026-03-02T14:00'))
  const o2 = await place(channelA, [[s1, 1]], at('2026-03-02T09:00'))
  await shipWhole(o2.id, n1, at('2026-03-03T09:00'))

  // O3 (channel B) is routed complete to N1, but one of its two units is missing from the bin: the short pick
  // re-routes it to N2, so the order leaves in two parcels (on time, not as promised).
  const o3 = await place(channelB, [[s2, 2]], at('2026-03-03T10:00'))
  const shortFo = await pickAndPack(o3.id, n1, at('2026-03-03T11:00'), { [s2]: 1 })
  await ship(shortFo, at('2026-03-03T15:00'))
  await shipWhole(o3.id, n2, at('2026-03-03T18:00'))

  // Two cancellations with different reasons, and an order short when placed (3 x S3 wanted, 1 in stock).
  const o4 = await place(channelA, [[s1, 1]], at('2026-03-03T11:00'))
  await run((tx) => cancelOrder(tx, { orderId: o4.id, reason: 'Customer request' }, ops, at('2026-03-03T12:00')))
  const o6 = await place(channelA, [[s1, 1]], at('2026-03-05T10:00'))
  await run((tx) => cancelOrder(tx, { orderId: o6.id, reason: 'Payment failed' }, ops, at('2026-03-05T11:00')))
  const o5 = await place(channelB, [[s3, 3], [s1, 1]], at('2026-03-04T10:00'))

  // Two manual corrections at N1 (a shrinkage, damaged units found).
  await run((tx) => adjustInventory(tx, { sku: s1, locationCode: n1, quantityDelta: -1, reason: 'SHRINKAGE' }, ops, at('2026-03-04T12:00')))
  await run((tx) => adjustInventory(tx, { sku: s1, locationCode: n1, quantityDelta: 1, bucket: 'DAMAGED', reason: 'DAMAGED' }, ops, at('2026-03-05T12:00')))

  // Counts on Friday: S1 at N1 is 20 units off twice (beyond tolerance), S2 at N2 matches the book.
  // Scheduled on today's clock: a position is first due a class interval after it was created (stocked today, above).
  await run((tx) => scheduleCycleCounts(tx, { horizonDays: 366 }, ops))
  const s1Count = await prisma.cycleCount.findFirstOrThrow({ where: { sku: { code: s1 }, location: { code: n1 } } })
  const s1Book = (await prisma.stockPosition.findFirstOrThrow({ where: { sku: { code: s1 }, location: { code: n1 } } })).onHand
  await run((tx) => recordCount(tx, { cycleCountId: s1Count.id, countedQuantity: s1Book - 20 }, ops, at('2026-03-06T09:00')))
  await run((tx) => recordCount(tx, { cycleCountId: s1Count.id, countedQuantity: s1Book - 20 }, supervisor, at('2026-03-06T10:00')))
  const s2Count = await prisma.cycleCount.findFirstOrThrow({ where: { sku: { code: s2 }, location: { code: n2 } } })
  const s2Book = (await prisma.stockPosition.findFirstOrThrow({ where: { sku: { code: s2 }, location: { code: n2 } } })).onHand
  await run((tx) => recordCount(tx, { cycleCountId: s2Count.id, countedQuantity: s2Book }, ops, at('2026-03-06T11:00')))

  await purchaseHistory(prisma, n1, s1, s2)

  return { channelA, channelB, n1, n2, orders: { o1, o2, o3, o4, o5, o6, o7, o8 } }
}

/**
 * Purchase orders with their receipts. Written as rows: main has no purchase-order commands yet (the replenishment
 * work brings sendPurchaseOrder and receiving); the rows are what those commands record (orderedAt = sent).
 * Supplier terms: S1 5 days, S2 10 days; tolerance 2 days (the setting's default).
 *  - PO1 sent Feb 20 10:00: S1 first received Feb 26 (6 d, adherent, previous week), again Mar 3 (not a first
 *    receipt); S2 first received Mar 3 10:00 (11 d <= 12, adherent).
 *  - PO2 sent Feb 22 10:00: S1 first received Mar 5 10:00 (11 d > 7, late).
 *  - PO3 never sent (no orderedAt): its receipt this week has no lead time to judge.
 */
async function purchaseHistory(prisma: PrismaClient, node: string, s1: string, s2: string) {
  const location = await prisma.location.findUniqueOrThrow({ where: { code: node } })
  const [sku1, sku2] = await Promise.all([prisma.sku.findUniqueOrThrow({ where: { code: s1 } }), prisma.sku.findUniqueOrThrow({ where: { code: s2 } })])
  const supplier = await prisma.supplier.create({ data: { code: uniqueCode('SUP'), name: 'Acme Supply' } })
  await prisma.supplierSku.createMany({
    data: [
      { supplierId: supplier.id, skuId: sku1.id, leadTimeMeanDays: 5, leadTimeStdDevDays: 1, unitCost: 4 },
      { supplierId: supplier.id, skuId: sku2.id, leadTimeMeanDays: 10, leadTimeStdDevDays: 2, unitCost: 4 },
    ],
  })
  const po = (orderedAt: string | null, lines: Array<{ skuId: number; quantity: number }>) =>
    prisma.purchaseOrder.create({
      data: {
        supplierId: supplier.id, locationId: location.id, status: orderedAt ? 'SENT' : 'APPROVED', orderedAt: orderedAt ? at(orderedAt) : null,
        createdBy: ops.id, lines: { create: lines.map((l) => ({ ...l, unitCost: 4 })) },
      },
      include: { lines: true },
    })
  const receive = (purchaseOrderId: number, receivedAt: string, lines: Array<{ purchaseOrderLineId: number; skuId: number; quantity: number }>) =>
    prisma.receipt.create({ data: { purchaseOrderId, locationId: location.id, receivedBy: ops.id, receivedAt: at(receivedAt), lines: { create: lines } } })

  const po1 = await po('2026-02-20T10:00', [{ skuId: sku1.id, quantity: 10 }, { skuId: sku2.id, quantity: 10 }])
  const [po1s1, po1s2] = po1.lines
  await receive(po1.id, '2026-02-26T10:00', [{ purchaseOrderLineId: po1s1.id, skuId: sku1.id, quantity: 6 }])
  await receive(po1.id, '2026-03-03T10:00', [
    { purchaseOrderLineId: po1s1.id, skuId: sku1.id, quantity: 4 },
    { purchaseOrderLineId: po1s2.id, skuId: sku2.id, quantity: 10 },
  ])
  const po2 = await po('2026-02-22T10:00', [{ skuId: sku1.id, quantity: 10 }])
  await receive(po2.id, '2026-03-05T10:00', [{ purchaseOrderLineId: po2.lines[0].id, skuId: sku1.id, quantity: 10 }])
  const po3 = await po(null, [{ skuId: sku1.id, quantity: 5 }])
  await receive(po3.id, '2026-03-04T10:00', [{ purchaseOrderLineId: po3.lines[0].id, skuId: sku1.id, quantity: 5 }])
}
