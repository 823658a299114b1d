import { adjustInventory, segregateStock } from '@ops-hub/domain'
import { builder } from '../../builder.ts'
import { IDEMPOTENCY_KEY_DESCRIPTION, UserError, requireActor, runKeyedMutation, runMutation } from '../../errors.ts'
import { StockPosition } from './stock-position.ts'
import { Adjustment, REFERENCE_URI_FORMAT } from './adjustment.ts'

const SegregationEnum = builder.enumType('StockSegregation', {
  description: 'Where units sit within a position: sellable (AVAILABLE) or held apart (DAMAGED, QUALITY_CONTROL).',
  values: ['AVAILABLE', 'DAMAGED', 'QUALITY_CONTROL'] as const,
})

const SegregateStockInput = builder.inputType('SegregateStockInput', {
  fields: (t) => ({
    sku: t.string(),
    locationCode: t.string(),
    quantity: t.int(),
    from: t.field({ type: SegregationEnum, required: false, description: 'Default: QUALITY_CONTROL when releasing to AVAILABLE, else AVAILABLE.' }),
    to: t.field({ type: SegregationEnum }),
    reason: t.string({ description: 'Damage report, inspection result...' }),
    referenceDocumentUri: t.string({ required: false, description: `The document behind the move. ${REFERENCE_URI_FORMAT}` }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
})

const SegregateStockPayload = builder.simpleObject('SegregateStockPayload', {
  fields: (t) => ({ stockPosition: t.field({ type: StockPosition, nullable: true }), userErrors: t.field({ type: [UserError] }) }),
})

const WriteOffDamagedInput = builder.inputType('WriteOffDamagedInput', {
  fields: (t) => ({
    sku: t.string(),
    locationCode: t.string(),
    quantity: t.int({ description: 'Damaged units to remove from the building (positive).' }),
    referenceDocumentUri: t.string({ required: false, description: `The write-off's document (damage report, disposal note). ${REFERENCE_URI_FORMAT}` }),
    note: t.string({ required: false }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
})

const WriteOffDamagedPayload = builder.simpleObject('WriteOffDamagedPayload', {
  fields: (t) => ({
    adjustment: t.field({ type: Adjustment, nullable: true }),
    stockPosition: t.field({ type: StockPosition, nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationFields((t) => ({
  segregateStock: t.field({
    type: SegregateStockPayload,
    description: 'Moves units between sellable, DAMAGED and QUALITY_CONTROL; on hand does not change. Only unreserved units can be held apart.',
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: SegregateStockInput }) },
    resolve: (_r, { input }, ctx) => runKeyedMutation(ctx, 'segregateStock', input, (tx) => segregateStock(tx, input, requireActor(ctx)), (stockPosition) => ({ stockPosition })),
  }),
  writeOffDamaged: t.field({
    type: WriteOffDamagedPayload,
    description: 'Writes damaged units off (damaged -n and on hand -n) as a WRITE_OFF adjustment, with the usual approval thresholds.',
    authScopes: { roles: ['OPERATIONS', 'FINANCE'] },
    args: { input: t.arg({ type: WriteOffDamagedInput }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(
        ctx,
        (tx) =>
          adjustInventory(
            tx,
            {
              sku: input.sku, locationCode: input.locationCode, quantityDelta: -Math.abs(input.quantity), bucket: 'DAMAGED', reason: 'WRITE_OFF',
              referenceDocumentUri: input.referenceDocumentUri, note: input.note, idempotencyKey: input.idempotencyKey,
            },
            requireActor(ctx),
          ),
        (r) => r,
      ),
  }),
}))
