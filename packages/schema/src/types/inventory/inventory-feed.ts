import { approveFeedDiscrepancy, DomainError, FeedRejectedError, importInventoryFeed, rejectFeedDiscrepancy } from '@ops-hub/domain'
import type { Prisma } from '@ops-hub/db'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import { IDEMPOTENCY_KEY_DESCRIPTION, UserError, requireActor, runKeyedMutation, runMutation } from '../../errors.ts'

export const InventoryFeedStatusEnum = builder.enumType('InventoryFeedStatus', { values: ['REJECTED', 'APPLIED', 'PENDING_REVIEW'] as const })
export const DiscrepancyStatusEnum = builder.enumType('DiscrepancyStatus', { values: ['PENDING', 'APPROVED', 'REJECTED'] as const })

export const InventoryFeed = builder.prismaNode('InventoryFeed', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { staff: true },
  description: 'One imported 3PL snapshot file and its outcome.',
  fields: (t) => ({
    location: t.relation('location'),
    asOf: t.expose('asOf', { type: 'DateTime' }),
    fileName: t.exposeString('fileName', { nullable: true }),
    status: t.expose('status', { type: InventoryFeedStatusEnum }),
    rowsRead: t.exposeInt('rowsRead'),
    accepted: t.exposeInt('accepted'),
    rejected: t.exposeInt('rejected'),
    discrepancies: t.exposeInt('discrepancies'),
    importedBy: t.exposeString('importedBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    deltas: t.relatedConnection(
      'deltas',
      { cursor: 'id', defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE, query: () => ({ orderBy: { id: 'asc' as const } }) },
      { name: 'InventoryFeedDeltaConnection' },
      { name: 'InventoryFeedDeltaEdge' },
    ),
  }),
})

export const FeedDiscrepancy = builder.prismaNode('FeedDiscrepancy', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { staff: true },
  description: 'A 3PL quantity beyond tolerance of the book at the snapshot, held for a decision.',
  fields: (t) => ({
    feed: t.relation('feed'),
    stockPosition: t.relation('stockPosition'),
    bookQuantity: t.exposeInt('bookQuantity', { description: 'Book on hand as of the snapshot.' }),
    feedQuantity: t.exposeInt('feedQuantity'),
    delta: t.exposeInt('delta'),
    status: t.expose('status', { type: DiscrepancyStatusEnum }),
    decidedBy: t.exposeString('decidedBy', { nullable: true }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
  }),
})

builder.queryFields((t) => ({
  inventoryFeeds: t.prismaConnection(
    {
      type: 'InventoryFeed',
      cursor: 'id',
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      authScopes: { staff: true },
      args: { locationCode: t.arg.string({ required: false }), status: t.arg({ type: [InventoryFeedStatusEnum], required: false }) },
      resolve: (query, _r, args, ctx) => ctx.prisma.inventoryFeed.findMany({ ...query, where: feedWhere(args), orderBy: { id: 'desc' } }),
      totalCount: (_p, args, ctx) => ctx.prisma.inventoryFeed.count({ where: feedWhere(args) }),
    },
    { name: 'InventoryFeedConnection' },
    { name: 'InventoryFeedEdge' },
  ),
  feedDiscrepancies: t.prismaConnection(
    {
      type: 'FeedDiscrepancy',
      cursor: 'id',
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      authScopes: { staff: true },
      args: { locationCode: t.arg.string({ required: false }), status: t.arg({ type: [DiscrepancyStatusEnum], required: false }) },
      resolve: (query, _r, args, ctx) => ctx.prisma.feedDiscrepancy.findMany({ ...query, where: discrepancyWhere(args), orderBy: { id: 'desc' } }),
      totalCount: (_p, args, ctx) => ctx.prisma.feedDiscrepancy.count({ where: discrepancyWhere(args) }),
    },
    { name: 'FeedDiscrepancyConnection' },
    { name: 'FeedDiscrepancyEdge' },
  ),
}))

function feedWhere(args: { locationCode?: string | null; status?: string[] | null }): Prisma.InventoryFeedWhereInput {
  return {
    ...(args.locationCode ? { location: { code: args.locationCode } } : {}),
    ...(args.status?.length ? { status: { in: args.status as never } } : {}),
  }
}
function discrepancyWhere(args: { locationCode?: string | null; status?: string[] | null }): Prisma.FeedDiscrepancyWhereInput {
  return {
    ...(args.locationCode ? { stockPosition: { location: { code: args.locationCode } } } : {}),
    ...(args.status?.length ? { status: { in: args.status as never } } : {}),
  }
}

