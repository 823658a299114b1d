import { describe, expect, it } from 'vitest'
import { dirtFor } from '@ops-hub/analytics'

const event = (topic: string, aggregateType: string, aggregateId: number, payload: Record<string, unknown> = {}) =>
  ({ id: 1, topic, aggregateType, aggregateId, payload })

// Which snapshots an event makes stale: the incremental part of live metrics (nothing else is recomputed).
describe('events mark only the snapshots they can change', () => {
  it('an order event touches aging and pick backlog of that order (its nodes are looked up later) and today\'s KPIs, not stock or exceptions', () => {
    expect(dirtFor(event('order.placed', 'Order', 42))).toEqual([
      { metric: 'orderAging', locations: [], orderIds: [42] },
      { metric: 'pickBacklog', locations: [], orderIds: [42] },
      { metric: 'kpis', everyScope: true },
    ])
  })

  it('a fulfilment event names its node directly', () => {
    expect(dirtFor(event('fulfillment.released', 'FulfillmentOrder', 7, { orderId: 42, locationId: 3 }))).toEqual([
      { metric: 'orderAging', locations: [3], orderIds: [42] },
      { metric: 'pickBacklog', locations: [3], orderIds: [42] },
      { metric: 'kpis', everyScope: true },
    ])
  })

  it('a stock change touches confidence and replenishment risk at its node only; without a node, every node', () => {
    expect(dirtFor(event('stock.changed', 'StockPosition', 9, { skuId: 1, locationId: 3, orderId: 42 }))).toEqual([
      { metric: 'inventoryConfidence', locations: [3], everyScope: false },
      { metric: 'replenishmentRisk', locations: [3], everyScope: false },
    ])
    expect(dirtFor(event('stock.changed', 'StockPosition', 9))).toEqual([
      { metric: 'inventoryConfidence', locations: [], everyScope: true },
      { metric: 'replenishmentRisk', locations: [], everyScope: true },
    ])
  })

  it('a purchase-order or suggestion change touches the replenishment risk of its destination node', () => {
    expect(dirtFor(event('procurement.changed', 'PurchaseOrder', 4, { status: 'SENT', locationId: 2, supplierId: 1 }))).toEqual([
      { metric: 'replenishmentRisk', locations: [2], everyScope: false },
    ])
  })

  it('an exception event touches the summary of its owner team (old and new owner when it moved)', () => {
    expect(dirtFor(event('exception.changed', 'Exception', 5, { ownerRole: 'FINANCE', previousOwnerRole: 'OPERATIONS' }))).toEqual([
      { metric: 'exceptions', owners: ['FINANCE', 'OPERATIONS'], everyScope: false },
    ])
  })

  it("today's KPIs move with corrections, counts, receipts and returns, not with every reservation", () => {
    const kpis = { metric: 'kpis', everyScope: true }
    expect(dirtFor(event('stock.changed', 'StockPosition', 9, { skuId: 1, locationId: 3, adjustmentId: 12 }))).toContainEqual(kpis)
    expect(dirtFor(event('stock.changed', 'CycleCount', 4, { status: 'COMPLETED', variance: -1 }))).toContainEqual(kpis)
    expect(dirtFor(event('stock.available', 'Location', 3, { locationId: 3, skuIds: [1], cause: 'PURCHASE_ORDER_RECEIPT' }))).toContainEqual(kpis)
    expect(dirtFor(event('return.changed', 'Return', 8, { status: 'CLOSED', orderId: 42 }))).toEqual([kpis])
    expect(dirtFor(event('stock.changed', 'StockPosition', 9, { skuId: 1, locationId: 3, reservedDelta: 2, orderId: 42 }))).not.toContainEqual(kpis)
  })

  it('events that change no live metric mark nothing', () => {
    expect(dirtFor(event('catalog.changed', 'Sku', 1))).toEqual([])
  })
})
