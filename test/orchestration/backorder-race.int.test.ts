import { describe, expect, it } from 'vitest'
import { allocateBackorders, inTransaction, reconcileLedger, systemActor, type Actor } from '@ops-hub/domain'
import { useTestApp } from '../helpers/test-app.ts'
import { deadlockCount } from '../helpers/database.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { stockUp } from '../helpers/factories/stock.ts'
import { orderInput, placeOrder } from '../helpers/factories/orders.ts'

// Jobs off: the runs below are the only ones, started together, so they race each other (and intake, and cancels).
const t = useTestApp({ poolSize: 30 })
const worker = (n: number): Actor => ({ id: `backorder-instance-${n}`, role: 'OPERATIONS' })

/** Every unit reserved at a position is one reserved allocation, per channel too; nothing beyond what is on hand. */
async function assertBooksAgree(sku: string) {
  const prisma = t().app.db.prisma
  const positions = await prisma.$queryRaw<Array<{ location_id: number; on_hand: number; reserved: number; allocated: number }>>`
    SELECT sp.location_id, sp.on_hand, sp.reserved,
      (SELECT COALESCE(sum(a.quantity), 0)::int FROM allocations a JOIN order_lines ol ON ol.id = a.order_line_id
        WHERE ol.sku_id = sp.sku_id AND a.location_id = sp.location_id AND a.status = 'RESERVED') AS allocated
    FROM stock_positions sp JOIN skus s ON s.id = sp.sku_id WHERE s.code = ${sku}`
  for (const p of positions) {
    expect(p.reserved).toBe(p.allocated)
    expect(p.reserved).toBeLessThanOrEqual(p.on_hand)
  }
  const lines = await prisma.$queryRaw<Array<{ id: number; quantity: number; allocated_quantity: number; backordered_quantity: number; cancelled_quantity: number; reserved: number }>>`
    SELECT ol.id, ol.quantity, ol.allocated_quantity, ol.backordered_quantity, ol.cancelled_quantity,
      (SELECT COALESCE(sum(a.quantity), 0)::int FROM allocations a WHERE a.order_line_id = ol.id AND a.status = 'RESERVED') AS reserved
    FROM order_lines ol JOIN skus s ON s.id = ol.sku_id WHERE s.code = ${sku}`
  for (const l of lines) {
    expect(l.reserved).toBe(l.allocated_quantity)
    expect(l.allocated_quantity + l.backordered_quantity + l.cancelled_quantity).toBe(l.quantity)
  }
  const counters = await prisma.$queryRaw<Array<{ reserved: number; allocated: number }>>`
    SELECT cr.reserved, (SELECT COALESCE(sum(a.quantity), 0)::int FROM allocations a JOIN order_lines ol ON ol.id = a.order_line_id
      JOIN orders o ON o.id = ol.order_id WHERE ol.sku_id = cr.sku_id AND o.channel_id = cr.channel_id AND a.status = 'RESERVED') AS allocated
    FROM channel_reservations cr JOIN skus s ON s.id = cr.sku_id WHERE s.code = ${sku}`
  for (const c of counters) expect(c.reserved).toBe(c.allocated)
  const report = await inTransaction(prisma, (tx) => reconcileLedger(tx, {}, systemActor))
  expect(report.mismatches).toEqual([])
  return positions.reduce((s, p) => s + p.reserved, 0)
}

