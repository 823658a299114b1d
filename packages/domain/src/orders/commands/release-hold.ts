import { z } from 'zod'
import type { HoldReason, Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { orderMachine } from '../order.machine.ts'
import { canReleaseHold, HOLD_EXCEPTIONS } from '../holds.ts'
import { lockOrder } from '../load-order.ts'
import { resumeOrder } from '../resume-order.ts'

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
  if (actor.role === 'PARTNER' && actor.channelCode !== order.channel.code) throw userError('NOT_FOUND', `Order ${input.orderId} not found`, ['input', 'orderId'])
  orderMachine.assertTransition(order.status, 'VALIDATED', ['input', 'orderId'])
  const releasing: HoldReason[] = input.holds?.length ? [...new Set(input.holds)] : order.holds
  for (const h of releasing) {
    if (!order.holds.includes(h)) throw userError('INVALID_INPUT', `Order ${order.number} has no ${h} hold`, ['input', 'holds'])
    if (!canReleaseHold(actor.role, h)) throw userError('FORBIDDEN', `${actor.role} may not release a ${h} hold (owner: ${HOLD_EXCEPTIONS[h].ownerRole})`, ['input', 'holds'])
  }
  return resumeOrder(tx, order, { holds: releasing, reason: input.reason, trustLowConfidence: releasing.includes('LOW_CONFIDENCE_STOCK') }, actor, now)
}
