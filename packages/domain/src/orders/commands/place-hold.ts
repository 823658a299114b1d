import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { lockOrder } from '../load-order.ts'
import { holdOrder } from '../hold-order.ts'

export const placeHoldInput = z.object({
  orderId: z.number().int().positive(),
  // Any hold reason parses, so a non-manual one gets its own refusal below rather than a generic enum error.
  reason: z.enum(['PAYMENT', 'FRAUD', 'ADDRESS', 'LOW_CONFIDENCE_STOCK', 'MANUAL']),
  note: z.string().trim().min(1, 'Say why the order is held').max(1000),
})

/**
 * Holds an order by hand (reason MANUAL) before it is released to the floor: its reservations stay, its open
 * fulfillment orders wait, and an exception goes to operations until someone releases the hold. Payment, fraud,
 * address and stock-confidence holds are raised by the hub's own checks, never from outside.
 */
export async function placeHold(tx: Tx, rawInput: z.input<typeof placeHoldInput>, actor: Actor, now = new Date()) {
  const input = parseInput(placeHoldInput, rawInput)
  if (input.reason !== 'MANUAL') {
    throw userError('INVALID_INPUT', `A ${input.reason} hold is raised by the hub's own checks; only MANUAL holds are placed by hand`, ['input', 'reason'])
  }
  const order = await lockOrder(tx, input.orderId)
  if (actor.role === 'PARTNER' && actor.channelCode !== order.channel.code) throw userError('NOT_FOUND', `Order ${input.orderId} not found`, ['input', 'orderId'])
  if (order.status === 'CANCELLED') throw userError('ILLEGAL_TRANSITION', `Order ${order.number} is cancelled`, ['input', 'orderId'])
  // The order machine lets a RELEASED order go on hold (an address that fails re-validation before pick must stop
  // it); a hold by hand is for work not yet on the floor, where pickers could otherwise be walking to it.
  if (order.status === 'RELEASED') {
    throw userError('ILLEGAL_TRANSITION', `Order ${order.number} is already released to the floor; hold it before release`, ['input', 'orderId'])
  }
  if (order.holds.includes('MANUAL')) throw userError('ILLEGAL_TRANSITION', `Order ${order.number} is already held by hand`, ['input', 'orderId'])
  return holdOrder(tx, order, [{ hold: 'MANUAL', detail: `Held by ${actor.id}: ${input.note}`, data: { note: input.note, heldBy: actor.id } }], actor, now)
}
