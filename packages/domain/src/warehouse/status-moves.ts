import type { FulfillmentStatus, OrderStatus, Tx } from '@ops-hub/db'
import type { Actor } from '../shared/actor.ts'
import { userError } from '../shared/errors.ts'
import { recordEvents } from '../shared/outbox.ts'
import { orderMachine } from '../orders/order.machine.ts'
import { fulfillmentMachine } from '../orders/fulfillment.machine.ts'

export interface StatusNote {
  title: string
  detail?: string
  /** When it happened, if not now (carrier milestones carry their own time). */
  at?: Date
  /** Extra columns to set with the status (timestamps such as shippedAt). */
  data?: Record<string, unknown>
}

/**
 * Moves an order through the one status model: checked by the order machine, applied only if nobody moved
 * it meanwhile (the UPDATE matches the status we read), recorded as an OrderEvent for the timeline and an
 * `order.status_changed` outbox event for subscribers.
 */
export async function moveOrderStatus(tx: Tx, orderId: number, to: OrderStatus, actor: Actor, note: StatusNote) {
  const order = await tx.order.findUniqueOrThrow({ where: { id: orderId }, select: { id: true, status: true, number: true } })
  orderMachine.assertTransition(order.status, to)
  const { count } = await tx.order.updateMany({
    where: { id: orderId, status: order.status },
    data: { status: to, version: { increment: 1 }, ...(note.data ?? {}) },
  })
  if (count !== 1) throw userError('STALE_QUANTITY', `Order ${order.number} changed meanwhile; retry`)
  await tx.orderEvent.create({
    data: {
      orderId,
      kind: 'status',
      fromStatus: order.status,
      toStatus: to,
      title: note.title,
      detail: note.detail ?? null,
      actor: actor.id,
      ...(note.at ? { occurredAt: note.at } : {}),
    },
  })
  await recordEvents(tx, [
    { topic: 'order.status_changed', aggregateType: 'Order', aggregateId: orderId, payload: { from: order.status, to, number: order.number } },
  ])
  return { from: order.status, to }
}

/** Like moveOrderStatus but leaves the order alone when the move is not allowed from where it stands. */
export async function moveOrderStatusIfAllowed(tx: Tx, orderId: number, to: OrderStatus, actor: Actor, note: StatusNote) {
  const order = await tx.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } })
  if (order.status === to || !orderMachine.can(order.status, to)) return null
  return moveOrderStatus(tx, orderId, to, actor, note)
}

/**
 * Moves a fulfillment order through its machine, with an OrderEvent (kind FULFILLMENT_STATUS) on its order
 * and a `fulfillment.changed` outbox event. Compare-and-set on the status read, like orders.
 */
export async function moveFulfillmentStatus(tx: Tx, fulfillmentOrderId: number, to: FulfillmentStatus, actor: Actor, note: StatusNote) {
  const fo = await tx.fulfillmentOrder.findUniqueOrThrow({
    where: { id: fulfillmentOrderId },
    select: { id: true, status: true, number: true, orderId: true, locationId: true },
  })
  fulfillmentMachine.assertTransition(fo.status, to)
  const { count } = await tx.fulfillmentOrder.updateMany({
    where: { id: fo.id, status: fo.status },
    data: { status: to, ...(note.data ?? {}) },
  })
  if (count !== 1) throw userError('STALE_QUANTITY', `Fulfillment order ${fo.number} changed meanwhile; retry`)
  await tx.orderEvent.create({
    data: {
      orderId: fo.orderId,
      kind: 'fulfillment_status',
      title: note.title,
      detail: note.detail ?? `${fo.number}: ${fo.status} -> ${to}`,
      actor: actor.id,
      ...(note.at ? { occurredAt: note.at } : {}),
    },
  })
  await recordEvents(tx, [
    {
      topic: 'fulfillment.changed',
      aggregateType: 'FulfillmentOrder',
      aggregateId: fo.id,
      payload: { from: fo.status, to, number: fo.number, orderId: fo.orderId, locationId: fo.locationId },
    },
  ])
  return { from: fo.status, to }
}

/** The typed refusal for work on a fulfillment order whose order was cancelled or is otherwise not workable. */
export function illegal(message: string, field: string[] | null = null) {
  return userError('ILLEGAL_TRANSITION', message, field)
}
