import { encodeGlobalID } from '@pothos/plugin-relay'
import { removeAllocationRule, setAllocationRule } from '@ops-hub/domain'
import { builder } from '../../builder.ts'
import { requireActor, runMutation, UserError } from '../../errors.ts'

export const AllocationRuleKindEnum = builder.enumType('AllocationRuleKind', {
  values: {
    RESERVED_POOL: { description: '`quantity` units of the SKU are held back for this channel only.' },
    PERCENTAGE_CAP: { description: "The channel may hold at most `percentage` % of the SKU's sellable stock." },
  },
})

export const AllocationRule = builder.prismaNode('AllocationRule', {
  id: { field: 'id' },
  nullable: true,
  description: 'How much of a SKU a channel may take (or has fenced for itself). A SKU-specific rule beats a channel-wide one.',
  authScopes: { staff: true },
  fields: (t) => ({
    channel: t.relation('channel'),
    sku: t.relation('sku', { nullable: true, description: 'Null: the rule covers every SKU of the channel.' }),
    kind: t.expose('kind', { type: AllocationRuleKindEnum }),
    quantity: t.exposeInt('quantity', { nullable: true }),
    percentage: t.float({ nullable: true, select: { percentage: true }, resolve: (r) => (r.percentage === null ? null : Number(r.percentage)) }),
    priority: t.exposeInt('priority'),
    active: t.exposeBoolean('active'),
    createdBy: t.exposeString('createdBy', { nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
})

builder.prismaObjectFields('Channel', (t) => ({
  allocationRules: t.relation('allocationRules', {
    authScopes: { staff: true },
    description: 'Reserved pools and percentage caps that govern what this channel may reserve.',
    query: { orderBy: { id: 'asc' } },
  }),
}))

const SetAllocationRuleInput = builder.inputType('SetAllocationRuleInput', {
  description: 'One rule per channel x SKU (or all SKUs) x kind; setting it again replaces it.',
  fields: (t) => ({
    channelCode: t.string(),
    sku: t.string({ required: false, description: 'Omit for a channel-wide rule.' }),
    kind: t.field({ type: AllocationRuleKindEnum }),
    quantity: t.int({ required: false, description: 'RESERVED_POOL: units fenced for this channel.' }),
    percentage: t.float({ required: false, description: 'PERCENTAGE_CAP: 0..100.' }),
    priority: t.int({ required: false }),
    active: t.boolean({ required: false }),
  }),
})
const AllocationRulePayload = builder.simpleObject('AllocationRulePayload', {
  fields: (t) => ({
    allocationRule: t.field({ type: AllocationRule, nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})
const RemoveAllocationRuleInput = builder.inputType('RemoveAllocationRuleInput', {
  fields: (t) => ({ id: t.globalID({ for: [AllocationRule] }) }),
})
const RemoveAllocationRulePayload = builder.simpleObject('RemoveAllocationRulePayload', {
  fields: (t) => ({
    removedId: t.id({ nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationFields((t) => ({
  setAllocationRule: t.field({
    type: AllocationRulePayload,
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: SetAllocationRuleInput }) },
    resolve: (_root, { input }, ctx) =>
      runMutation(ctx, (tx) => setAllocationRule(tx, input, requireActor(ctx)), (allocationRule) => ({ allocationRule })),
  }),
  removeAllocationRule: t.field({
    type: RemoveAllocationRulePayload,
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: RemoveAllocationRuleInput }) },
    resolve: (_root, { input }, ctx) =>
      runMutation(ctx, (tx) => removeAllocationRule(tx, { id: Number(input.id.id) }, requireActor(ctx)), (rule) => ({ removedId: encodeGlobalID('AllocationRule', rule.id) })),
  }),
}))
