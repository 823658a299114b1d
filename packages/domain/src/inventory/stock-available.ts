import type { OutboxMessage } from '../shared/outbox.ts'

/** What made the units promisable; kept on the event so the timeline of an order it serves can say why. */
export type StockArrivalCause =
  | 'PURCHASE_ORDER_RECEIPT'
  | 'TRANSFER_RECEIPT'
  | 'RETURN_RESTOCKED'
  | 'ADJUSTMENT'
  | 'FEED_SYNC'
  | 'RESERVATION_RELEASED'

/**
 * The one signal that units of these SKUs became available to promise at a node, whatever the cause. Every command
 * that raises availability records it in its own transaction; after commit the outbox relay hands it to the
 * backorder re-allocation worker, which serves the lines waiting for those SKUs first.
 */
export function stockAvailableEvent(locationId: number, skuIds: number[], cause: StockArrivalCause, reference?: string): OutboxMessage {
  return {
    topic: 'stock.available',
    aggregateType: 'Location',
    aggregateId: locationId,
    payload: { locationId, skuIds: [...new Set(skuIds)].sort((a, b) => a - b), cause, ...(reference ? { reference } : {}) },
  }
}
