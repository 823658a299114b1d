import { placeHold, updateOrderPayment } from '@ops-hub/domain'
import { builder } from '../../builder.ts'
import { requireActor, runMutation, UserError } from '../../errors.ts'
import { HoldReasonEnum, Order, PaymentStatusEnum } from './order.ts'

export const PaymentOutcomeEnum = builder.enumType('PaymentOutcome', {
  description:
    'What a payment update did. HOLD_RELEASED: the PAYMENT/FRAUD hold cleared and the order went on through validation, allocation and routing. HELD: payment not (or no longer) good, or fraud score above the threshold: held before release. CANCELLED: payment failed or refunded before anything shipped: cancelled, reservations released. RECORDED: recorded only (nothing to change, or too late to hold: finance gets a PAYMENT_HOLD exception).',
  values: ['HOLD_RELEASED', 'HELD', 'CANCELLED', 'RECORDED'] as const,
})

const UpdateOrderPaymentInput = builder.inputType('UpdateOrderPaymentInput', {
  fields: (t) => ({
    orderId: t.globalID({ for: [Order] }),
    status: t.field({ type: PaymentStatusEnum }),
    fraudScore: t.float({ required: false, description: '0..1; omitted keeps the current score. Above setting orders.fraudScoreThreshold holds for FRAUD review.' }),
    idempotencyKey: t.string({ required: false, description: 'The same key replays the first result; with another payload it is refused.' }),
  }),
})
const UpdateOrderPaymentPayload = builder.simpleObject('UpdateOrderPaymentPayload', {
  fields: (t) => ({
    order: t.field({ type: Order, nullable: true }),
    outcome: t.field({ type: PaymentOutcomeEnum, nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

const PlaceHoldInput = builder.inputType('PlaceHoldInput', {
  fields: (t) => ({
    orderId: t.globalID({ for: [Order] }),
    reason: t.field({ type: HoldReasonEnum, description: 'MANUAL: the other reasons are raised by the hub\'s own checks and refused here (INVALID_INPUT).' }),
    note: t.string({ description: 'Why; on the timeline and the exception.' }),
  }),
})
const PlaceHoldPayload = builder.simpleObject('PlaceHoldPayload', {
  fields: (t) => ({
    order: t.field({ type: Order, nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationFields((t) => ({
  updateOrderPayment: t.field({
    type: UpdateOrderPaymentPayload,
    description:
      'A payment event for an order (also POST /webhooks/payment, signed). Cleared (AUTHORIZED/CAPTURED, fraud within threshold): a PAYMENT/FRAUD hold is released and the order is validated, allocated and routed at once. PENDING or a high fraud score: held while it can be. FAILED/REFUNDED before shipping: cancelled with its reservations released. Unknown or cancelled order: refused, nothing written.',
    authScopes: { roles: ['FINANCE', 'OPERATIONS', 'PARTNER'] },
    args: { input: t.arg({ type: UpdateOrderPaymentInput }) },
    resolve: (_root, { input }, ctx) =>
      runMutation(
        ctx,
        (tx) => updateOrderPayment(tx, { orderId: Number(input.orderId.id), status: input.status, fraudScore: input.fraudScore ?? null, idempotencyKey: input.idempotencyKey ?? null }, requireActor(ctx)),
        (r) => ({ order: r.order, outcome: r.outcome }),
      ),
  }),
  placeHold: t.field({
    type: PlaceHoldPayload,
    description: 'Holds an order by hand (MANUAL) before it is released: reservations stay, open fulfillment orders wait, operations get an exception. releaseHold lifts it.',
    authScopes: { roles: ['OPERATIONS', 'CUSTOMER_SERVICE', 'FINANCE'] },
    args: { input: t.arg({ type: PlaceHoldInput }) },
    resolve: (_root, { input }, ctx) =>
      runMutation(ctx, (tx) => placeHold(tx, { orderId: Number(input.orderId.id), reason: input.reason, note: input.note }, requireActor(ctx)), (order) => ({ order })),
  }),
}))
