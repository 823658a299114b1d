// Orders for the live-metrics tests, named by state. They write the rows and the outbox event in one
// transaction, as the order workflow does, so the relay and the metrics see exactly what production sees.
import type { OrderStatus, PrismaClient } from '@ops-hub/db'
import { inTransaction, recordEvents } from '@ops-hub/domain'
import { uniqueCode } from '../unique.ts'

/** An open order routed to `locationId` (one fulfilment order there), placed `ageHours` ago. */
export async function createRoutedOrder(
  prisma: PrismaClient,
  opts: { channelId: number; skuId: number; locationId: number; ageHours?: number; shipByHours?: number; status?: OrderStatus },
) {
  const placedAt = new Date(Date.now() - (opts.ageHours ?? 0) * 3600_000)
  const shipBy = new Date(placedAt.getTime() + (opts.shipByHours ?? 48) * 3600_000)
  return inTransaction(prisma, async (tx) => {
    const order = await tx.order.create({
      data: {
        channelId: opts.channelId, externalId: uniqueCode('EXT'), status: opts.status ?? 'ALLOCATED', placedAt, shipBy,
        customerEmail: `${uniqueCode('c').toLowerCase()}@example.com`, customerName: 'Live Test', shipToName: 'Live Test',
        shipToLine1: '1 Main St', shipToCity: 'Springfield', shipToPostalCode: '12345', shipToCountry: 'US', paymentStatus: 'AUTHORIZED',
        lines: { create: [{ lineNumber: 1, skuId: opts.skuId, quantity: 1, unitPrice: 10, allocatedQuantity: 1 }] },
        fulfillmentOrders: { create: [{ locationId: opts.locationId, status: 'OPEN', shipBy }] },
      },
    })
    await recordEvents(tx, [{ topic: 'order.placed', aggregateType: 'Order', aggregateId: order.id, payload: { orderId: order.id } }])
    return order
  })
}

export async function createChannel(prisma: PrismaClient) {
  const code = uniqueCode('CH')
  return prisma.channel.create({ data: { code, name: code, kind: 'STOREFRONT' } })
}
