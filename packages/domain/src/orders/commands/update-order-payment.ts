import { z } from 'zod'
import type { OrderModel as Order, PaymentStatus, Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { getSetting } from '../../settings/settings.ts'
import { openException } from '../../exceptions/commands/open-exception.ts'
import { orderMachine } from '../order.machine.ts'
import { lockOrder } from '../load-order.ts'
import { recordOrderEvents } from '../order-timeline.ts'
import type { HoldFinding } from '../holds.ts'
import { holdOrder } from '../hold-order.ts'
import { resumeOrder } from '../resume-order.ts'
import { idempotentOrderCommand, keepOrder } from '../idempotent-order-command.ts'
import { cancelOrder } from './cancel-order.ts'

export const PAYMENT_STATUSES = ['PENDING', 'AUTHORIZED', 'CAPTURED', 'FAILED', 'REFUNDED'] as const

export const updateOrderPaymentInput = z.object({
  orderId: z.number().int().positive(),
  status: z.enum(PAYMENT_STATUSES),
  fraudScore: z.number().min(0, 'fraudScore is between 0 and 1').max(1, 'fraudScore is between 0 and 1').nullish(),
  idempotencyKey: z.string().trim().min(1).max(200).nullish(),
})

/**
 * What the payment update did to the order: HOLD_RELEASED (the payment or fraud hold cleared and the order went on
 * through validation and allocation), HELD (payment no longer good or fraud score too high: held before release),
 * CANCELLED (payment failed or refunded before shipping: cancelled, reservations released), RECORDED (nothing else
 * to do, or too late to act: finance gets an exception instead).
 */
export type PaymentOutcome = 'HOLD_RELEASED' | 'HELD' | 'CANCELLED' | 'RECORDED'

export interface UpdateOrderPaymentResult {
  order: Order
  outcome: PaymentOutcome
}

const CLEARED: PaymentStatus[] = ['AUTHORIZED', 'CAPTURED']

/**
 * Applies a payment event to an order (from the mutation or the signed payment webhook): the status and fraud score
 * are recorded on the order and its timeline, then the order follows. A payment that clears takes the order off its
 * PAYMENT/FRAUD hold and carries it through validation, allocation and routing in the same transaction; one that is
 * not (or no longer) good holds it while it can still be held; a FAILED or REFUNDED payment cancels it with its
 * reservations released while nothing has shipped. A cancelled order is refused, nothing written.
 */
export async function updateOrderPayment(tx: Tx, rawInput: z.input<typeof updateOrderPaymentInput>, actor: Actor, now = new Date()) {
  const input = parseInput(updateOrderPaymentInput, rawInput)
  const kept = keepOrder(tx)
  return idempotentOrderCommand<UpdateOrderPaymentResult>(
    tx,
    {
      scope: 'updateOrderPayment',
      input,
      actor,
      now,
      keep: {
        toResponse: (r) => ({ ...kept.toResponse(r.order), outcome: r.outcome }),
        replay: async (response) => ({ order: await kept.replay(response), outcome: response.outcome as PaymentOutcome }),
      },
    },
    () => applyPayment(tx, input, actor, now),
  )
}

async function applyPayment(tx: Tx, input: z.infer<typeof updateOrderPaymentInput>, actor: Actor, now: Date): Promise<UpdateOrderPaymentResult> {
  const locked = await lockOrder(tx, input.orderId)
  if (actor.role === 'PARTNER' && actor.channelCode !== locked.channel.code) throw userError('NOT_FOUND', `Order ${input.orderId} not found`, ['input', 'orderId'])
  if (locked.status === 'CANCELLED') throw userError('ILLEGAL_TRANSITION', `Order ${locked.number} is cancelled; its payment no longer changes anything`, ['input', 'orderId'])

  const fraudScore = input.fraudScore ?? locked.fraudScore
  const threshold = await getSetting(tx, 'orders.fraudScoreThreshold')
  await tx.order.update({ where: { id: locked.id }, data: { paymentStatus: input.status, fraudScore, version: { increment: 1 } } })
  const order = { ...locked, paymentStatus: input.status, fraudScore }
  await recordOrderEvents(
    tx,
    order.id,
    [{ kind: 'payment', title: `Payment ${locked.paymentStatus === input.status ? 'confirmed' : `${locked.paymentStatus} -> ${input.status}`}`, detail: `Fraud score ${fraudScore} (hold above ${threshold}); reported by ${actor.id}` }],
    actor,
    now,
  )
  await recordEvents(tx, [
    { topic: 'order.payment_changed', aggregateType: 'Order', aggregateId: order.id, payload: { from: locked.paymentStatus, to: input.status, fraudScore, channelId: order.channelId } },
  ])

  const shippedAny = order.lines.some((l) => l.shippedQuantity > 0)
  if (input.status === 'FAILED' || input.status === 'REFUNDED') {
    if (!shippedAny && orderMachine.can(order.status, 'CANCELLED')) {
      const cancelled = await cancelOrder(tx, { orderId: order.id, reason: `Payment ${input.status.toLowerCase()}` }, actor, now)
      return { order: cancelled, outcome: 'CANCELLED' }
    }
    // Goods are out: only a person can recover the money; a refund after delivery (a return) is simply recorded.
    if (input.status === 'FAILED') await openLatePaymentException(tx, order, `Payment failed after ${order.status.toLowerCase().replaceAll('_', ' ')}`)
    return { order: await reread(tx, order.id), outcome: 'RECORDED' }
  }

  const findings: HoldFinding[] = []
  if (!CLEARED.includes(input.status)) findings.push({ hold: 'PAYMENT', detail: `Payment is ${input.status}, not authorized or captured`, data: { paymentStatus: input.status } })
  if (fraudScore > threshold) findings.push({ hold: 'FRAUD', detail: `Fraud score ${fraudScore} is above the threshold ${threshold}`, data: { fraudScore, threshold } })

  // Holds this payment clears; resumeOrder re-runs every check, so one that now fails (a fraud score raised in the
  // same event) holds the order again instead of letting it through.
  const clearing = order.holds.filter((h) => (h === 'PAYMENT' && CLEARED.includes(input.status)) || (h === 'FRAUD' && fraudScore <= threshold))
  if (order.status === 'ON_HOLD' && clearing.length) {
    const resumed = await resumeOrder(
      tx,
      order,
      { holds: clearing, reason: `Payment ${input.status.toLowerCase()}, fraud score ${fraudScore}`, title: `Payment cleared: ${clearing.join(', ')} hold released` },
      actor,
      now,
    )
    if (resumed.status !== 'ON_HOLD') return { order: resumed, outcome: 'HOLD_RELEASED' }
    return { order: resumed, outcome: resumed.holds.some((h) => !order.holds.includes(h)) ? 'HELD' : 'RECORDED' }
  }
  if (findings.length === 0) return { order: await reread(tx, order.id), outcome: 'RECORDED' }
  if (order.status === 'ON_HOLD' || orderMachine.can(order.status, 'ON_HOLD')) {
    return { order: await holdOrder(tx, order, findings, actor, now), outcome: order.holds.length && findings.every((f) => order.holds.includes(f.hold)) ? 'RECORDED' : 'HELD' }
  }
  // Already released to the floor: the machine no longer allows a hold, so finance decides whether to stop it.
  await openLatePaymentException(tx, order, findings.map((f) => f.detail).join('; '))
  return { order: await reread(tx, order.id), outcome: 'RECORDED' }
}

const reread = (tx: Tx, id: number) => tx.order.findUniqueOrThrow({ where: { id } })

async function openLatePaymentException(tx: Tx, order: { id: number; number: string; status: string }, detail: string) {
  await openException(tx, {
    type: 'PAYMENT_HOLD',
    severity: 'HIGH',
    ownerRole: 'FINANCE',
    subjectType: 'Order',
    subjectId: order.id,
    orderId: order.id,
    dedupeKey: `PAYMENT_HOLD:order:${order.id}`,
    title: `Payment problem on order ${order.number} (${order.status})`,
    detail: `${detail}. The order is past the point where the hub holds it: decide whether to stop or recover it.`,
  })
}
