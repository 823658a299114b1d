import type { FulfillmentOrderModel as FulfillmentOrder, OrderModel as Order, Tx } from '@ops-hub/db'
import type { Actor } from '../shared/actor.ts'
import { idempotent, type IdempotencyOptions } from '../shared/idempotency.ts'

/** What an order command stores under its key (ids only) and how a retry rebuilds its result from them. */
export type KeptResult<T extends object> = Required<Pick<IdempotencyOptions<T>, 'toResponse' | 'replay'>>

export interface OrderCommandCall<T extends object> {
  /** The mutation's name: with the actor and the key it names the stored record, so it never changes. */
  scope: string
  /** The parsed input; its `idempotencyKey` is the key and the rest is the request. */
  input: { idempotencyKey?: string | null }
  actor: Actor
  now: Date
  /** Only where the same request can be written two ways (ids in any order): the form that is hashed instead. */
  request?: unknown
  keep: KeptResult<T>
}

/**
 * idempotent() as every order command runs it: the key belongs to the actor, and only ids are stored, so a retry
 * answers with the order (or fulfillment order) as it is now rather than a copy of the rows at the first call.
 */
export function idempotentOrderCommand<T extends object>(tx: Tx, call: OrderCommandCall<T>, run: () => Promise<T>) {
  const { idempotencyKey, ...request } = call.input
  return idempotent(tx, { scope: call.scope, owner: call.actor.id, now: call.now, key: idempotencyKey, request: call.request ?? request, ...call.keep }, run)
}

/** Keeps the order's id; a retry gets the order as it is now. */
export function keepOrder(tx: Tx): KeptResult<Order> {
  return {
    toResponse: (order) => ({ orderId: order.id }),
    replay: async (response) => tx.order.findUniqueOrThrow({ where: { id: Number(response.orderId) } }),
  }
}

/** Keeps the fulfillment order's id; a retry gets it as it is now. */
export function keepFulfillmentOrder(tx: Tx): KeptResult<FulfillmentOrder> {
  return {
    toResponse: (fulfillmentOrder) => ({ fulfillmentOrderId: fulfillmentOrder.id }),
    replay: async (response) => tx.fulfillmentOrder.findUniqueOrThrow({ where: { id: Number(response.fulfillmentOrderId) } }),
  }
}
