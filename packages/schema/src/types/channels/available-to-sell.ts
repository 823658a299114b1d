import { availableToSell, type NodeAvailability, type ChannelSkuAvailability } from '@ops-hub/domain'
import { builder } from '../../builder.ts'
import { requireActor } from '../../errors.ts'

const NodeAvailabilityRef = builder.objectRef<NodeAvailability>('NodeAvailability').implement({
  description: 'One fulfilment node\'s part of what a channel may sell, with the inputs to recompute it.',
  fields: (t) => ({
    locationCode: t.exposeString('locationCode'),
    available: t.exposeInt('available', { description: 'The book: on hand - reserved - safety stock - damaged - quality control, never negative.' }),
    confidence: t.exposeFloat('confidence', { description: 'Inventory confidence of the position (0..1).' }),
    lowConfidence: t.exposeBoolean('lowConfidence', { description: 'Below confidenceThreshold: the buffer is held back.' }),
    bufferUnits: t.exposeInt('bufferUnits', { description: 'ceil(available x lowConfidenceBuffer) when lowConfidence, else 0.' }),
    promisable: t.exposeInt('promisable', { description: 'available - bufferUnits, within the channel\'s availableToSell.' }),
  }),
})

const AvailableToSellRef = builder.objectRef<ChannelSkuAvailability>('AvailableToSell').implement({
  description:
    'What a channel may promise of a SKU now - the number to show so that it never oversells: the nodes\' promisable units (available, less a buffer where confidence is low), within what the channel\'s allocation rules leave it (other channels\' reserved pools fenced off, its own percentage cap). The same rules as allocation; the next order re-checks them under lock. A bundle: as many as its scarcest component allows (no nodes of its own; notes name each component\'s figure).',
  fields: (t) => ({
    sku: t.exposeString('sku'),
    channelCode: t.exposeString('channelCode'),
    availableToSell: t.exposeInt('availableToSell', { description: 'min(promisable, channelLimit).' }),
    promisable: t.exposeInt('promisable', { description: 'Sum of the nodes\' available - bufferUnits.' }),
    channelLimit: t.exposeInt('channelLimit', { description: 'Units the channel may still reserve under its allocation rules.' }),
    notes: t.exposeStringList('notes', { description: 'How each allocation rule limited the channel.' }),
    nodes: t.field({ type: [NodeAvailabilityRef], resolve: (a) => a.nodes }),
    confidenceThreshold: t.exposeFloat('confidenceThreshold', { description: 'Setting inventory.confidenceThreshold.' }),
    lowConfidenceBuffer: t.exposeFloat('lowConfidenceBuffer', { description: 'Share of a low-confidence position held back.' }),
  }),
})

builder.queryField('availableToSell', (t) =>
  t.field({
    type: [AvailableToSellRef],
    description: 'What a channel may sell of each SKU now, per node and in total. Partners: their own channel only (the default); FORBIDDEN for another.',
    authScopes: { authenticated: true },
    args: {
      skus: t.arg.stringList({ description: 'SKU codes, at most 250.' }),
      channelCode: t.arg.string({ required: false, description: 'Required for staff; a partner\'s own channel when omitted.' }),
    },
    resolve: (_root, args, ctx) => availableToSell(ctx.prisma, { skus: args.skus, channelCode: args.channelCode }, requireActor(ctx)),
  }),
)