describe('backorder allocation run by several instances at once', () => {
  it('serves the highest-priority backorders, each unit once, and never more than arrived', async () => {
    const prisma = t().app.db.prisma
    const channels = [await createSalesChannel(t(), { priority: 90 }), await createSalesChannel(t(), { priority: 10 }), await createSalesChannel(t(), { priority: 50 })]
    const [a, b] = [await createFulfilmentNode(t()), await createFulfilmentNode(t())]
    const sku = await createSellableSku(t())
    const placed: Array<{ number: string; channel: string }> = []
    for (let i = 0; i < 30; i++) {
      const channel = channels[i % 3]
      const { order } = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }]))
      expect(order.status).toBe('BACKORDERED')
      placed.push({ number: order.number, channel })
    }
    // 17 units arrive at two nodes (nothing runs the worker here: jobs are off).
    await stockUp(t(), sku, a, 9)
    await stockUp(t(), sku, b, 8)
    const skuId = (await prisma.sku.findUniqueOrThrow({ where: { code: sku } })).id

    const run = (n: number) => inTransaction(prisma, (tx) => allocateBackorders(tx, { skuIds: [skuId], locationId: null, limit: 10 }, worker(n)))
    const results = await Promise.all([1, 2, 3, 4].map(run))
    const served = results.flatMap((r) => r.served)
    expect(served.reduce((s, x) => s + x.reservedUnits, 0)).toBe(17)
    expect(new Set(served.map((s) => s.orderId)).size).toBe(served.length)
    expect(await assertBooksAgree(sku)).toBe(17)

    // Channel priority first (all STANDARD): the priority-10 channel's ten, then the priority-50 channel's oldest seven.
    const byPriority = [...placed.filter((p) => p.channel === channels[1]), ...placed.filter((p) => p.channel === channels[2])].slice(0, 17)
    const allocated = await prisma.order.findMany({ where: { number: { in: placed.map((p) => p.number) }, status: 'ALLOCATED' }, select: { number: true } })
    expect(allocated.map((o) => o.number).sort()).toEqual(byPriority.map((p) => p.number).sort())
    expect(await deadlockCount(prisma, 1100)).toBe(0)
  })

  it('keeps the books exact while runs race new orders and cancellations of served orders', async () => {
    const prisma = t().app.db.prisma
    const channel = await createSalesChannel(t())
    const node = await createFulfilmentNode(t())
    const sku = await createSellableSku(t())
    const waiting = []
    for (let i = 0; i < 20; i++) waiting.push((await placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 + (i % 3) }]))).order)
    await stockUp(t(), sku, node, 15)
    const skuId = (await prisma.sku.findUniqueOrThrow({ where: { code: sku } })).id
    const deadlocksBefore = await deadlockCount(prisma)

    const runs = [1, 2, 3].map((n) => inTransaction(prisma, (tx) => allocateBackorders(tx, { skuIds: [skuId], locationId: null }, worker(n))))
    const intake = Array.from({ length: 8 }, () => placeOrder(t(), orderInput(channel, [{ sku, quantity: 2 }])))
    const cancels = waiting.slice(0, 6).map((o) =>
      t().gql(`mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { userErrors { code } } }`, { input: { orderId: o.id, reason: 'race' } }, { role: 'OPERATIONS' }),
    )
    const settled = await Promise.allSettled([...runs, ...intake, ...cancels])
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([])
    // A cancelled order gives its units back: one more run serves what that freed, as the worker would on the event.
    await inTransaction(prisma, (tx) => allocateBackorders(tx, { skuIds: [skuId], locationId: null }, worker(9)))

    const reserved = await assertBooksAgree(sku)
    expect(reserved).toBeGreaterThan(0)
    expect(reserved).toBeLessThanOrEqual(15)
    // After a final run, no order waits while units of its SKU sit unreserved (backorders take partial quantities too).
    const left = await prisma.stockPosition.findFirstOrThrow({ where: { sku: { code: sku } } })
    const smallestWaiting = await prisma.orderLine.aggregate({ where: { sku: { code: sku }, backorderedQuantity: { gt: 0 }, order: { status: { in: ['BACKORDERED', 'PARTIALLY_ALLOCATED'] } } }, _min: { backorderedQuantity: true } })
    if (smallestWaiting._min.backorderedQuantity !== null) expect(left.onHand - left.reserved).toBe(0)
    expect(await deadlockCount(prisma, 1100)).toBe(deadlocksBefore)
  })
})