const ImportInventoryFeedInput = builder.inputType('ImportInventoryFeedInput', {
  fields: (t) => ({
    locationCode: t.string(),
    csv: t.string({ description: 'The snapshot file: header sku,quantity with optional bin,lot. Rows are numbered as in a spreadsheet (header = row 1).' }),
    asOf: t.field({ type: 'DateTime', required: false, description: 'When the 3PL took the snapshot; default now.' }),
    fileName: t.string({ required: false }),
    fullSnapshot: t.boolean({ required: false, description: 'Positions absent from the file count as 0 at the 3PL.' }),
    idempotencyKey: t.string({ required: false, description: `${IDEMPOTENCY_KEY_DESCRIPTION} A refused file is not kept: it is refused again.` }),
  }),
})

const ImportInventoryFeedPayload = builder.simpleObject('ImportInventoryFeedPayload', {
  fields: (t) => ({
    feed: t.field({ type: InventoryFeed, nullable: true }),
    rowsRead: t.int({ nullable: true }),
    accepted: t.int({ nullable: true, description: 'Positions whose 3PL quantity was accepted (matching, or within tolerance and synced).' }),
    adjusted: t.int({ nullable: true, description: 'Of the accepted, how many were synced by a FEED_SYNC adjustment.' }),
    rejected: t.int({ nullable: true, description: 'Bad rows (the whole file is then rejected).' }),
    discrepancies: t.int({ nullable: true, description: 'Positions held as FEED_DISCREPANCY for approval.' }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

const DecideFeedDiscrepancyInput = builder.inputType('DecideFeedDiscrepancyInput', {
  fields: (t) => ({
    id: t.globalID({ for: FeedDiscrepancy }),
    note: t.string({ required: false }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
})
const DecideFeedDiscrepancyPayload = builder.simpleObject('DecideFeedDiscrepancyPayload', {
  fields: (t) => ({ discrepancy: t.field({ type: FeedDiscrepancy, nullable: true }), userErrors: t.field({ type: [UserError] }) }),
})

builder.mutationFields((t) => ({
  importInventoryFeed: t.field({
    type: ImportInventoryFeedPayload,
    description:
      'Imports a 3PL snapshot for a 3PL (feed-managed) location in one transaction: a malformed file is rejected whole (every bad ' +
      'row in userErrors, including text that is not UTF-8 and quotes never closed); deltas within inventory.feedToleranceUnits/Ratio ' +
      'are synced, larger ones held as FEED_DISCREPANCY.',
    // Operations runs the 3PL relationship; a PARTNER 3PL uploading its own file is a later step (it would need location scoping).
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: ImportInventoryFeedInput }) },
    resolve: async (_r, { input }, ctx) => {
      try {
        const r = await importInventoryFeed(ctx.db, input, requireActor(ctx))
        const feed = await ctx.prisma.inventoryFeed.findUniqueOrThrow({ where: { id: r.feed.id } })
        return { ...r, feed, userErrors: [] }
      } catch (err) {
        if (err instanceof FeedRejectedError) return { feed: null, rowsRead: err.rowsRead, accepted: 0, adjusted: 0, rejected: err.rejectedRows, discrepancies: 0, userErrors: err.errors }
        if (err instanceof DomainError) return { feed: null, userErrors: err.errors }
        throw err
      }
    },
  }),
  approveFeedDiscrepancy: t.field({
    type: DecideFeedDiscrepancyPayload,
    description: 'Books the 3PL figure (a FEED_SYNC adjustment); whoever imported the feed cannot decide (SELF_APPROVAL).',
    authScopes: { roles: ['OPERATIONS', 'FINANCE'] },
    args: { input: t.arg({ type: DecideFeedDiscrepancyInput }) },
    resolve: (_r, { input }, ctx) =>
      runKeyedMutation(ctx, 'approveFeedDiscrepancy', input, (tx) => approveFeedDiscrepancy(tx, { id: Number(input.id.id), note: input.note }, requireActor(ctx)), (discrepancy) => ({ discrepancy })),
  }),
  rejectFeedDiscrepancy: t.field({
    type: DecideFeedDiscrepancyPayload,
    description: 'Keeps the book; the 3PL figure is discarded.',
    authScopes: { roles: ['OPERATIONS', 'FINANCE'] },
    args: { input: t.arg({ type: DecideFeedDiscrepancyInput }) },
    resolve: (_r, { input }, ctx) =>
      runKeyedMutation(ctx, 'rejectFeedDiscrepancy', input, (tx) => rejectFeedDiscrepancy(tx, { id: Number(input.id.id), note: input.note }, requireActor(ctx)), (discrepancy) => ({ discrepancy })),
  }),
}))
