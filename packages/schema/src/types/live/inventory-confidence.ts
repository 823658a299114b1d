import { LOWEST_POSITIONS_KEPT, type InventoryConfidenceSnapshot } from '@ops-hub/analytics'
import type { Role } from '@ops-hub/db'
import { builder } from '../../builder.ts'
import { locationScopeArg } from './subscription.ts'

/** Who may watch inventory confidence: those who promise, buy, value or report on stock. */
export const INVENTORY_CONFIDENCE_ROLES: Role[] = ['OPERATIONS', 'PROCUREMENT', 'FINANCE', 'EXECUTIVE']

type Position = InventoryConfidenceSnapshot['lowest'][number]
type Factor = Position['factors'][number]

const ConfidenceFactor = builder.objectRef<Factor>('ConfidenceFactor').implement({
  description: 'One reason for doubt about a stock figure; the score is their weighted geometric mean.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'countAge, countVariance, sourceFreshness, unreconciled, manualAdjustments.' }),
    value: t.exposeFloat('value', { description: '0..1, 1 = no doubt from this factor.' }),
    weight: t.exposeFloat('weight'),
    explanation: t.exposeString('explanation', { nullable: true }),
  }),
})

const LowConfidencePosition = builder.objectRef<Position>('LowConfidencePosition').implement({
  fields: (t) => ({
    sku: t.exposeString('sku', { description: 'SKU code.' }),
    skuName: t.exposeString('skuName'),
    location: t.exposeString('location', { description: 'Node code.' }),
    score: t.exposeFloat('score', { description: 'Inventory confidence 0..1.' }),
    onHand: t.exposeInt('onHand'),
    available: t.exposeInt('available'),
    factors: t.field({ type: [ConfidenceFactor], resolve: (p) => p.factors }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.updatedAt }),
  }),
})

export const InventoryConfidenceSnapshotRef = builder.objectRef<InventoryConfidenceSnapshot>('InventoryConfidenceSnapshot').implement({
  description: 'How far stock figures can be trusted, per node or network-wide, as of `asOf`.',
  fields: (t) => ({
    asOf: t.field({ type: 'DateTime', resolve: (s) => s.asOf }),
    locationCode: t.exposeString('locationCode', { nullable: true }),
    overall: t.exposeFloat('overall', { description: 'Mean confidence of the stock positions in scope (0..1).' }),
    positions: t.exposeInt('positions', { description: 'Stock positions in scope.' }),
    threshold: t.exposeFloat('threshold', { description: 'Setting inventory.confidenceThreshold: below it stock is not safely promisable.' }),
    belowThreshold: t.exposeInt('belowThreshold', { description: 'Positions whose confidence is below the threshold.' }),
    lowest: t.field({
      type: [LowConfidencePosition],
      description: `The least trusted positions, weakest first (at most ${LOWEST_POSITIONS_KEPT}).`,
      args: { first: t.arg.int({ required: false, defaultValue: 5 }) },
      resolve: (s, args) => s.lowest.slice(0, Math.max(0, Math.min(args.first ?? 5, LOWEST_POSITIONS_KEPT))),
    }),
  }),
})

builder.queryField('inventoryConfidence', (t) =>
  t.field({
    type: InventoryConfidenceSnapshotRef,
    authScopes: { roles: INVENTORY_CONFIDENCE_ROLES },
    args: { locationCode: t.arg.string({ required: false }) },
    resolve: async (_root, args, ctx) => ctx.live.current({ metric: 'inventoryConfidence', ...(await locationScopeArg(ctx, args.locationCode)) }),
  }),
)

builder.subscriptionField('inventoryConfidence', (t) =>
  t.field({
    type: InventoryConfidenceSnapshotRef,
    description: 'Inventory confidence, pushed when stock at the node changes (coalesced) and every 30 s.',
    authScopes: { roles: INVENTORY_CONFIDENCE_ROLES },
    args: { locationCode: t.arg.string({ required: false }) },
    subscribe: async (_root, args, ctx) => ctx.live.watch({ metric: 'inventoryConfidence', ...(await locationScopeArg(ctx, args.locationCode)) }),
    resolve: (snapshot) => snapshot as InventoryConfidenceSnapshot,
  }),
)
