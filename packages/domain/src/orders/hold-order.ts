import type { HoldReason, OrderStatus, Tx } from '@ops-hub/db'
import type { Actor } from '../shared/actor.ts'
import { recordEvents, type OutboxMessage } from '../shared/outbox.ts'
import { orderMachine } from './order.machine.ts'
import type { HoldFinding } from './holds.ts'
import { recordOrderEvents } from './order-timeline.ts'
import { openHoldExceptions } from './commands/place-order.ts'
import type { LockedOrder } from './resume-order.ts'

/**
 * Puts a locked order on hold for the given findings (or adds them to the holds it already has): the order machine
 * decides whether it may still be held (not once released to the floor), its reservations stay where they are, its
 * open fulfillment orders wait as ON_HOLD (release skips them), and each new hold opens its exception for the
 * owning team. Findings the order is already held for change nothing.
 */
export async function holdOrder(tx: Tx, order: LockedOrder, findings: HoldFinding[], actor: Actor, now = new Date()) {
  const fresh = findings.filter((f) => !order.holds.includes(f.hold))
  if (fresh.length === 0) return tx.order.findUniqueOrThrow({ where: { id: order.id } })
  if (order.status !== 'ON_HOLD') orderMachine.assertTransition(order.status, 'ON_HOLD', ['input', 'orderId'])
  const holds: HoldReason[] = [...order.holds, ...fresh.map((f) => f.hold)]
  const held = await tx.fulfillmentOrder.findMany({ where: { orderId: order.id, status: 'OPEN' }, select: { id: true, locationId: true } })
  await tx.fulfillmentOrder.updateMany({ where: { id: { in: held.map((f) => f.id) } }, data: { status: 'ON_HOLD' } })
  const to: OrderStatus = 'ON_HOLD'
  const updated = await tx.order.update({ where: { id: order.id }, data: { status: to, holds, version: { increment: 1 } } })
  await openHoldExceptions(tx, order, fresh)
  const detail = fresh.map((f) => f.detail).join('; ')
  await recordOrderEvents(
    tx,
    order.id,
    [
      order.status === to
        ? { kind: 'hold', title: `Hold added: ${fresh.map((f) => f.hold).join(', ')}`, detail: `${detail}. On hold for ${holds.join(', ')}` }
        : { kind: 'status', fromStatus: order.status, toStatus: to, title: `On hold: ${holds.join(', ')}`, detail },
      ...(held.length ? [{ kind: 'fulfillment_status', title: `${held.length} fulfillment order(s) held`, detail: 'Release skips them until the hold is released' }] : []),
    ],
    actor,
    now,
  )
  const events: OutboxMessage[] = held.map((fo) => ({ topic: 'fulfillment.changed', aggregateType: 'FulfillmentOrder', aggregateId: fo.id, payload: { from: 'OPEN', to: 'ON_HOLD', orderId: order.id, locationId: fo.locationId } }))
  if (order.status !== to) events.push({ topic: 'order.status_changed', aggregateType: 'Order', aggregateId: order.id, payload: { from: order.status, to, channelId: order.channelId } })
  else events.push({ topic: 'order.hold_changed', aggregateType: 'Order', aggregateId: order.id, payload: { holds, channelId: order.channelId } })
  await recordEvents(tx, events)
  return updated
}
