import { createSku } from '@ops-hub/domain'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import { requireActor, runMutation, UserError } from '../../errors.ts'

export const AbcClassEnum = builder.enumType('AbcClass', {
  description: 'Pareto class by sales value: A items are counted and replenished most often.',
  values: ['A', 'B', 'C'] as const,
})

export const Sku = builder.prismaNode('Sku', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { authenticated: true },
  fields: (t) => ({
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    unitCost: t.expose('unitCost', { type: 'Decimal', authScopes: { staff: true } }),
    unitPrice: t.expose('unitPrice', { type: 'Decimal', nullable: true }),
    abcClass: t.expose('abcClass', { type: AbcClassEnum }),
    weightGrams: t.exposeInt('weightGrams', { nullable: true }),
    active: t.exposeBoolean('active'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
})

function skuFilter(args: { search?: string | null; abcClass?: 'A' | 'B' | 'C' | null }) {
  return {
    ...(args.abcClass ? { abcClass: args.abcClass } : {}),
    ...(args.search
      ? { OR: [{ code: { contains: args.search, mode: 'insensitive' as const } }, { name: { contains: args.search, mode: 'insensitive' as const } }] }
      : {}),
  }
}

builder.queryFields((t) => ({
  skus: t.prismaConnection(
    {
      type: 'Sku',
      cursor: 'id',
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      authScopes: { authenticated: true },
      args: {
        search: t.arg.string({ required: false, description: 'Case-insensitive match on code or name.' }),
        abcClass: t.arg({ type: AbcClassEnum, required: false }),
      },
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.sku.findMany({
          ...query,
          where: skuFilter(args),
          orderBy: { id: 'asc' },
        }),
      totalCount: (_parent, args, ctx) =>
        ctx.prisma.sku.count({ where: skuFilter(args) }),
    }, { name: 'SkuConnection' }, { name: 'SkuEdge' },
  ),
  sku: t.prismaField({
    type: 'Sku',
    nullable: true,
    authScopes: { authenticated: true },
    args: { code: t.arg.string() },
    resolve: (query, _root, args, ctx) => ctx.prisma.sku.findUnique({ ...query, where: { code: args.code } }),
  }),
}))

const CreateSkuInput = builder.inputType('CreateSkuInput', {
  fields: (t) => ({
    code: t.string({ description: 'Unique SKU code, letters/digits/._- (max 64).' }),
    name: t.string(),
    unitCost: t.field({ type: 'Decimal', description: 'Landed unit cost; never negative.' }),
    unitPrice: t.field({ type: 'Decimal', required: false }),
    abcClass: t.field({ type: AbcClassEnum, required: false }),
    weightGrams: t.int({ required: false }),
  }),
})

const CreateSkuPayload = builder.simpleObject('CreateSkuPayload', {
  fields: (t) => ({
    sku: t.field({ type: Sku, nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationField('createSku', (t) =>
  t.field({
    type: CreateSkuPayload,
    authScopes: { roles: ['OPERATIONS', 'PROCUREMENT'] },
    args: { input: t.arg({ type: CreateSkuInput }) },
    resolve: (_root, { input }, ctx) =>
      runMutation(ctx, (tx) => createSku(tx, input, requireActor(ctx)), (sku) => ({ sku })),
  }),
)
