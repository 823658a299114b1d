import type { Tx } from '@ops-hub/db'

// One lock order for everything that touches an order's fulfilment: the order row, then its fulfillment
// order(s), then pick tasks; stock positions come last (moveStock). cancelOrder, confirmPick, verifyPack and
// confirmShipment all follow it, so a cancel racing a scan or a shipment queues behind it instead of deadlocking.

/** Locks a fulfillment order and, first, its order. A missing id locks nothing (the caller reports NOT_FOUND). */
export async function lockFulfillmentOrder(tx: Tx, fulfillmentOrderId: number): Promise<void> {
  const [fo] = await tx.$queryRaw<Array<{ order_id: number }>>`SELECT order_id FROM fulfillment_orders WHERE id = ${fulfillmentOrderId}`
  if (!fo) return
  await tx.$queryRaw`SELECT id FROM orders WHERE id = ${fo.order_id} FOR UPDATE`
  await tx.$queryRaw`SELECT id FROM fulfillment_orders WHERE id = ${fulfillmentOrderId} FOR UPDATE`
}

/** Locks a pick task after its order and fulfillment order, so two scanners on one task serialize too. */
export async function lockPickTask(tx: Tx, pickTaskId: number): Promise<void> {
  const [task] = await tx.$queryRaw<Array<{ fulfillment_order_id: number }>>`SELECT fulfillment_order_id FROM pick_tasks WHERE id = ${pickTaskId}`
  if (!task) return
  await lockFulfillmentOrder(tx, task.fulfillment_order_id)
  await tx.$queryRaw`SELECT id FROM pick_tasks WHERE id = ${pickTaskId} FOR UPDATE`
}
