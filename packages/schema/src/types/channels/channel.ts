import { createChannel } from '@ops-hub/domain'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import { requireActor, runMutation, UserError } from '../../errors.ts'

export const ChannelKindEnum = builder.enumType('ChannelKind', {
  values: ['STOREFRONT', 'MARKETPLACE', 'WHOLESALE'] as const,
})

export const Channel = builder.prismaNode('Channel', {
  id: { field: 'id' },
  nullable: true,
  // A partner may see its own channel, nobody else's.
  authScopes: (channel, ctx) => ctx.actor?.role !== 'PARTNER' || ctx.partnerChannelId === channel.id,
  fields: (t) => ({
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    kind: t.expose('kind', { type: ChannelKindEnum }),
    priority: t.exposeInt('priority', { description: 'Lower is served first when stock is scarce.' }),
    active: t.exposeBoolean('active'),
  }),
})

builder.queryFields((t) => ({
  channels: t.prismaConnection({
    type: 'Channel',
    cursor: 'id',
    defaultSize: DEFAULT_PAGE_SIZE,
    maxSize: MAX_PAGE_SIZE,
    authScopes: { authenticated: true },
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.channel.findMany({
        ...query,
        where: ctx.partnerChannelId !== null ? { id: ctx.partnerChannelId } : {},
        orderBy: { id: 'asc' },
      }),
    totalCount: (_p, _a, ctx) => ctx.prisma.channel.count({ where: ctx.partnerChannelId !== null ? { id: ctx.partnerChannelId } : {} }),
  }, { name: 'ChannelConnection' }, { name: 'ChannelEdge' }),
}))

const CreateChannelInput = builder.inputType('CreateChannelInput', {
  fields: (t) => ({
    code: t.string(),
    name: t.string(),
    kind: t.field({ type: ChannelKindEnum }),
    priority: t.int({ required: false }),
  }),
})

const CreateChannelPayload = builder.simpleObject('CreateChannelPayload', {
  fields: (t) => ({
    channel: t.field({ type: Channel, nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationField('createChannel', (t) =>
  t.field({
    type: CreateChannelPayload,
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: CreateChannelInput }) },
    resolve: (_root, { input }, ctx) =>
      runMutation(ctx, (tx) => createChannel(tx, input, requireActor(ctx)), (channel) => ({ channel })),
  }),
)
