import type { Tx } from '@ops-hub/db'

// One lock order for everything that touches an order's fulfilment: the order row, then its fulfillment
// order(s), then pick tasks; stock positions come last (moveStock). cancelOrder, confirmPick, verifyPack and
// confirmShipment all follow it, so a cancel racing a scan or a shipment queues behind it instead of deadlocking.

/** Locks a fulfillment order and, first, its order. A missing id locks nothing (the caller reports NOT_FOUND). */
export async function lockFulfillmentOrder(tx: Tx, fulfillmentOrderId: number): Promise<void> {
  // The order is found through its fulfillment order (an unlocked read: a fulfillment order never changes order).
  const [order] = await tx.$queryRaw<Array<{ id: number }>>`
    SELECT id FROM orders WHERE id = (SELECT order_id FROM fulfillment_orders WHERE id = ${fulfillmentOrderId}) FOR UPDATE`
  if (!order) return
  await tx.$queryRaw`SELECT id FROM fulfillment_orders WHERE id = ${fulfillmentOrderId} FOR UPDATE`
}

/** Locks a pick task after its order and fulfillment order, so two scanners on one task serialize too. */
export async function lockPickTask(tx: Tx, pickTaskId: number): Promise<void> {
  const [order] = await tx.$queryRaw<Array<{ id: number; fulfillment_order_id: number }>>`
    SELECT o.id, t.fulfillment_order_id FROM pick_tasks t JOIN fulfillment_orders fo ON fo.id = t.fulfillment_order_id
    JOIN orders o ON o.id = fo.order_id WHERE t.id = ${pickTaskId} FOR UPDATE OF o`
  if (!order) return
  await tx.$queryRaw`SELECT id FROM fulfillment_orders WHERE id = ${order.fulfillment_order_id} FOR UPDATE`
  await tx.$queryRaw`SELECT id FROM pick_tasks WHERE id = ${pickTaskId} FOR UPDATE`
}
