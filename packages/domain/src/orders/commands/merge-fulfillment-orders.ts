import { z } from 'zod'
import type { FulfillmentStatus, Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { recordEvents, type OutboxMessage } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { fulfillmentMachine } from '../fulfillment.machine.ts'
import { recordOrderEvents } from '../order-timeline.ts'
import { idempotentOrderCommand, keepFulfillmentOrder } from '../idempotent-order-command.ts'

export const mergeFulfillmentOrdersInput = z.object({
  fulfillmentOrderIds: z
    .array(z.number().int().positive())
    .min(2, 'Merge at least two fulfillment orders')
    .max(20, 'At most 20 fulfillment orders at once')
    .refine((ids) => new Set(ids).size === ids.length, 'A fulfillment order is named twice'),
  idempotencyKey: z.string().trim().min(1).max(200).nullish(),
})

/** Not yet released to the floor: the only ones whose work can still be regrouped. */
const MERGEABLE: FulfillmentStatus[] = ['OPEN', 'ON_HOLD']

/**
 * Folds fulfillment orders of ONE order at ONE node that are not yet released (OPEN or ON_HOLD) into the oldest of
 * them, so the node picks and ships them as one parcel: their reservations move over unchanged (same units at the same
 * node - no stock moves, the ledger has nothing to record) and the others are CANCELLED with `mergedInto` set. The
 * survivor takes the most urgent priority and earliest ship-by, and stays ON_HOLD if any of them was.
 */
export async function mergeFulfillmentOrders(tx: Tx, rawInput: z.input<typeof mergeFulfillmentOrdersInput>, actor: Actor, now = new Date()) {
  const input = parseInput(mergeFulfillmentOrdersInput, rawInput)
  return idempotentOrderCommand(
    tx,
    {
      scope: 'mergeFulfillmentOrders',
      input,
      actor,
      now,
      request: { fulfillmentOrderIds: [...input.fulfillmentOrderIds].sort((a, b) => a - b) },
      keep: keepFulfillmentOrder(tx),
    },
    () => merge(tx, input.fulfillmentOrderIds, actor, now),
  )
}

async function merge(tx: Tx, ids: number[], actor: Actor, now: Date) {
  const field = ['input', 'fulfillmentOrderIds']
  const sorted = [...ids].sort((a, b) => a - b)
  const seen = await tx.fulfillmentOrder.findMany({ where: { id: { in: sorted } }, select: { id: true, orderId: true } })
  const missing = sorted.filter((id) => !seen.some((f) => f.id === id))
  if (missing.length) throw userError('NOT_FOUND', `No fulfillment order ${missing.join(', ')}`, field)
  const orderIds = [...new Set(seen.map((f) => f.orderId))]
  if (orderIds.length > 1) throw userError('INVALID_INPUT', 'Only fulfillment orders of one order can be merged; these belong to different orders', field)

  // The fulfilment lock order: the order, then its fulfillment orders (by id).
  await tx.$queryRaw`SELECT id FROM orders WHERE id = ${orderIds[0]} FOR UPDATE`
  await tx.$queryRaw`SELECT id FROM fulfillment_orders WHERE id = ANY(${sorted}::int[]) ORDER BY id FOR UPDATE`
  const fos = await tx.fulfillmentOrder.findMany({ where: { id: { in: sorted } }, include: { location: { select: { code: true } }, order: { select: { id: true, number: true } } }, orderBy: { id: 'asc' } })
  const nodes = [...new Set(fos.map((f) => f.location.code))]
  if (nodes.length > 1) throw userError('INVALID_INPUT', `Only fulfillment orders at one node can be merged; these are at ${nodes.join(', ')} (move one first)`, field)
  const late = fos.filter((f) => !MERGEABLE.includes(f.status))
  if (late.length) {
    throw userError('ILLEGAL_TRANSITION', `${late.map((f) => `${f.number} is ${f.status}`).join(', ')}: only fulfillment orders not yet released can be merged`, field)
  }

  const [survivor, ...absorbed] = fos
  for (const f of absorbed) fulfillmentMachine.assertTransition(f.status, 'CANCELLED', field)
  const moved = await tx.allocation.updateMany({ where: { fulfillmentOrderId: { in: absorbed.map((f) => f.id) } }, data: { fulfillmentOrderId: survivor.id } })
  await tx.fulfillmentOrder.updateMany({ where: { id: { in: absorbed.map((f) => f.id) } }, data: { status: 'CANCELLED', cancelledAt: now, mergedIntoId: survivor.id } })
  const shipBys = fos.map((f) => f.shipBy).filter((d): d is Date => d !== null)
  const status: FulfillmentStatus = fos.some((f) => f.status === 'ON_HOLD') ? 'ON_HOLD' : 'OPEN'
  if (status !== survivor.status) fulfillmentMachine.assertTransition(survivor.status, status, field)
  const merged = await tx.fulfillmentOrder.update({
    where: { id: survivor.id },
    data: {
      status,
      priority: Math.min(...fos.map((f) => f.priority)),
      shipBy: shipBys.length ? new Date(Math.min(...shipBys.map((d) => d.getTime()))) : null,
    },
  })

  await recordOrderEvents(
    tx,
    survivor.orderId,
    [{ kind: 'fulfillment_status', title: `${absorbed.map((f) => f.number).join(', ')} merged into ${survivor.number}`, detail: `At ${survivor.location.code}: ${moved.count} allocation(s) now shipped together as ${survivor.number}` }],
    actor,
    now,
  )
  const events: OutboxMessage[] = [
    ...absorbed.map((f) => ({
      topic: 'fulfillment.changed' as const,
      aggregateType: 'FulfillmentOrder',
      aggregateId: f.id,
      payload: { from: f.status, to: 'CANCELLED', locationId: f.locationId, orderId: f.orderId, mergedInto: survivor.id },
    })),
    { topic: 'fulfillment.changed', aggregateType: 'FulfillmentOrder', aggregateId: survivor.id, payload: { from: survivor.status, to: status, locationId: survivor.locationId, orderId: survivor.orderId, merged: absorbed.map((f) => f.id) } },
    { topic: 'order.changed', aggregateType: 'Order', aggregateId: survivor.orderId, payload: { change: 'fulfillment_merged', fulfillmentOrderId: survivor.id, locationId: survivor.locationId } },
  ]
  await recordEvents(tx, events)
  return merged
}
