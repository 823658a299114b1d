import { automationOf, configureNodeAutomation, nodeCapacityToday, type NodeAutomationSettings, type NodeCapacityToday } from '@ops-hub/domain'
import { builder } from '../../builder.ts'
import { requireActor, runMutation, UserError } from '../../errors.ts'
import { Location } from './location.ts'

export const CapacityBoundEnum = builder.enumType('CapacityBound', {
  description: 'Which daily capacity bounds release at a node: every released fulfillment order is picked and packed on its working day.',
  values: ['PICK', 'PACK'] as const,
})

const NodeAutomationRef = builder.objectRef<NodeAutomationSettings>('NodeAutomation').implement({
  description: 'How a fulfilment node runs by itself (configureNodeAutomation). A node created through the API starts with everything off.',
  fields: (t) => ({
    autoRelease: t.exposeBoolean('autoRelease', { description: 'Open fulfillment orders are released without a releaseOrders call, by the same rules and capacity.' }),
    releaseEveryMinutes: t.exposeInt('releaseEveryMinutes', { description: '0: on every allocation event. N: once per N-minute slot of the local day.' }),
    autoWave: t.exposeBoolean('autoWave'),
    waveAtOrders: t.exposeInt('waveAtOrders', { nullable: true, description: 'A wave as soon as this many released fulfillment orders wait.' }),
    waveEveryMinutes: t.exposeInt('waveEveryMinutes', { nullable: true, description: 'A wave of whatever waits once this many minutes passed since the last one.' }),
    maxLinesPerWave: t.exposeInt('maxLinesPerWave', { description: 'Order lines (reserved allocations) per automatic wave at most; a larger fulfillment order waves alone.' }),
    lastReleaseSlotAt: t.expose('lastReleaseSlotAt', { type: 'DateTime', nullable: true, description: 'Start of the last slot released (slot mode).' }),
    lastWaveAt: t.expose('lastWaveAt', { type: 'DateTime', nullable: true }),
  }),
})

const NodeCapacityDayRef = builder.objectRef<NodeCapacityToday>('NodeCapacityDay').implement({
  description:
    "Capacity use of the working day a node's releases count against: released, picked and packed fulfillment orders against its daily pick and pack capacity. releaseCapacity = min(pickCapacity, packCapacity); releasableLeft = releaseCapacity - released (never negative); work due on a later day may take releasableLeft - reservedForDueWork until reserveOpensAt.",
  fields: (t) => ({
    day: t.exposeString('day', { description: "Local date: today before the cut-off on a business day, else the next business day." }),
    afterCutoff: t.exposeBoolean('afterCutoff'),
    pickCapacity: t.exposeInt('pickCapacity'),
    packCapacity: t.exposeInt('packCapacity'),
    releaseCapacity: t.exposeInt('releaseCapacity'),
    boundBy: t.expose('boundBy', { type: CapacityBoundEnum }),
    released: t.exposeInt('released'),
    picked: t.exposeInt('picked', { description: 'Fulfillment orders whose last pick task was confirmed that day.' }),
    packed: t.exposeInt('packed', { description: 'Fulfillment orders packed (verified) that day.' }),
    releasableLeft: t.exposeInt('releasableLeft'),
    reservedForDueWork: t.exposeInt('reservedForDueWork', {
      description: "Releases of the day kept for work due that day (ship-by by its cut-off) that is still to come: work due later may not take them until reserveOpensAt (setting orders.releaseReserve). 0 once open.",
    }),
    reserveOpensAt: t.expose('reserveOpensAt', { type: 'DateTime', description: 'When the reserve opens to any work: orders.releaseReserve.opensMinutesBeforeCutoff before the cut-off.' }),
  }),
})

builder.prismaObjectFields('Location', (t) => ({
  automation: t.field({
    type: NodeAutomationRef,
    authScopes: { staff: true },
    select: { automation: true },
    resolve: (l) => automationOf(l.automation),
  }),
  capacityToday: t.field({
    type: NodeCapacityDayRef,
    nullable: true,
    authScopes: { staff: true },
    description: 'Null for a location that is not a fulfilment node.',
    select: { id: true, isFulfillmentNode: true, timezone: true, cutoffMinutes: true, dailyPickCapacity: true, dailyPackCapacity: true },
    resolve: (l, _a, ctx) => (l.isFulfillmentNode ? nodeCapacityToday(ctx.prisma, l) : null),
  }),
}))

const ConfigureNodeAutomationInput = builder.inputType('ConfigureNodeAutomationInput', {
  description: 'Fields left out keep their value; waveAtOrders or waveEveryMinutes set to null turns that trigger off.',
  fields: (t) => ({
    locationCode: t.string(),
    autoRelease: t.boolean({ required: false }),
    releaseEveryMinutes: t.int({ required: false, description: '0..1440; 0 releases on every allocation event.' }),
    autoWave: t.boolean({ required: false, description: 'Needs waveAtOrders, waveEveryMinutes or both.' }),
    waveAtOrders: t.int({ required: false }),
    waveEveryMinutes: t.int({ required: false, description: '1..1440' }),
    maxLinesPerWave: t.int({ required: false, description: '1..10000 (default 200).' }),
  }),
})
const ConfigureNodeAutomationPayload = builder.simpleObject('ConfigureNodeAutomationPayload', {
  fields: (t) => ({
    location: t.field({ type: Location, nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationField('configureNodeAutomation', (t) =>
  t.field({
    type: ConfigureNodeAutomationPayload,
    description: "Sets a fulfilment node's automatic release (on each allocation or per slot, within pick and pack capacity) and automatic waves (by waiting orders or timer, bounded in lines).",
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: ConfigureNodeAutomationInput }) },
    resolve: (_root, { input }, ctx) =>
      runMutation(ctx, (tx) => configureNodeAutomation(tx, input, requireActor(ctx)), async (r) => ({ location: await ctx.prisma.location.findUnique({ where: { id: r.location.id } }) })),
  }),
)
