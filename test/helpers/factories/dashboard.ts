// A small, known world for the dashboard's browser tests: catalog and network through the public
// mutations, stock through the ledger, and a spread of orders and exceptions written directly (the
// order workflow is not what these tests are about).
import type { OrderStatus } from '@ops-hub/db'
import { inTransaction, moveStock, openException, systemActor } from '@ops-hub/domain'
import type { TestApp } from '../test-app.ts'
import { uniqueCode } from '../unique.ts'

const CREATE_CHANNEL = /* GraphQL */ `
  mutation ($input: CreateChannelInput!) { createChannel(input: $input) { channel { code } userErrors { code message } } }`
const CREATE_LOCATION = /* GraphQL */ `
  mutation ($input: CreateLocationInput!) { createLocation(input: $input) { location { code } userErrors { code message } } }`
const CREATE_SKU = /* GraphQL */ `
  mutation ($input: CreateSkuInput!) { createSku(input: $input) { sku { code } userErrors { code message } } }`

async function mutate(t: TestApp, document: string, input: Record<string, unknown>) {
  const res = await t.gql(document, { input })
  const payload = res.data && (Object.values(res.data)[0] as { userErrors: unknown[] })
  if (res.errors || !payload || payload.userErrors.length) throw new Error(`seed mutation failed: ${JSON.stringify(res.errors ?? payload)}`)
}

/** Orders placed `daysAgo` days ago (at 10:00 local), by status: the shape the role views count. */
const ORDER_PLAN: Array<{ status: OrderStatus; daysAgo: number; count: number }> = [
  { status: 'PENDING', daysAgo: 0, count: 2 },
  { status: 'ALLOCATED', daysAgo: 1, count: 3 },
  { status: 'RELEASED', daysAgo: 2, count: 1 },
  { status: 'ON_HOLD', daysAgo: 1, count: 2 },
  { status: 'BACKORDERED', daysAgo: 3, count: 1 },
  { status: 'SHIPPED', daysAgo: 5, count: 3 },
  { status: 'DELIVERED', daysAgo: 9, count: 4 },
  { status: 'CANCELLED', daysAgo: 4, count: 1 },
  { status: 'RETURNED', daysAgo: 12, count: 1 },
  { status: 'DELIVERED', daysAgo: 45, count: 2 },
]

export interface DashboardWorld {
  channelCode: string
  locationCodes: string[]
  skuCodes: string[]
  orderNumbers: string[]
}

export async function fillDashboardWorld(t: TestApp): Promise<DashboardWorld> {
  const channelCode = uniqueCode('WEB')
  await mutate(t, CREATE_CHANNEL, { code: channelCode, name: 'Web storefront', kind: 'STOREFRONT' })
  await mutate(t, CREATE_CHANNEL, { code: uniqueCode('MKT'), name: 'Marketplace', kind: 'MARKETPLACE' })
  const locationCodes = [uniqueCode('WH'), uniqueCode('3PL')]
  await mutate(t, CREATE_LOCATION, { code: locationCodes[0], name: 'Main warehouse', kind: 'WAREHOUSE', dailyPickCapacity: 1200, cutoffTime: '15:00' })
  await mutate(t, CREATE_LOCATION, { code: locationCodes[1], name: 'Overflow 3PL', kind: 'THIRD_PARTY', dailyPickCapacity: 400, cutoffTime: '13:30' })
  const skuCodes = [uniqueCode('TEE'), uniqueCode('MUG'), uniqueCode('CAP')]
  for (const [i, code] of skuCodes.entries()) {
    await mutate(t, CREATE_SKU, { code, name: ['Organic tee', 'Enamel mug', 'Field cap'][i], unitCost: '4.50', unitPrice: '19.00', abcClass: ['A', 'B', 'C'][i] })
  }

  const prisma = t.database.db.prisma
  const channel = await prisma.channel.findUniqueOrThrow({ where: { code: channelCode } })
  const skus = await prisma.sku.findMany({ where: { code: { in: skuCodes } }, orderBy: { id: 'asc' } })
  const locations = await prisma.location.findMany({ where: { code: { in: locationCodes } }, orderBy: { id: 'asc' } })
  for (const [i, sku] of skus.entries()) {
    await inTransaction(prisma, (tx) =>
      moveStock(tx, {
        skuId: sku.id,
        locationId: locations[i % 2].id,
        type: 'RECEIVED',
        deltas: { onHand: 40 + 10 * i },
        actor: systemActor,
        reasonCode: 'RECEIVED',
        referenceDocumentUri: 'test:dashboard',
      }),
    )
  }

  const orderNumbers: string[] = []
  let n = 0
  for (const plan of ORDER_PLAN) {
    for (let k = 0; k < plan.count; k++) {
      const placedAt = new Date()
      placedAt.setDate(placedAt.getDate() - plan.daysAgo)
      // Today's orders an hour ago (never in the future); earlier days at mid-morning, far from midnight.
      if (plan.daysAgo === 0) placedAt.setTime(Date.now() - 3_600_000 + k * 60_000)
      else placedAt.setHours(10, k, 0, 0)
      n += 1
      const order = await prisma.order.create({
        data: {
          channelId: channel.id,
          externalId: uniqueCode('EXT'),
          status: plan.status,
          placedAt,
          customerEmail: `customer${n}@example.com`,
          customerName: `Customer ${n}`,
          shipToName: `Customer ${n}`,
          shipToLine1: `${n} Main St`,
          shipToCity: 'Springfield',
          shipToPostalCode: '12345',
          shipToCountry: 'US',
          paymentStatus: plan.status === 'ON_HOLD' ? 'PENDING' : 'AUTHORIZED',
          totalAmount: 38,
          lines: { create: [{ lineNumber: 1, skuId: skus[n % skus.length].id, quantity: 2, unitPrice: 19 }] },
        },
      })
      orderNumbers.push(order.number)
    }
  }

  await inTransaction(prisma, async (tx) => {
    const held = await tx.order.findFirstOrThrow({ where: { channelId: channel.id, status: 'ON_HOLD' } })
    await openException(tx, { type: 'PAYMENT_HOLD', severity: 'HIGH', ownerRole: 'FINANCE', subjectType: 'Order', subjectId: held.id, orderId: held.id, title: `Payment not captured for ${held.number}` })
    await openException(tx, { type: 'ADDRESS_INVALID', severity: 'MEDIUM', ownerRole: 'CUSTOMER_SERVICE', subjectType: 'Order', subjectId: held.id, orderId: held.id, title: `Address check failed for ${held.number}` })
    const late = await tx.order.findFirstOrThrow({ where: { channelId: channel.id, status: 'BACKORDERED' } })
    await openException(tx, { type: 'STOCK_SHORTAGE', severity: 'CRITICAL', ownerRole: 'OPERATIONS', subjectType: 'Order', subjectId: late.id, orderId: late.id, title: `No stock for ${late.number}`, dueBy: new Date(Date.now() - 2 * 3_600_000) })
    await openException(tx, { type: 'SHIP_BY_RISK', severity: 'HIGH', ownerRole: 'OPERATIONS', subjectType: 'Order', subjectId: late.id, orderId: late.id, title: `${late.number} may miss its ship-by` })
    await openException(tx, { type: 'REPLENISHMENT_RISK', severity: 'MEDIUM', ownerRole: 'PROCUREMENT', subjectType: 'Order', subjectId: late.id, orderId: late.id, title: `Reorder ${skuCodes[0]} before it runs out` })
  })

  return { channelCode, locationCodes, skuCodes, orderNumbers }
}
