import type { FulfillmentStatus, OrderStatus } from '@ops-hub/db'

/** Statuses whose meaning is "how much of the order has stock", recomputed after an edit moved or freed some. */
const STOCK_STATUSES: OrderStatus[] = ['ALLOCATED', 'PARTIALLY_ALLOCATED', 'BACKORDERED', 'RELEASED']

/**
 * The status an order's lines and fulfillment orders call for after order maintenance (lines cancelled, a
 * fulfillment order moved): nothing left open -> SHIPPED if anything shipped, else CANCELLED; an order between
 * allocation and release follows its stock and work - no fulfillment order waiting for release -> RELEASED (as
 * releaseOrders decides), else part backordered -> PARTIALLY_ALLOCATED, nothing placed -> BACKORDERED, otherwise
 * ALLOCATED.
 * Holds, pick and ship progress are other commands' business: any other status stays.
 */
export function statusAfterEdit(
  current: OrderStatus,
  lines: Array<{ quantity: number; allocatedQuantity: number; backorderedQuantity: number; shippedQuantity: number; cancelledQuantity: number; isBundle: boolean }>,
  fulfillmentOrders: Array<{ status: FulfillmentStatus }>,
): OrderStatus {
  const worked = lines.filter((l) => !l.isBundle)
  const open = worked.reduce((s, l) => s + l.quantity - l.cancelledQuantity - l.shippedQuantity, 0)
  const shipped = worked.reduce((s, l) => s + l.shippedQuantity, 0)
  if (open <= 0) return shipped > 0 ? 'SHIPPED' : 'CANCELLED'
  if (!STOCK_STATUSES.includes(current)) return current
  const backordered = worked.reduce((s, l) => s + l.backorderedQuantity, 0)
  const placed = worked.reduce((s, l) => s + l.allocatedQuantity, 0)
  const active = fulfillmentOrders.filter((f) => f.status !== 'CANCELLED' && f.status !== 'SHIPPED')
  // As releaseOrders decides it: released once none of its fulfillment orders still waits for release.
  const allReleased = active.length > 0 && !active.some((f) => f.status === 'OPEN' || f.status === 'ON_HOLD')
  if (allReleased && current !== 'BACKORDERED') return 'RELEASED'
  if (backordered > 0) return placed > 0 ? 'PARTIALLY_ALLOCATED' : 'BACKORDERED'
  return 'ALLOCATED'
}
