import { createSupplier, supplierLeadTimes, supplierScorecard, supplierSkuLeadTimes, upsertSupplierSku, type LeadTime, type SupplierScorecard } from '@ops-hub/domain'
import type { Prisma } from '@ops-hub/db'
import { GraphQLError } from 'graphql'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import { requireActor, runMutation, UserError } from '../../errors.ts'

const DAY_MS = 86_400_000

export const LeadTimeBasisEnum = builder.enumType('LeadTimeBasis', {
  description: 'OBSERVED: learned from receipts (enough of them, setting procurement.leadTimeMinReceipts); PROMISED: the supplier\'s promise.',
  values: ['OBSERVED', 'PROMISED'] as const,
})

export const LeadTimeRef = builder.objectRef<LeadTime>('LeadTime').implement({
  description:
    'A lead time in days. Observed lead time of a PO line = its first receipt − the moment its purchase order was SENT (orderedAt), ' +
    'not created. With fewer receipts than procurement.leadTimeMinReceipts (default 5) the promised figures are used, and basis says so.',
  fields: (t) => ({
    meanDays: t.exposeFloat('meanDays'),
    stdDevDays: t.exposeFloat('stdDevDays', { description: 'Sample standard deviation of the observed days (OBSERVED), or the promised one.' }),
    p90Days: t.exposeFloat('p90Days', { description: 'OBSERVED: 90th percentile of the samples. PROMISED: mean + 1.2816 σ (normal approximation).' }),
    samples: t.exposeInt('samples', { description: 'First receipts measured so far (whatever the basis).' }),
    basis: t.expose('basis', { type: LeadTimeBasisEnum }),
  }),
})

const ScorecardRef = builder.objectRef<SupplierScorecard>('SupplierScorecard').implement({
  description:
    'Delivery performance over [from, to). Lines due = PO lines of sent, not cancelled purchase orders whose expected arrival falls in the ' +
    'period (and is not in the future).',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', resolve: (s) => s.from }),
    to: t.field({ type: 'DateTime', resolve: (s) => s.to }),
    linesDue: t.exposeInt('linesDue'),
    onTimeRate: t.exposeFloat('onTimeRate', {
      nullable: true,
      description: 'On time: share of the lines due whose first receipt came at or before the PO\'s expected arrival (a line never received is not on time). Null when no line was due.',
    }),
    inFullRate: t.exposeFloat('inFullRate', {
      nullable: true,
      description: 'In full: share of the lines due that received their whole ordered quantity in good units (received − damaged ≥ ordered), over all receipts so far.',
    }),
    fillRate: t.exposeFloat('fillRate', { nullable: true, description: 'Good units received / units ordered over the lines due (each line capped at its ordered quantity).' }),
    linesMeasured: t.exposeInt('linesMeasured', { description: 'PO lines whose first receipt fell in the period: the population of leadTimeAdherence.' }),
    leadTimeAdherence: t.exposeFloat('leadTimeAdherence', {
      nullable: true,
      description:
        'Share of the measured lines whose observed lead time (first receipt − orderedAt, in days) is at most the promised mean ' +
        '(SupplierSku.leadTimeMeanDays) plus procurement.leadTimeToleranceDays: the same definition as the lead-time adherence KPI.',
    }),
    leadTimeToleranceDays: t.exposeFloat('leadTimeToleranceDays'),
    meanDaysLate: t.exposeFloat('meanDaysLate', {
      nullable: true,
      description: 'Mean lateness in days of the late lines due (first receipt, or now while still outstanding, after the expected arrival). Null when none was late.',
    }),
    receipts: t.exposeInt('receipts', { description: 'Receipts (deliveries) booked from this supplier in the period.' }),
  }),
})

export const Supplier = builder.prismaNode('Supplier', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { staff: true },
  description: 'A vendor the retailer buys from: its SKUs with their promised terms, its purchase orders and how it performs.',
  fields: (t) => ({
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    contactEmail: t.exposeString('contactEmail', { nullable: true }),
    active: t.exposeBoolean('active'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    leadTime: t.loadable({
      type: LeadTimeRef,
      description: 'Over all its SKUs: observed from every first receipt when there are enough, else the mean of its promises.',
      load: (ids: number[], ctx) => supplierLeadTimes(ctx.prisma, ids).then((m) => ids.map((id) => m.get(id)!)),
      resolve: (s) => s.id,
    }),
    skus: t.relatedConnection(
      'skus',
      { cursor: 'id', defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE, totalCount: true, query: () => ({ orderBy: { id: 'asc' as const } }) },
      { name: 'SupplierSkuConnection' },
      { name: 'SupplierSkuEdge' },
    ),
    scorecard: t.field({
      type: ScorecardRef,
      description: 'Performance over [from, to); default the last 90 days.',
      args: { from: t.arg({ type: 'DateTime', required: false }), to: t.arg({ type: 'DateTime', required: false }) },
      select: { id: true },
      resolve: (s, args, ctx) => {
        const now = new Date()
        const to = args.to ?? now
        const from = args.from ?? new Date(to.getTime() - 90 * DAY_MS)
        if (!(from.getTime() < to.getTime())) throw new GraphQLError('from must be before to', { extensions: { code: 'BAD_USER_INPUT', field: 'from' } })
        return supplierScorecard(ctx.prisma, s.id, from, to, now)
      },
    }),
  }),
})

