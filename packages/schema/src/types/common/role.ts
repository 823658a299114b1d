import { ROLES } from '@ops-hub/domain'
import { builder } from '../../builder.ts'

export const RoleEnum = builder.enumType('Role', {
  description: 'What a caller may see and do. ADMIN may do everything; PARTNER sees only its own channel.',
  values: ROLES,
})

const Viewer = builder.simpleObject('Viewer', {
  description: 'Who the bearer token speaks for.',
  fields: (t) => ({
    id: t.string(),
    role: t.field({ type: RoleEnum }),
    channelCode: t.string({ nullable: true }),
  }),
})

builder.queryField('viewer', (t) =>
  t.field({
    type: Viewer,
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => ({ id: ctx.actor!.id, role: ctx.actor!.role, channelCode: ctx.actor!.channelCode ?? null }),
  }),
)
