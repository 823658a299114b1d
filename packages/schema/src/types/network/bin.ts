import { createBin, putAwayStock } from '@ops-hub/domain'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import { IDEMPOTENCY_KEY_DESCRIPTION, UserError, requireActor, runKeyedMutation, runMutation } from '../../errors.ts'
import { Bin } from '../warehouse/pick-wave.ts'

export const BinStock = builder.prismaObject('BinStock', {
  authScopes: { staff: true },
  description: 'Units of one SKU on a bin\'s shelf (part of the position\'s on-hand, not a bucket of its own).',
  fields: (t) => ({
    sku: t.relation('sku'),
    quantity: t.exposeInt('quantity'),
  }),
})

builder.prismaObjectFields('Bin', (t) => ({
  active: t.exposeBoolean('active'),
  location: t.relation('location'),
  stock: t.relation('stocks', {
    description: 'What the bin holds, by SKU code; empty slots left by picks are included with quantity 0.',
    query: { orderBy: { sku: { code: 'asc' } } },
  }),
}))

builder.prismaObjectFields('Location', (t) => ({
  bins: t.relatedConnection(
    'bins',
    {
      description: 'The bins at the location in walk order, each with its stock.',
      authScopes: { staff: true },
      cursor: 'id',
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      query: () => ({ orderBy: [{ sequence: 'asc' as const }, { code: 'asc' as const }, { id: 'asc' as const }] }),
      totalCount: true,
    },
    { name: 'BinConnection' },
    { name: 'BinEdge' },
  ),
}))

const CreateBinInput = builder.inputType('CreateBinInput', {
  fields: (t) => ({
    locationCode: t.string(),
    code: t.string({ description: 'Unique at the location, e.g. A-01-02.' }),
    zone: t.string({ required: false }),
    sequence: t.int({ description: 'Walk order: pick tasks are sequenced by it.' }),
  }),
})

const BinPayload = builder.simpleObject('BinPayload', {
  fields: (t) => ({
    bin: t.field({ type: Bin, nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

const PutAwayStockInput = builder.inputType('PutAwayStockInput', {
  fields: (t) => ({
    locationCode: t.string(),
    binCode: t.string(),
    sku: t.string({ description: 'SKU code.' }),
    quantity: t.int({ description: 'Units to shelve; the bins at the location may not hold more than the on-hand.' }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
})

builder.mutationFields((t) => ({
  createBin: t.field({
    type: BinPayload,
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: CreateBinInput }) },
    resolve: (_root, { input }, ctx) => runMutation(ctx, (tx) => createBin(tx, input, requireActor(ctx)), (bin) => ({ bin })),
  }),
  putAwayStock: t.field({
    type: BinPayload,
    description: "Shelves units of an existing stock position in a bin. The position's buckets and the ledger do not change.",
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: PutAwayStockInput }) },
    resolve: (_root, { input }, ctx) => runKeyedMutation(ctx, 'putAwayStock', input, (tx) => putAwayStock(tx, input, requireActor(ctx)), (bin) => ({ bin })),
  }),
}))
