import type { HoldReason, OrderStatus, Tx } from '@ops-hub/db'
import type { Actor } from '../shared/actor.ts'
import { recordEvents, type OutboxMessage } from '../shared/outbox.ts'
import { getSetting } from '../settings/settings.ts'
import { resolveOrderExceptions } from '../exceptions/commands/resolve-exception.ts'
import { orderMachine } from './order.machine.ts'
import { evaluateHolds, HOLD_EXCEPTIONS } from './holds.ts'
import { allocateOrder } from './allocate-order.ts'
import type { lockOrder } from './load-order.ts'
import { recordOrderEvents, type TimelineEntry } from './order-timeline.ts'
import { openHoldExceptions, statusTitle } from './commands/place-order.ts'

export type LockedOrder = Awaited<ReturnType<typeof lockOrder>>

/**
 * Takes holds off a locked ON_HOLD order and carries it on: the intake checks are re-run on current data and
 * settings (a check that still fails keeps or raises its hold; MANUAL and LOW_CONFIDENCE_STOCK holds stay until
 * released), and once no hold is left the order is VALIDATED and its stock reserved and routed in the same
 * transaction, exactly as at intake. Shared by releaseHold (a person) and updateOrderPayment (the payment clearing).
 */
export async function resumeOrder(
  tx: Tx,
  order: LockedOrder,
  release: { holds: HoldReason[]; reason: string; title?: string; trustLowConfidence?: boolean },
  actor: Actor,
  now = new Date(),
) {
  orderMachine.assertTransition(order.status, 'VALIDATED', ['input', 'orderId'])
  const releasing = release.holds
  const findings = evaluateHolds({
    paymentStatus: order.paymentStatus,
    fraudScore: order.fraudScore,
    shipTo: { name: order.shipToName, line1: order.shipToLine1, line2: order.shipToLine2, city: order.shipToCity, region: order.shipToRegion, postalCode: order.shipToPostalCode, country: order.shipToCountry },
    fraudScoreThreshold: await getSetting(tx, 'orders.fraudScoreThreshold'),
    // A hold someone releases overrides its own check (a fraud reviewer accepts the score); the others are re-run.
  }).filter((f) => !releasing.includes(f.hold))
  const sticky = order.holds.filter((h) => (h === 'LOW_CONFIDENCE_STOCK' || h === 'MANUAL') && !releasing.includes(h))
  const remaining = [...new Set([...findings.map((f) => f.hold), ...sticky])]
  const cleared = order.holds.filter((h) => !remaining.includes(h))
  const raised = findings.filter((f) => !order.holds.includes(f.hold))

  await resolveOrderExceptions(tx, order.id, cleared.map((h) => HOLD_EXCEPTIONS[h].type), `Hold released by ${actor.id}: ${release.reason}`, actor)
  if (raised.length) await openHoldExceptions(tx, order, raised)

  const timeline: TimelineEntry[] = [{ kind: 'hold_released', title: release.title ?? `Hold released: ${cleared.join(', ') || 'none'}`, detail: release.reason }]
  const events: OutboxMessage[] = []
  let status: OrderStatus = order.status
  let holds: HoldReason[] = remaining
  let extra: { routing?: object; shipBy?: Date | null; priority?: number } = {}
  const move = (to: OrderStatus, title: string, detail?: string) => {
    orderMachine.assertTransition(status, to)
    timeline.push({ kind: 'status', fromStatus: status, toStatus: to, title, detail })
    events.push({ topic: 'order.status_changed', aggregateType: 'Order', aggregateId: order.id, payload: { from: status, to, channelId: order.channelId } })
    status = to
  }

  if (remaining.length === 0) {
    move('VALIDATED', 'Validated after review', release.reason)
    const reopened = await tx.fulfillmentOrder.findMany({ where: { orderId: order.id, status: 'ON_HOLD' }, select: { id: true, locationId: true } })
    await tx.fulfillmentOrder.updateMany({ where: { orderId: order.id, status: 'ON_HOLD' }, data: { status: 'OPEN' } })
    events.push(...reopened.map((fo) => ({ topic: 'fulfillment.changed' as const, aggregateType: 'FulfillmentOrder', aggregateId: fo.id, payload: { from: 'ON_HOLD', to: 'OPEN', orderId: order.id, locationId: fo.locationId } })))
    const outcome = await allocateOrder(tx, order, order.lines, actor, { now, trustLowConfidence: release.trustLowConfidence })
    timeline.push(...outcome.timeline)
    events.push(...outcome.events)
    extra = { routing: outcome.routing, shipBy: outcome.shipBy, priority: outcome.priority }
    if (outcome.lowConfidence) {
      holds = ['LOW_CONFIDENCE_STOCK']
      move('ON_HOLD', 'On hold: LOW_CONFIDENCE_STOCK', 'Part of the order depends on stock whose count is uncertain')
      await tx.fulfillmentOrder.updateMany({ where: { orderId: order.id, status: 'OPEN' }, data: { status: 'ON_HOLD' } })
    } else {
      move(outcome.status, statusTitle(outcome.status, outcome.reservedUnits, outcome.backorderedUnits))
    }
  } else {
    timeline[0].detail = `${release.reason}. Still on hold: ${remaining.join(', ')}`
  }

  const updated = await tx.order.update({
    where: { id: order.id },
    data: { status, holds, ...(extra.routing ? { routing: extra.routing as never } : {}), ...(extra.shipBy !== undefined ? { shipBy: extra.shipBy } : {}), ...(extra.priority !== undefined ? { priority: extra.priority } : {}), version: { increment: 1 } },
  })
  await recordOrderEvents(tx, order.id, timeline, actor, now)
  await recordEvents(tx, events)
  return updated
}
