import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { DomainError, userError, type UserErrorData } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema, referenceUriSchema } from '../../shared/codes.ts'
import { idempotent, idempotencyKeySchema } from '../../shared/idempotency.ts'
import { ADJUSTABLE_BUCKETS, MANUAL_REASONS, REASON_SIGN } from '../adjustment-rules.ts'
import { requestAdjustment } from '../adjustments.ts'
import { flagAdjustmentAnomalies } from '../anomalies.ts'
import { refreshConfidence } from '../confidence.ts'

export const adjustInventoryInput = z
  .object({
    sku: codeSchema,
    locationCode: codeSchema,
    quantityDelta: z.number().int('Whole units only').min(-1_000_000).max(1_000_000).refine((n) => n !== 0, 'A zero adjustment changes nothing'),
    bucket: z.enum(ADJUSTABLE_BUCKETS, { message: 'Reserved, incoming and in-transit are moved by orders, purchase orders and transfers' }).nullish(),
    reason: z.enum(MANUAL_REASONS, { message: 'CYCLE_COUNT and FEED_SYNC are recorded by recordCount and importInventoryFeed' }),
    referenceDocumentUri: referenceUriSchema.nullish(),
    note: z.string().trim().max(1000).nullish(),
    idempotencyKey: idempotencyKeySchema,
    expectedQuantity: z.number().int().min(0).nullish(),
  })
  .superRefine((v, ctx) => {
    const sign = REASON_SIGN[v.reason]
    if (sign && Math.sign(v.quantityDelta) !== sign) {
      ctx.addIssue({ code: 'custom', path: ['quantityDelta'], message: `${v.reason} must be ${sign > 0 ? 'positive' : 'negative'}` })
    }
  })

/**
 * Changes one bucket of a stock position with a reason, actor and reference document. Above the approval
 * thresholds (see adjustmentNeedsApproval) it waits for a second person; `expectedQuantity` is a compare-and-swap
 * on the bucket; an idempotency key replays the first result.
 */
export async function adjustInventory(tx: Tx, rawInput: z.input<typeof adjustInventoryInput>, actor: Actor, now = new Date()) {
  const input = parseInput(adjustInventoryInput, rawInput)
  const { idempotencyKey, ...request } = input
  return idempotent(
    tx,
    { scope: 'adjustInventory', key: idempotencyKey, request: { ...request, bucket: request.bucket ?? 'ON_HAND' }, owner: actor.id, now },
    async () => {
      const sku = await tx.sku.findUnique({ where: { code: input.sku } })
      const location = await tx.location.findUnique({ where: { code: input.locationCode } })
      const missing: UserErrorData[] = []
      if (!sku) missing.push({ code: 'NOT_FOUND', message: `No SKU ${input.sku}`, field: ['input', 'sku'] })
      if (!location) missing.push({ code: 'NOT_FOUND', message: `No location ${input.locationCode}`, field: ['input', 'locationCode'] })
      if (!sku || !location) throw new DomainError(missing)
      if (!location.active) throw userError('INVALID_INPUT', `Location ${location.code} is inactive`, ['input', 'locationCode'])

      const created = await requestAdjustment(
        tx,
        {
          sku,
          location,
          bucket: input.bucket ?? 'ON_HAND',
          quantityDelta: input.quantityDelta,
          reason: input.reason,
          referenceDocumentUri: input.referenceDocumentUri,
          note: input.note,
          expectedQuantity: input.expectedQuantity,
          idempotencyKey,
          now,
        },
        actor,
      )
      const adjustment = await flagAdjustmentAnomalies(tx, created, now)
      await refreshConfidence(tx, { positionIds: [adjustment.stockPositionId] }, now)
      const stockPosition = await tx.stockPosition.findUniqueOrThrow({ where: { id: adjustment.stockPositionId } })
      return { adjustment, stockPosition }
    },
  )
}
