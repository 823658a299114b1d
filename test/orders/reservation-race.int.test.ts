import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { deadlockCount } from '../helpers/database.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { createStockedSku, stockPosition, stockUp } from '../helpers/factories/stock.ts'
import { orderInput, placeOrder } from '../helpers/factories/orders.ts'

// Real concurrency on PostgreSQL: 20 pooled connections, requests fired at once over HTTP. PGlite runs the same
// test (it serializes transactions), with identical assertions.
const t = useTestApp({ poolSize: 20 })

const deadlocks = (settleMs = 0) => deadlockCount(t().app.db.prisma, settleMs)

describe('atomic reservation under concurrency', () => {
  it('100 concurrent orders of 1 unit for 10 on hand: exactly 10 allocated, 90 backordered, nothing oversold', async () => {
    const { channel, node, sku } = await createStockedSku(t(), 10)

    const results = await Promise.all(Array.from({ length: 100 }, () => placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }]))))
    expect(results.every((r) => r.userErrors.length === 0)).toBe(true)
    const statuses = results.map((r) => r.order.status)
    expect(statuses.filter((s) => s === 'ALLOCATED')).toHaveLength(10)
    expect(statuses.filter((s) => s === 'BACKORDERED')).toHaveLength(90)
    expect(results.reduce((s, r) => s + r.order.lines[0].allocatedQuantity, 0)).toBe(10)
    expect(results.filter((r) => r.order.status === 'BACKORDERED').every((r) => r.order.lines[0].backorderedQuantity === 1)).toBe(true)
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 10, reserved: 10, available: 0 })

    const prisma = t().app.db.prisma
    const skuRow = await prisma.sku.findUniqueOrThrow({ where: { code: sku } })
    const reservedEvents = await prisma.inventoryEvent.aggregate({ where: { skuId: skuRow.id, type: 'RESERVED' }, _sum: { reservedDelta: true }, _count: true })
    expect(reservedEvents).toEqual({ _sum: { reservedDelta: 10 }, _count: 10 })
    const counter = await prisma.channelReservation.findFirstOrThrow({ where: { skuId: skuRow.id, channel: { code: channel } } })
    expect(counter.reserved).toBe(10)
    expect(await prisma.allocation.aggregate({ where: { orderLine: { skuId: skuRow.id } }, _sum: { quantity: true } })).toEqual({ _sum: { quantity: 10 } })
    const shortages = await prisma.exception.count({ where: { type: 'STOCK_SHORTAGE', order: { lines: { some: { skuId: skuRow.id } } } } })
    expect(shortages).toBe(90)
  })

  it('multi-line orders racing over three SKUs in different line orders: exact totals and no deadlock', async () => {
    const channel = await createSalesChannel(t())
    const nodeA = await createFulfilmentNode(t())
    const nodeB = await createFulfilmentNode(t())
    const [a, b, c] = [await createSellableSku(t()), await createSellableSku(t()), await createSellableSku(t())]
    for (const sku of [a, b, c]) {
      await stockUp(t(), sku, nodeA, 12)
      await stockUp(t(), sku, nodeB, 8)
    }
    const shapes = [[a, b, c], [c, b, a], [b, a], [c, a], [b, c, a], [a, c]]
    const deadlocksBefore = await deadlocks()
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => placeOrder(t(), orderInput(channel, shapes[i % shapes.length].map((sku) => ({ sku, quantity: 1 + (i % 2) }))))),
    )
    expect(results.every((r) => r.userErrors.length === 0 && r.order)).toBe(true)

    for (const sku of [a, b, c]) {
      const demand = results.flatMap((r) => r.order.lines).filter((l: { sku: string }) => l.sku === sku)
      const allocated = demand.reduce((s: number, l: { allocatedQuantity: number }) => s + l.allocatedQuantity, 0)
      const backordered = demand.reduce((s: number, l: { backorderedQuantity: number }) => s + l.backorderedQuantity, 0)
      const wanted = demand.reduce((s: number, l: { quantity: number }) => s + l.quantity, 0)
      expect(allocated).toBe(Math.min(20, wanted))
      expect(allocated + backordered).toBe(wanted)
      const posA = await stockPosition(t(), sku, nodeA)
      const posB = await stockPosition(t(), sku, nodeB)
      expect(posA!.reserved + posB!.reserved).toBe(allocated)
      expect(posA!.reserved).toBeLessThanOrEqual(12)
      expect(posB!.reserved).toBeLessThanOrEqual(8)
    }
    const statuses = new Set(results.map((r) => r.order.status))
    expect([...statuses].every((s) => ['ALLOCATED', 'PARTIALLY_ALLOCATED', 'BACKORDERED'].includes(s))).toBe(true)
    await new Promise((r) => setTimeout(r, 600))
    expect(await deadlocks(1100)).toBe(deadlocksBefore)
  })
})
