import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { createStockedSku, stockUp } from '../helpers/factories/stock.ts'
import { createAllocatedOrder, orderInput, placeOrder } from '../helpers/factories/orders.ts'

const t = useTestApp()

const RELEASE = `mutation ($input: ReleaseOrdersInput!) { releaseOrders(input: $input) {
  day afterCutoff capacity releasedBefore
  released { number status order { number status serviceLevel } }
  heldBack { code reason fulfillmentOrder { number order { number } } }
  userErrors { field message code } } }`

describe('node routing', () => {
  it('does not split an order that one node can ship complete', async () => {
    const channel = await createSalesChannel(t())
    const [a, b] = [await createFulfilmentNode(t()), await createFulfilmentNode(t())]
    const [x, y] = [await createSellableSku(t()), await createSellableSku(t())]
    await stockUp(t(), x, a, 5)
    await stockUp(t(), y, a, 5)
    await stockUp(t(), x, b, 5)
    const { order } = await placeOrder(t(), orderInput(channel, [{ sku: x, quantity: 2 }, { sku: y, quantity: 2 }]))
    expect(order.status).toBe('ALLOCATED')
    expect(order.fulfillmentOrders.map((f: { location: { code: string } }) => f.location.code)).toEqual([a])
    expect(order.routingDecision).toMatchObject({ rule: 'SHIP_COMPLETE', nodes: [{ location: { code: a }, quantity: 4 }] })
    expect(order.routingDecision.rejected).toEqual([{ location: { code: b }, reason: 'cannot ship complete (2 of 4 units)' }])
  })

  it('splits an order no node can ship complete, one fulfillment order per node, and explains why', async () => {
    const channel = await createSalesChannel(t())
    const [a, b] = [await createFulfilmentNode(t()), await createFulfilmentNode(t())]
    const [x, y] = [await createSellableSku(t()), await createSellableSku(t())]
    await stockUp(t(), x, a, 5)
    await stockUp(t(), y, b, 5)
    const { order } = await placeOrder(t(), orderInput(channel, [{ sku: x, quantity: 2 }, { sku: y, quantity: 3 }]))
    expect(order.status).toBe('ALLOCATED')
    expect(order.routingDecision.rule).toBe('SPLIT')
    expect(order.routingDecision.summary).toMatch(/No single node can ship all 5 units/)
    expect(order.fulfillmentOrders.map((f: { location: { code: string } }) => f.location.code).sort()).toEqual([a, b].sort())
    expect(order.lines.map((l: { allocations: Array<{ location: { code: string } }> }) => l.allocations.map((al) => al.location.code))).toEqual([[a], [b]])
  })

  it('prefers the node in the ship-to region, and skips a node at capacity', async () => {
    const channel = await createSalesChannel(t())
    const near = await createFulfilmentNode(t(), { region: 'IL', postalCode: '60601', dailyPickCapacity: 1 })
    const far = await createFulfilmentNode(t(), { region: 'NV', postalCode: '89101' })
    const sku = await createSellableSku(t())
    await stockUp(t(), sku, near, 10)
    await stockUp(t(), sku, far, 10)
    const first = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }]))
    expect(first.order.fulfillmentOrders[0].location.code).toBe(near)
    expect(first.order.routingDecision.nodes[0].reason).toMatch(/zone 1 \(same region IL\)/)

    const release = await t().gql(RELEASE, { input: { locationCode: near, limit: 10 } }, { role: 'OPERATIONS' })
    expect(release.data.releaseOrders.released).toHaveLength(1)

    const second = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }]))
    expect(second.order.fulfillmentOrders[0].location.code).toBe(far)
    expect(second.order.routingDecision.rejected).toEqual([{ location: { code: near }, reason: expect.stringMatching(/^at capacity: released 1 of 1 for \d{4}-\d{2}-\d{2}$/) }])
  })
  it("counts the work waiting for release against a node's day, uses a busy node's stock rather than backordering, and routes by stock alone when orders.routeByCapacity is off", async () => {
    const prisma = t().app.db.prisma
    const channel = await createSalesChannel(t())
    const near = await createFulfilmentNode(t(), { region: 'IL', postalCode: '60601', dailyPickCapacity: 1 })
    const far = await createFulfilmentNode(t(), { region: 'NV', postalCode: '89101' })
    const sku = await createSellableSku(t())
    await stockUp(t(), sku, near, 10)
    await stockUp(t(), sku, far, 1)
    const first = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }]))
    expect(first.order.fulfillmentOrders).toEqual([expect.objectContaining({ status: 'OPEN', location: { code: near } })])

    // Nothing released yet, but the one order waiting fills the near node's day of 1: the next order goes far.
    const second = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }]))
    expect(second.order.fulfillmentOrders[0].location.code).toBe(far)
    expect(second.order.routingDecision.rejected).toEqual([
      { location: { code: near }, reason: expect.stringMatching(/^at capacity: released 0 of 1 for \d{4}-\d{2}-\d{2}, 1 more waiting for release$/) },
    ])

    // The far node is out now: the busy near node still has stock, so the order waits in its queue, not as a backorder.
    const third = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 2 }]))
    expect(third.order.status).toBe('ALLOCATED')
    expect(third.order.fulfillmentOrders.map((f: { location: { code: string } }) => f.location.code)).toEqual([near])
    expect(third.order.routingDecision.summary).toMatch(/Every node with stock is at capacity today; release waits for capacity\.$/)

    await stockUp(t(), sku, far, 5)
    await prisma.setting.create({ data: { key: 'orders.routeByCapacity', value: false } })
    try {
      const fourth = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }]))
      expect(fourth.order.fulfillmentOrders[0].location.code).toBe(near)
      expect(fourth.order.routingDecision.rejected).toEqual([{ location: { code: far }, reason: expect.stringMatching(/^could also ship complete, but .* ranks first/) }])
    } finally {
      await prisma.setting.delete({ where: { key: 'orders.routeByCapacity' } })
    }
  })
})