export const SupplierSku = builder.prismaNode('SupplierSku', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { staff: true },
  description: 'What a supplier promises for one SKU.',
  fields: (t) => ({
    supplier: t.relation('supplier'),
    sku: t.relation('sku'),
    supplierSkuCode: t.exposeString('supplierSkuCode', { nullable: true, description: 'The supplier\'s own code for the item.' }),
    promisedLeadTimeMeanDays: t.exposeFloat('leadTimeMeanDays', { description: 'Promised lead time (mean days).' }),
    promisedLeadTimeStdDevDays: t.exposeFloat('leadTimeStdDevDays', { description: 'Promised lead-time standard deviation (days).' }),
    leadTime: t.loadable({
      type: LeadTimeRef,
      description: 'Learned from this supplier\'s receipts of this SKU, or the promise while there are too few.',
      load: (ids: number[], ctx) => supplierSkuLeadTimes(ctx.prisma, ids).then((m) => ids.map((id) => m.get(id)!)),
      resolve: (s) => s.id,
    }),
    minimumOrderQuantity: t.exposeInt('minimumOrderQuantity', { description: 'MOQ: an order line is at least this many units.' }),
    packSize: t.exposeInt('packSize', { description: 'Units per pack: order lines are whole packs.' }),
    unitCost: t.expose('unitCost', { type: 'Decimal' }),
    isPrimary: t.exposeBoolean('isPrimary', { description: 'The source replenishment orders from (one per SKU).' }),
  }),
})

builder.prismaObjectFields('Sku', (t) => ({
  suppliers: t.relation('supplierSkus', {
    description: 'Who supplies it and on what terms, primary source first.',
    authScopes: { staff: true },
    query: { orderBy: [{ isPrimary: 'desc' }, { id: 'asc' }] },
  }),
}))

function supplierWhere(args: { search?: string | null; active?: boolean | null }): Prisma.SupplierWhereInput {
  return {
    ...(args.active != null ? { active: args.active } : {}),
    ...(args.search
      ? { OR: [{ code: { contains: args.search, mode: 'insensitive' as const } }, { name: { contains: args.search, mode: 'insensitive' as const } }] }
      : {}),
  }
}

builder.queryFields((t) => ({
  suppliers: t.prismaConnection(
    {
      type: 'Supplier',
      cursor: 'id',
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      authScopes: { staff: true },
      args: {
        search: t.arg.string({ required: false, description: 'Case-insensitive match on code or name.' }),
        active: t.arg.boolean({ required: false }),
      },
      resolve: (query, _r, args, ctx) => ctx.prisma.supplier.findMany({ ...query, where: supplierWhere(args), orderBy: { code: 'asc' } }),
      totalCount: (_p, args, ctx) => ctx.prisma.supplier.count({ where: supplierWhere(args) }),
    },
    { name: 'SupplierConnection' },
    { name: 'SupplierEdge' },
  ),
  supplier: t.prismaField({
    type: 'Supplier',
    nullable: true,
    authScopes: { staff: true },
    args: { code: t.arg.string() },
    resolve: (query, _r, args, ctx) => ctx.prisma.supplier.findUnique({ ...query, where: { code: args.code } }),
  }),
}))

const CreateSupplierInput = builder.inputType('CreateSupplierInput', {
  fields: (t) => ({
    code: t.string({ description: 'Unique supplier code, letters/digits/._- (max 64).' }),
    name: t.string(),
    contactEmail: t.string({ required: false }),
  }),
})
const UpsertSupplierSkuInput = builder.inputType('UpsertSupplierSkuInput', {
  fields: (t) => ({
    supplierCode: t.string(),
    sku: t.string(),
    supplierSkuCode: t.string({ required: false }),
    leadTimeMeanDays: t.float({ description: 'Promised lead time in days (> 0).' }),
    leadTimeStdDevDays: t.float({ description: 'Promised spread in days (>= 0).' }),
    minimumOrderQuantity: t.int({ description: '>= 1.' }),
    packSize: t.int({ description: '>= 1.' }),
    unitCost: t.field({ type: 'Decimal' }),
    isPrimary: t.boolean({ required: false, description: 'Default: primary when the SKU has no other source. Making it primary demotes the others.' }),
  }),
})

builder.mutationFields((t) => ({
  createSupplier: t.field({
    type: builder.simpleObject('CreateSupplierPayload', {
      fields: (f) => ({ supplier: f.field({ type: Supplier, nullable: true }), userErrors: f.field({ type: [UserError] }) }),
    }),
    authScopes: { roles: ['PROCUREMENT'] },
    args: { input: t.arg({ type: CreateSupplierInput }) },
    resolve: (_r, { input }, ctx) => runMutation(ctx, (tx) => createSupplier(tx, input, requireActor(ctx)), (supplier) => ({ supplier })),
  }),
  upsertSupplierSku: t.field({
    type: builder.simpleObject('UpsertSupplierSkuPayload', {
      fields: (f) => ({ supplierSku: f.field({ type: SupplierSku, nullable: true }), userErrors: f.field({ type: [UserError] }) }),
    }),
    description: 'Creates or replaces what a supplier promises for a SKU (one row per supplier × SKU).',
    authScopes: { roles: ['PROCUREMENT'] },
    args: { input: t.arg({ type: UpsertSupplierSkuInput }) },
    resolve: (_r, { input }, ctx) => runMutation(ctx, (tx) => upsertSupplierSku(tx, input, requireActor(ctx)), (supplierSku) => ({ supplierSku })),
  }),
}))
