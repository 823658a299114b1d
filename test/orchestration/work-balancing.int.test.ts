import { describe, expect, it } from 'vitest'
import { pullQueuedWork } from '@ops-hub/domain'
import { useTestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { stockUp } from '../helpers/factories/stock.ts'
import { createAllocatedOrder } from '../helpers/factories/orders.ts'

const t = useTestApp()
const ops = { role: 'OPERATIONS' as const, sub: 'lead@test' }

const CONFIGURE = `mutation ($input: ConfigureNodeAutomationInput!) { configureNodeAutomation(input: $input) { userErrors { code } } }`
const ORDER = `query ($n: String!) { order(number: $n) { status fulfillmentOrders { number status location { code } } timeline { title detail actor } } }`
const POSITION = `query ($sku: String!, $loc: String!) { stockPosition(sku: $sku, locationCode: $loc) { onHand reserved available } }`

const order = async (n: string) => (await t().gql(ORDER, { n }, ops)).data.order
const nodeId = async (code: string) => (await t().app.db.prisma.location.findUniqueOrThrow({ where: { code } })).id

describe('work balancing between nodes (pullQueuedWork)', () => {
  it('a node with room pulls the work another node will not release today, when it holds the stock, and says why', async () => {
    const channel = await createSalesChannel(t())
    // Cut-offs at 23:59 so the working day is today whatever the hour the suite runs.
    const busy = await createFulfilmentNode(t(), { cutoffTime: '23:59', dailyPickCapacity: 1 })
    const idle = await createFulfilmentNode(t(), { cutoffTime: '23:59', dailyPickCapacity: 10 })
    const sku = await createSellableSku(t())
    await stockUp(t(), sku, busy, 10)
    // Only the busy node has stock: all three orders wait there, two of them beyond its day's capacity of one.
    const orders = [
      await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }], { serviceLevel: 'EXPRESS' }),
      await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }]),
      await createAllocatedOrder(t(), channel, [{ sku, quantity: 2 }]),
    ]
    expect(orders.map((o) => o.fulfillmentOrders[0].location.code)).toEqual([busy, busy, busy])
    const idleId = await nodeId(idle)

    // A node that does not release by itself pulls nothing: its room is its operators' to fill.
    expect(await pullQueuedWork(t().app.db.prisma, { locationId: idleId })).toEqual({ skipped: 'OFF', room: 0, pulled: [] })
    expect((await t().gql(CONFIGURE, { input: { locationCode: idle, autoRelease: true } }, ops)).data.configureNodeAutomation.userErrors).toEqual([])

    // Room but no stock: nothing moves.
    expect(await pullQueuedWork(t().app.db.prisma, { locationId: idleId })).toEqual({ skipped: null, room: 10, pulled: [] })

    await stockUp(t(), sku, idle, 3)
    const outcome = await pullQueuedWork(t().app.db.prisma, { locationId: idleId })
    expect(outcome.room).toBe(10)
    // The express order stays: it is the one the busy node releases today. The other two move.
    expect(outcome.pulled.map((p) => [p.number, p.from])).toEqual([
      [orders[1].fulfillmentOrders[0].number, busy],
      [orders[2].fulfillmentOrders[0].number, busy],
    ])
    expect((await order(orders[0].number)).fulfillmentOrders).toEqual([{ number: orders[0].fulfillmentOrders[0].number, status: 'OPEN', location: { code: busy } }])
    const moved = await order(orders[2].number)
    expect(moved.fulfillmentOrders).toEqual([{ number: orders[2].fulfillmentOrders[0].number, status: 'OPEN', location: { code: idle } }])
    expect(moved.timeline).toContainEqual({
      title: `${orders[2].fulfillmentOrders[0].number} moved from ${busy} to ${idle}`,
      detail: expect.stringMatching(new RegExp(`work balancing: ${busy} will not release it on \\d{4}-\\d{2}-\\d{2} \\(released 0 of 1, 3 waiting\\); ${idle} has room on \\d{4}-\\d{2}-\\d{2} \\(released 0 of 10, 1 waiting\\)$`)),
      actor: `automation:${idle}`,
    })
    // The units moved with the work: reserved where it will be picked, released where it will not.
    expect((await t().gql(POSITION, { sku, loc: busy }, ops)).data.stockPosition).toMatchObject({ onHand: 10, reserved: 1 })
    expect((await t().gql(POSITION, { sku, loc: idle }, ops)).data.stockPosition).toMatchObject({ onHand: 3, reserved: 3, available: 0 })

    // Balanced now: the busy node's queue fits its day, so a second pass finds nothing to pull.
    expect((await pullQueuedWork(t().app.db.prisma, { locationId: idleId })).pulled).toEqual([])
  })

  it('orders.balanceQueues off (the scenario lab baseline) leaves work where it was routed', async () => {
    const prisma = t().app.db.prisma
    const channel = await createSalesChannel(t())
    const busy = await createFulfilmentNode(t(), { cutoffTime: '23:59', dailyPickCapacity: 1 })
    const idle = await createFulfilmentNode(t(), { cutoffTime: '23:59', dailyPickCapacity: 10 })
    const sku = await createSellableSku(t())
    await stockUp(t(), sku, busy, 10)
    await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }])
    const second = await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }])
    await stockUp(t(), sku, idle, 5)
    await t().gql(CONFIGURE, { input: { locationCode: idle, autoRelease: true } }, ops)
    await prisma.setting.create({ data: { key: 'orders.balanceQueues', value: false } })
    try {
      expect(await pullQueuedWork(prisma, { locationId: await nodeId(idle) })).toEqual({ skipped: 'OFF', room: 0, pulled: [] })
      expect((await order(second.number)).fulfillmentOrders[0].location.code).toBe(busy)
    } finally {
      await prisma.setting.delete({ where: { key: 'orders.balanceQueues' } })
    }
  })
})