describe('release by capacity', () => {
  it('releases at-risk and express work first, up to the daily capacity, and says what it held back', async () => {
    const { channel, node, sku } = await createStockedSku(t(), 20, { dailyPickCapacity: 2 })
    const standardOld = await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }])
    const standardAtRisk = await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }])
    const express = await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }], { serviceLevel: 'EXPRESS' })
    // Arrange: this standard order's ship-by has passed (e.g. it waited on a hold), so it is at risk.
    await t().app.db.prisma.fulfillmentOrder.updateMany({ where: { number: standardAtRisk.fulfillmentOrders[0].number }, data: { shipBy: new Date(Date.now() - 3_600_000) } })

    const res = await t().gql(RELEASE, { input: { locationCode: node, limit: 10 } }, { role: 'OPERATIONS' })
    const payload = res.data.releaseOrders
    expect(payload.userErrors).toEqual([])
    expect(payload.capacity).toBe(2)
    expect(payload.released.map((f: { order: { number: string } }) => f.order.number)).toEqual([standardAtRisk.number, express.number])
    expect(payload.released.every((f: { status: string; order: { status: string } }) => f.status === 'RELEASED' && f.order.status === 'RELEASED')).toBe(true)
    expect(payload.heldBack).toEqual([{ code: 'CAPACITY', reason: expect.stringMatching(/capacity reached/), fulfillmentOrder: { number: standardOld.fulfillmentOrders[0].number, order: { number: standardOld.number } } }])

    const again = await t().gql(RELEASE, { input: { locationCode: node, limit: 10 } }, { role: 'OPERATIONS' })
    expect(again.data.releaseOrders.released).toEqual([])
    expect(again.data.releaseOrders.releasedBefore).toBe(2)
    expect(again.data.releaseOrders.heldBack.map((h: { code: string }) => h.code)).toEqual(['CAPACITY'])

    const prisma = t().app.db.prisma
    expect(await prisma.outboxEvent.count({ where: { topic: 'fulfillment.released', payload: { path: ['locationId'], equals: (await prisma.location.findUniqueOrThrow({ where: { code: node } })).id } } })).toBe(2)
  })

  it('orders.releasePolicy FIFO_UNBOUNDED (the scenario lab baseline) releases the whole queue in placement order, capacity ignored', async () => {
    const prisma = t().app.db.prisma
    const { channel, node, sku } = await createStockedSku(t(), 20, { dailyPickCapacity: 1 })
    const standard = await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }])
    const express = await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }], { serviceLevel: 'EXPRESS' })
    await prisma.setting.create({ data: { key: 'orders.releasePolicy', value: 'FIFO_UNBOUNDED' } })
    try {
      const payload = (await t().gql(RELEASE, { input: { locationCode: node, limit: 10 } }, { role: 'OPERATIONS' })).data.releaseOrders
      expect(payload.userErrors).toEqual([])
      expect(payload.capacity).toBe(1)
      expect(payload.released.map((f: { order: { number: string } }) => f.order.number)).toEqual([standard.number, express.number])
      expect(payload.heldBack).toEqual([])
    } finally {
      await prisma.setting.delete({ where: { key: 'orders.releasePolicy' } })
    }
  })

  it('gives a cancelled, released-but-unpicked fulfillment order its slot of the day back', async () => {
    const { channel, node, sku } = await createStockedSku(t(), 5, { dailyPickCapacity: 1 })
    const first = await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }], { serviceLevel: 'EXPRESS' })
    const second = await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }])
    const release = async () => (await t().gql(RELEASE, { input: { locationCode: node, limit: 10 } }, { role: 'OPERATIONS' })).data.releaseOrders
    expect((await release()).released.map((f: { order: { number: string } }) => f.order.number)).toEqual([first.number])

    const cancelled = await t().gql(
      `mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { order { status timeline { title detail } } userErrors { code } } }`,
      { input: { orderId: first.id, reason: 'customer changed their mind' } },
      { role: 'CUSTOMER_SERVICE' },
    )
    expect(cancelled.data.cancelOrder.userErrors).toEqual([])
    expect(cancelled.data.cancelOrder.order.timeline).toContainEqual({ title: `Release capacity returned to ${node}`, detail: expect.stringMatching(/^1 slot\(s\) of \d{4}-\d{2}-\d{2} free again/) })

    const again = await release()
    expect(again.releasedBefore).toBe(0)
    expect(again.released.map((f: { order: { number: string } }) => f.order.number)).toEqual([second.number])
  })

  it('puts same-day before express before standard', async () => {
    const { channel, node, sku } = await createStockedSku(t(), 20, { dailyPickCapacity: 100 })
    const standard = await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }])
    const express = await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }], { serviceLevel: 'EXPRESS' })
    const sameDay = await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }], { serviceLevel: 'SAME_DAY' })
    const res = await t().gql(RELEASE, { input: { locationCode: node, limit: 2 } }, { role: 'OPERATIONS' })
    expect(res.data.releaseOrders.released.map((f: { order: { number: string } }) => f.order.number)).toEqual([sameDay.number, express.number])
    expect(standard.status).toBe('ALLOCATED')
  })

  it('keeps part of a day for work due that day: work due later cannot fill it until the reserve opens (orders.releaseReserve)', async () => {
    const prisma = t().app.db.prisma
    // The node's cut-off six hours from now: its working day's reserve (10% of 10) is in force, whatever the hour.
    const cutoffTime = new Date(Date.now() + 6 * 3_600_000).toISOString().slice(11, 16)
    const { channel, node, sku } = await createStockedSku(t(), 40, { dailyPickCapacity: 10, cutoffTime })
    const standard = []
    for (let i = 0; i < 11; i++) standard.push(await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }]))
    const release = async (code = node) => (await t().gql(RELEASE, { input: { locationCode: code, limit: 50 } }, { role: 'OPERATIONS' })).data.releaseOrders
    const numbers = (p: { released: Array<{ order: { number: string } }> }) => p.released.map((f) => f.order.number)

    // Standard work is due two business days on: it takes 9 of the day's 10 releases; the tenth is kept.
    const first = await release()
    expect(first.capacity).toBe(10)
    expect(numbers(first)).toEqual(standard.slice(0, 9).map((o) => o.number))
    expect(first.heldBack).toEqual(
      standard.slice(9).map((o) => ({
        code: 'RESERVED_FOR_DUE_WORK',
        reason: expect.stringMatching(new RegExp(`^1 of ${node}'s 10 releases for \\d{4}-\\d{2}-\\d{2} are kept for work due that day until .+; this work is due later$`)),
        fulfillmentOrder: { number: o.fulfillmentOrders[0].number, order: { number: o.number } },
      })),
    )

    // The node's day says the same: one release left, and it is kept for work due that day until the reserve opens.
    const capacity = await t().gql(`query ($code: String!) { location(code: $code) { capacityToday { day releasableLeft reservedForDueWork reserveOpensAt } } }`, { code: node }, { role: 'OPERATIONS' })
    expect(capacity.data.location.capacityToday).toMatchObject({ day: first.day, releasableLeft: 1, reservedForDueWork: 1 })
    expect(first.heldBack[0].reason).toContain(capacity.data.location.capacityToday.reserveOpensAt.slice(0, 16))

    // A same-day order placed after the day's work was released takes the kept slot; the day is then full.
    const sameDay = await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }], { serviceLevel: 'SAME_DAY' })
    const second = await release()
    expect(numbers(second)).toEqual([sameDay.number])
    expect(second.heldBack.map((h: { code: string; reason: string }) => [h.code, h.reason])).toEqual([
      ['CAPACITY', expect.stringMatching(/capacity reached/)],
      ['CAPACITY', expect.stringMatching(/capacity reached/)],
    ])

    // Once the reserve is open (here: from any time before the cut-off), work due later may take the whole day.
    const other = await createStockedSku(t(), 40, { dailyPickCapacity: 10, cutoffTime })
    for (let i = 0; i < 10; i++) await createAllocatedOrder(t(), other.channel, [{ sku: other.sku, quantity: 1 }])
    await prisma.setting.create({ data: { key: 'orders.releaseReserve', value: { share: 0.1, opensMinutesBeforeCutoff: 100_000 } } })
    try {
      const open = await release(other.node)
      expect(open.released).toHaveLength(10)
      expect(open.heldBack).toEqual([])
    } finally {
      await prisma.setting.delete({ where: { key: 'orders.releaseReserve' } })
    }
  })

  it('refuses an unknown node and callers without OPERATIONS', async () => {
    const bad = await t().gql(RELEASE, { input: { locationCode: 'NOPE', limit: 1 } }, { role: 'OPERATIONS' })
    expect(bad.data.releaseOrders.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'locationCode'] })])
    const forbidden = await t().gql(RELEASE, { input: { locationCode: 'NOPE', limit: 1 } }, { role: 'FINANCE' })
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN')
  })
})
