import { setBundleComponents, skuAvailability, type SkuAvailability } from '@ops-hub/domain'
import { builder } from '../../builder.ts'
import { requireActor, runMutation, UserError } from '../../errors.ts'
import { Sku } from './sku.ts'

// Bundles (issue 16, item 6): a SKU sold as a set of other SKUs, and what any SKU can be sold from now.

builder.prismaObject('BundleComponent', {
  authScopes: { authenticated: true },
  fields: (t) => ({
    sku: t.relation('component'),
    quantity: t.exposeInt('quantity', { description: 'Units of the component in one bundle.' }),
  }),
})

const LocationAvailabilityType = builder.simpleObject('SkuLocationAvailability', {
  fields: (t) => ({
    locationCode: t.string(),
    available: t.int({ description: 'Sellable units at this node (bundles: whole bundles this node could ship on its own).' }),
  }),
})
const ComponentAvailabilityType = builder.simpleObject('BundleComponentAvailability', {
  description: "One component's share of a bundle's availability.",
  fields: (t) => ({
    sku: t.string(),
    quantityPerBundle: t.int(),
    available: t.int({ description: "The component's available units across active fulfilment nodes." }),
    covers: t.int({ description: 'floor(available / quantityPerBundle): bundles this component alone allows.' }),
  }),
})
const SkuAvailabilityType = builder.objectRef<SkuAvailability>('SkuAvailability').implement({
  description:
    'What the SKU can be sold from now, over active fulfilment nodes. A plain SKU: the sum of available (onHand - reserved - safetyStock - damaged - ' +
    'qualityControl). A bundle: the minimum over its components of floor(available / quantityPerBundle), each component shown.',
  fields: (t) => ({
    available: t.exposeInt('available'),
    byLocation: t.field({ type: [LocationAvailabilityType], resolve: (a) => a.byLocation }),
    components: t.field({ type: [ComponentAvailabilityType], resolve: (a) => a.components.map((c) => ({ ...c, sku: c.code })) }),
  }),
})

builder.prismaObjectFields('Sku', (t) => ({
  isBundle: t.exposeBoolean('isBundle', { description: 'Sold as a set of other SKUs (bundleComponents); holds no stock of its own.' }),
  bundleComponents: t.relation('components', { description: 'What one bundle holds; empty for a plain SKU.', query: { orderBy: { componentSkuId: 'asc' } } }),
  availability: t.field({
    type: SkuAvailabilityType,
    authScopes: { staff: true },
    select: { id: true },
    resolve: (sku, _args, ctx) => skuAvailability(ctx.prisma, sku.id),
  }),
}))

const BundleComponentInput = builder.inputType('BundleComponentInput', {
  fields: (t) => ({
    sku: t.string({ description: 'A plain (non-bundle), active SKU other than the bundle.' }),
    quantity: t.int({ description: 'Units per bundle, at least 1.' }),
  }),
})
const SetBundleComponentsInput = builder.inputType('SetBundleComponentsInput', {
  fields: (t) => ({
    sku: t.string({ description: 'The SKU to sell as a bundle; it must hold no stock.' }),
    components: t.field({ type: [BundleComponentInput] }),
  }),
})
const SetBundleComponentsPayload = builder.simpleObject('SetBundleComponentsPayload', {
  fields: (t) => ({
    sku: t.field({ type: Sku, nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationField('setBundleComponents', (t) =>
  t.field({
    type: SetBundleComponentsPayload,
    description:
      'Makes a SKU a bundle of other SKUs, or replaces its components (no self-reference, no bundle inside a bundle, quantities >= 1). ' +
      'While an open order holds the SKU its make-up cannot change (IN_USE).',
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: SetBundleComponentsInput }) },
    resolve: (_root, { input }, ctx) => runMutation(ctx, (tx) => setBundleComponents(tx, input, requireActor(ctx)), (sku) => ({ sku })),
  }),
)

