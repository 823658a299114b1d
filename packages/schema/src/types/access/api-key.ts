import { createApiKey, revokeApiKey } from '@ops-hub/domain'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import { requireActor, runMutation, UserError } from '../../errors.ts'
import { RoleEnum } from '../common/role.ts'

export const ApiKeyNode = builder.prismaNode('ApiKey', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { roles: [] },
  description: 'A credential for an integration (marketplace, 3PL, partner). The secret is shown only when created.',
  fields: (t) => ({
    name: t.exposeString('name'),
    prefix: t.exposeString('prefix', { description: 'Identifies the key in logs; not secret.' }),
    role: t.expose('role', { type: RoleEnum }),
    channel: t.relation('channel', { nullable: true }),
    createdBy: t.exposeString('createdBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
})

builder.queryField('apiKeys', (t) =>
  t.prismaConnection(
    {
      type: 'ApiKey',
      cursor: 'id',
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      authScopes: { roles: [] },
      resolve: (query, _root, _args, ctx) => ctx.prisma.apiKey.findMany({ ...query, orderBy: { id: 'desc' } }),
      totalCount: (_p, _a, ctx) => ctx.prisma.apiKey.count(),
    },
    { name: 'ApiKeyConnection' },
    { name: 'ApiKeyEdge' },
  ),
)

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    name: t.string(),
    role: t.field({ type: RoleEnum }),
    channelCode: t.string({ required: false, description: 'Required for PARTNER keys: the one channel the key may see.' }),
    expiresAt: t.field({ type: 'DateTime', required: false }),
  }),
})

const CreateApiKeyPayload = builder.simpleObject('CreateApiKeyPayload', {
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyNode, nullable: true }),
    key: t.string({ nullable: true, description: 'The full key (`ohk_...`), shown once: send it as `Authorization: Bearer <key>`.' }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

const RevokeApiKeyPayload = builder.simpleObject('RevokeApiKeyPayload', {
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyNode, nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreateApiKeyPayload,
    authScopes: { roles: [] },
    args: { input: t.arg({ type: CreateApiKeyInput }) },
    resolve: (_root, { input }, ctx) => runMutation(ctx, (tx) => createApiKey(tx, input, requireActor(ctx)), (r) => r),
  }),
  revokeApiKey: t.field({
    type: RevokeApiKeyPayload,
    authScopes: { roles: [] },
    args: { input: t.arg({ type: builder.inputType('RevokeApiKeyInput', { fields: (f) => ({ id: f.globalID({ for: ApiKeyNode }) }) }) }) },
    resolve: (_root, { input }, ctx) =>
      runMutation(ctx, (tx) => revokeApiKey(tx, { id: Number(input.id.id) }, requireActor(ctx)), (apiKey) => ({ apiKey })),
  }),
}))
