import type { PickBacklogSnapshot } from '@ops-hub/analytics'
import type { Role } from '@ops-hub/db'
import { builder } from '../../builder.ts'
import { locationScopeArg } from './subscription.ts'

export const PICK_BACKLOG_ROLES: Role[] = ['OPERATIONS', 'EXECUTIVE']

const NodeBacklog = builder.objectRef<PickBacklogSnapshot['locations'][number]>('NodeBacklog').implement({
  description: "One node's pick backlog against today's capacity (fulfilment orders, the node's local day).",
  fields: (t) => ({
    locationCode: t.exposeString('locationCode'),
    locationName: t.exposeString('locationName'),
    capacity: t.exposeInt('capacity', { description: 'Fulfilment orders the node can pick per day.' }),
    releasedToday: t.exposeInt('releasedToday'),
    pickedToday: t.exposeInt('pickedToday'),
    remainingCapacity: t.exposeInt('remainingCapacity', {
      description: 'Releases left today: the smaller of pick and pack capacity (what release lets through a day) less today’s releases.',
    }),
    awaitingRelease: t.exposeInt('awaitingRelease', { description: 'Routed here, not yet released to the floor.' }),
    backlog: t.exposeInt('backlog', { description: 'Released or being picked, not yet packed.' }),
    backlogUnits: t.exposeInt('backlogUnits', { description: 'Units reserved for the backlog.' }),
    load: t.exposeFloat('load', { description: 'backlog / capacity; above 1 the backlog exceeds a day of picking.' }),
  }),
})

export const PickBacklogSnapshotRef = builder.objectRef<PickBacklogSnapshot>('PickBacklogSnapshot').implement({
  fields: (t) => ({
    asOf: t.field({ type: 'DateTime', resolve: (s) => s.asOf }),
    locationCode: t.exposeString('locationCode', { nullable: true }),
    totalBacklog: t.exposeInt('totalBacklog'),
    totalCapacity: t.exposeInt('totalCapacity'),
    locations: t.field({ type: [NodeBacklog], resolve: (s) => s.locations }),
  }),
})

builder.queryField('pickBacklog', (t) =>
  t.field({
    type: PickBacklogSnapshotRef,
    authScopes: { roles: PICK_BACKLOG_ROLES },
    args: { locationCode: t.arg.string({ required: false }) },
    resolve: async (_root, args, ctx) => ctx.live.current({ metric: 'pickBacklog', ...(await locationScopeArg(ctx, args.locationCode)) }),
  }),
)

builder.subscriptionField('pickBacklog', (t) =>
  t.field({
    type: PickBacklogSnapshotRef,
    authScopes: { roles: PICK_BACKLOG_ROLES },
    args: { locationCode: t.arg.string({ required: false }) },
    subscribe: async (_root, args, ctx) => ctx.live.watch({ metric: 'pickBacklog', ...(await locationScopeArg(ctx, args.locationCode)) }),
    resolve: (snapshot) => snapshot as PickBacklogSnapshot,
  }),
)
