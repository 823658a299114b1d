import type { PackVerificationModel as PackVerificationRow } from '@ops-hub/db'
import { verifyPack } from '@ops-hub/domain'
import { builder } from '../../builder.ts'
import { requireActor, runMutation, UserError } from '../../errors.ts'
import { idOf } from './global-id.ts'

export const PackVerificationResultEnum = builder.enumType('PackVerificationResult', { values: ['VERIFIED', 'MISMATCH'] as const })

const PackLine = builder.simpleObject('PackLine', {
  fields: (t) => ({ sku: t.string(), quantity: t.int() }),
})
const PackMismatchLine = builder.simpleObject('PackMismatchLine', {
  fields: (t) => ({ sku: t.string(), picked: t.int(), scanned: t.int() }),
})

export const PackVerification = builder.prismaObject('PackVerification', {
  authScopes: { staff: true },
  fields: (t) => ({
    result: t.expose('result', { type: PackVerificationResultEnum }),
    scannedItems: t.field({ type: [PackLine], resolve: (v) => (v.scannedItems as Array<{ sku: string; quantity: number }>) ?? [] }),
    mismatches: t.field({ type: [PackMismatchLine], resolve: (v) => (v.mismatches as Array<{ sku: string; picked: number; scanned: number }> | null) ?? [] }),
    verifiedBy: t.exposeString('verifiedBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
})

const ScannedItemInput = builder.inputType('ScannedItemInput', {
  fields: (t) => ({ sku: t.string(), quantity: t.int() }),
})

const VerifyPackInput = builder.inputType('VerifyPackInput', {
  fields: (t) => ({
    fulfillmentOrderId: t.globalID({ description: 'A FulfillmentOrder id.' }),
    scannedItems: t.field({ type: [ScannedItemInput], description: 'Every unit scanned into the parcel; repeated SKUs add up.' }),
  }),
})

interface VerifyPackShape {
  fulfillmentOrderId: number | null
  verification: PackVerificationRow | null
  userErrors: Array<{ field: string[] | null; message: string; code: never }>
}

const VerifyPackPayload = builder.objectRef<VerifyPackShape>('VerifyPackPayload').implement({
  fields: (t) => ({
    fulfillmentOrder: t.prismaField({
      type: 'FulfillmentOrder',
      nullable: true,
      resolve: (query, p, _a, ctx) => (p.fulfillmentOrderId ? ctx.prisma.fulfillmentOrder.findUnique({ ...query, where: { id: p.fulfillmentOrderId } }) : null),
    }),
    verification: t.field({ type: PackVerification, nullable: true, description: 'Recorded for matches and mismatches alike.', resolve: (p) => p.verification }),
    userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
  }),
})

builder.mutationField('verifyPack', (t) =>
  t.field({
    type: VerifyPackPayload,
    description:
      'Checks the scanned SKUs and quantities against what was picked. Match -> PACKED. Mismatch -> PACK_MISMATCH userErrors, the fulfillment order stays PICKING, and the failed check plus a PACK_MISMATCH exception (owned by OPERATIONS) are recorded. Verifying a packed order again is ILLEGAL_TRANSITION.',
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: VerifyPackInput }) },
    resolve: async (_root, { input }, ctx) => {
      const payload = await runMutation(
        ctx,
        (tx) =>
          verifyPack(tx, { fulfillmentOrderId: idOf(input.fulfillmentOrderId, 'FulfillmentOrder', 'fulfillmentOrderId'), scannedItems: input.scannedItems }, requireActor(ctx)),
        (r) => ({ fulfillmentOrderId: r.fulfillmentOrderId as number | null, verification: r.verification as PackVerificationRow | null, mismatchErrors: r.userErrors }),
      )
      // A mismatch is committed (so the exception survives) yet reported as the user error it is.
      return {
        fulfillmentOrderId: payload.fulfillmentOrderId ?? null,
        verification: payload.verification ?? null,
        userErrors: (payload.userErrors.length ? payload.userErrors : payload.mismatchErrors ?? []) as VerifyPackShape['userErrors'],
      }
    },
  }),
)
