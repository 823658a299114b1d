import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { deadlockCount } from '../helpers/database.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { stockPosition, stockUp } from '../helpers/factories/stock.ts'
import { createAllocatedOrder, orderInput, placeOrder } from '../helpers/factories/orders.ts'
import { ledgerMismatches, moveFulfillmentOrder, reservationDrift, skuId } from '../helpers/factories/order-maintenance.ts'

// Real concurrency on PostgreSQL (20 pooled connections, every request over HTTP at once); PGlite runs the same
// assertions with its transactions serialized.
const t = useTestApp({ poolSize: 20 })

describe('moveFulfillmentOrder racing new orders for the same SKU', () => {
  it('two nodes of 10: one move alone, then four moves against 15 new orders - no oversell, books and ledger agree', async () => {
    const channel = await createSalesChannel(t())
    // Orders ship to Springfield IL: the IL node is nearest, so the first 10 land there.
    const il = await createFulfilmentNode(t(), { cutoffTime: '23:59', region: 'IL', postalCode: '62701' })
    const nv = await createFulfilmentNode(t(), { cutoffTime: '23:59', region: 'NV', postalCode: '89101' })
    const sku = await createSellableSku(t())
    await stockUp(t(), sku, il, 10)
    await stockUp(t(), sku, nv, 10)
    const prisma = t().app.db.prisma
    const fulfillmentOrderIds = async (number: string) =>
      (await t().gql(`query ($n: String!) { order(number: $n) { fulfillmentOrders { id number } } }`, { n: number })).data.order.fulfillmentOrders[0] as { id: string; number: string }

    const first10 = []
    for (let i = 0; i < 10; i++) first10.push(await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }]))
    expect(first10.every((o) => o.fulfillmentOrders[0].location.code === il)).toBe(true)
    expect(await stockPosition(t(), sku, il)).toEqual({ onHand: 10, reserved: 10, available: 0 })
    const fos = await Promise.all(first10.map((o) => fulfillmentOrderIds(o.number)))

    const alone = await moveFulfillmentOrder(t(), { fulfillmentOrderId: fos[0].id, toLocationCode: nv, reason: 'balance the floors' })
    expect(alone.userErrors).toEqual([])
    expect(alone.fulfillmentOrder.location.code).toBe(nv)
    expect(await stockPosition(t(), sku, il)).toMatchObject({ reserved: 9 })
    expect(await stockPosition(t(), sku, nv)).toMatchObject({ reserved: 1 })

    const deadlocksBefore = await deadlockCount(prisma)
    const moves = fos.slice(1, 5).map((fo) => moveFulfillmentOrder(t(), { fulfillmentOrderId: fo.id, toLocationCode: nv }))
    const orders = Array.from({ length: 15 }, () => placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }])))
    const [moved, placed] = await Promise.all([Promise.all(moves), Promise.all(orders)])

    // Every move either went through whole or was refused for stock, with nothing half-written.
    for (const [i, m] of moved.entries()) {
      const fo = await prisma.fulfillmentOrder.findUniqueOrThrow({ where: { number: fos[i + 1].number }, include: { location: true, allocations: { include: { location: true } } } })
      if (m.userErrors.length === 0) {
        expect(m.fulfillmentOrder.location.code).toBe(nv)
        expect(fo.location.code).toBe(nv)
        expect(fo.allocations.filter((a) => a.status === 'RESERVED').map((a) => a.location.code)).toEqual([nv])
      } else {
        expect(m.userErrors.map((e) => e.code)).toEqual(['INSUFFICIENT_STOCK'])
        expect(fo.location.code).toBe(il)
        expect(fo.allocations.filter((a) => a.status === 'RESERVED').map((a) => a.location.code)).toEqual([il])
      }
    }
    expect(placed.every((p) => p.userErrors.length === 0)).toBe(true)
    const movedCount = 1 + moved.filter((m) => m.userErrors.length === 0).length

    // At each node reserved = the sum of its RESERVED allocations; nothing beyond the 20 units is allocated.
    const id = await skuId(t(), sku)
    expect(await reservationDrift(t(), [id])).toEqual([])
    const ilPos = await stockPosition(t(), sku, il)
    const nvPos = await stockPosition(t(), sku, nv)
    expect(ilPos!.reserved).toBeLessThanOrEqual(10)
    expect(nvPos!.reserved).toBeLessThanOrEqual(10)
    const allocated = await prisma.allocation.aggregate({ where: { status: 'RESERVED', orderLine: { skuId: id } }, _sum: { quantity: true } })
    expect(allocated._sum.quantity).toBe(20)
    expect(ilPos!.reserved + nvPos!.reserved).toBe(20)
    const newAllocated = placed.reduce((s, p) => s + p.order.lines[0].allocatedQuantity, 0)
    expect(newAllocated).toBe(10)
    expect(placed.filter((p) => p.order.status === 'BACKORDERED')).toHaveLength(5)
    const atNv = await prisma.fulfillmentOrder.count({ where: { number: { in: fos.map((f) => f.number) }, location: { code: nv } } })
    expect(atNv).toBe(movedCount)

    expect(await ledgerMismatches(t())).toBe(0)
    expect(await deadlockCount(prisma, 1100)).toBe(deadlocksBefore)
  })
})
