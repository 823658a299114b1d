import { createLocation } from '@ops-hub/domain'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import { requireActor, runMutation, UserError } from '../../errors.ts'

export const LocationKindEnum = builder.enumType('LocationKind', {
  values: ['WAREHOUSE', 'THIRD_PARTY', 'STORE', 'SUPPLIER_DOCK'] as const,
})

export const Location = builder.prismaNode('Location', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { authenticated: true },
  fields: (t) => ({
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    kind: t.expose('kind', { type: LocationKindEnum }),
    isFulfillmentNode: t.exposeBoolean('isFulfillmentNode'),
    feedManaged: t.exposeBoolean('feedManaged', { description: 'Stock reported by batch feed (3PL) rather than live scans.' }),
    timezone: t.exposeString('timezone'),
    cutoffTime: t.string({
      description: 'Local time (HH:MM) by which work must be released to ship the same day.',
      resolve: (l) => `${String(Math.floor(l.cutoffMinutes / 60)).padStart(2, '0')}:${String(l.cutoffMinutes % 60).padStart(2, '0')}`,
    }),
    dailyPickCapacity: t.exposeInt('dailyPickCapacity'),
    dailyPackCapacity: t.exposeInt('dailyPackCapacity'),
    region: t.exposeString('region', { nullable: true }),
    country: t.exposeString('country'),
    lastFeedAt: t.expose('lastFeedAt', { type: 'DateTime', nullable: true }),
  }),
})

builder.queryFields((t) => ({
  locations: t.prismaConnection({
    type: 'Location',
    cursor: 'id',
    defaultSize: DEFAULT_PAGE_SIZE,
    maxSize: MAX_PAGE_SIZE,
    authScopes: { staff: true },
    args: { kind: t.arg({ type: LocationKindEnum, required: false }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.location.findMany({ ...query, where: args.kind ? { kind: args.kind } : {}, orderBy: { id: 'asc' } }),
    totalCount: (_p, args, ctx) => ctx.prisma.location.count({ where: args.kind ? { kind: args.kind } : {} }),
  }, { name: 'LocationConnection' }, { name: 'LocationEdge' }),
  location: t.prismaField({
    type: 'Location',
    nullable: true,
    authScopes: { staff: true },
    args: { code: t.arg.string() },
    resolve: (query, _root, args, ctx) => ctx.prisma.location.findUnique({ ...query, where: { code: args.code } }),
  }),
}))

const CreateLocationInput = builder.inputType('CreateLocationInput', {
  fields: (t) => ({
    code: t.string(),
    name: t.string(),
    kind: t.field({ type: LocationKindEnum }),
    dailyPickCapacity: t.int({ required: false, description: 'Orders the node can pick per day (default 1000).' }),
    dailyPackCapacity: t.int({ required: false }),
    cutoffTime: t.string({ required: false, description: 'HH:MM local; default 15:00.' }),
    timezone: t.string({ required: false, description: 'IANA zone, default UTC.' }),
    region: t.string({ required: false }),
    postalCode: t.string({ required: false }),
    country: t.string({ required: false, description: 'ISO 3166-1 alpha-2, default US.' }),
    shippingCostPerOrder: t.field({ type: 'Decimal', required: false }),
  }),
})

const CreateLocationPayload = builder.simpleObject('CreateLocationPayload', {
  fields: (t) => ({
    location: t.field({ type: Location, nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationField('createLocation', (t) =>
  t.field({
    type: CreateLocationPayload,
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: CreateLocationInput }) },
    resolve: (_root, { input }, ctx) =>
      runMutation(ctx, (tx) => createLocation(tx, input, requireActor(ctx)), (location) => ({ location })),
  }),
)
