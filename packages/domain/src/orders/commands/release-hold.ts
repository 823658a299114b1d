import { z } from 'zod'
import type { HoldReason, OrderStatus, Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { recordEvents, type OutboxMessage } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { getSetting } from '../../settings/settings.ts'
import { orderMachine } from '../order.machine.ts'
import { canReleaseHold, evaluateHolds, HOLD_EXCEPTIONS } from '../holds.ts'
import { allocateOrder } from '../allocate-order.ts'
import { lockOrder } from '../load-order.ts'
import { recordOrderEvents, type TimelineEntry } from '../order-timeline.ts'
import { resolveOrderExceptions } from '../../exceptions/commands/resolve-exception.ts'
import { openHoldExceptions, statusTitle } from './place-order.ts'

const HOLDS = ['PAYMENT', 'FRAUD', 'ADDRESS', 'LOW_CONFIDENCE_STOCK', 'MANUAL'] as const

export const releaseHoldInput = z.object({
  orderId: z.number().int().positive(),
  reason: z.string().trim().min(1, 'Say why the hold can be released').max(1000),
  /** Which holds to release; all of the order's holds when omitted. */
  holds: z.array(z.enum(HOLDS)).nullish(),
})

/**
 * Releases an order's holds after review by the owning team, re-validates it against current data and
 * settings (holds that still apply and were not released stay), and once no hold is left reserves its stock.
 * Releasing a LOW_CONFIDENCE_STOCK hold means someone confirmed the shelf, so the confidence buffer is lifted.
 */
export async function releaseHold(tx: Tx, rawInput: z.input<typeof releaseHoldInput>, actor: Actor, now = new Date()) {
  const input = parseInput(releaseHoldInput, rawInput)
  const order = await lockOrder(tx, input.orderId)
  orderMachine.assertTransition(order.status, 'VALIDATED', ['input', 'orderId'])
  const releasing: HoldReason[] = input.holds?.length ? [...new Set(input.holds)] : order.holds
  for (const h of releasing) {
    if (!order.holds.includes(h)) throw userError('INVALID_INPUT', `Order ${order.number} has no ${h} hold`, ['input', 'holds'])
    if (!canReleaseHold(actor.role, h)) throw userError('FORBIDDEN', `${actor.role} may not release a ${h} hold (owner: ${HOLD_EXCEPTIONS[h].ownerRole})`, ['input', 'holds'])
  }

  // Re-validate: intake checks are re-run on current data and settings; holds raised by people or by stock
  // confidence stay until someone releases them.
  const findings = evaluateHolds({
    paymentStatus: order.paymentStatus,
    fraudScore: order.fraudScore,
    shipTo: { name: order.shipToName, line1: order.shipToLine1, line2: order.shipToLine2, city: order.shipToCity, region: order.shipToRegion, postalCode: order.shipToPostalCode, country: order.shipToCountry },
    fraudScoreThreshold: await getSetting(tx, 'orders.fraudScoreThreshold'),
  }).filter((f) => !releasing.includes(f.hold))
  const sticky = order.holds.filter((h) => (h === 'LOW_CONFIDENCE_STOCK' || h === 'MANUAL') && !releasing.includes(h))
  const remaining = [...new Set([...findings.map((f) => f.hold), ...sticky])]
  const cleared = order.holds.filter((h) => !remaining.includes(h))
  const raised = findings.filter((f) => !order.holds.includes(f.hold))

  await resolveOrderExceptions(tx, order.id, cleared.map((h) => HOLD_EXCEPTIONS[h].type), `Hold released by ${actor.id}: ${input.reason}`, actor)
  if (raised.length) await openHoldExceptions(tx, order, raised)

  const timeline: TimelineEntry[] = [{ kind: 'hold_released', title: `Hold released: ${cleared.join(', ') || 'none'}`, detail: input.reason }]
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
    move('VALIDATED', 'Validated after review', input.reason)
    await tx.fulfillmentOrder.updateMany({ where: { orderId: order.id, status: 'ON_HOLD' }, data: { status: 'OPEN' } })
    const outcome = await allocateOrder(tx, order, order.lines, actor, { now, trustLowConfidence: releasing.includes('LOW_CONFIDENCE_STOCK') })
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
    timeline[0].detail = `${input.reason}. Still on hold: ${remaining.join(', ')}`
  }

  const updated = await tx.order.update({
    where: { id: order.id },
    data: { status, holds, ...(extra.routing ? { routing: extra.routing as never } : {}), ...(extra.shipBy !== undefined ? { shipBy: extra.shipBy } : {}), ...(extra.priority !== undefined ? { priority: extra.priority } : {}), version: { increment: 1 } },
  })
  await recordOrderEvents(tx, order.id, timeline, actor)
  await recordEvents(tx, events)
  return updated
}
