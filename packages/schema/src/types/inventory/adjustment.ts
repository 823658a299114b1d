import { adjustInventory, adjustmentMachine, approveAdjustment, rejectAdjustment, ADJUSTABLE_BUCKETS, ANOMALY_FLAGS, MANUAL_REASONS, type AnomalyFlag } from '@ops-hub/domain'
import type { Prisma } from '@ops-hub/db'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import { IDEMPOTENCY_KEY_DESCRIPTION, UserError, requireActor, runKeyedMutation, runMutation } from '../../errors.ts'
import { Sku } from '../catalog/sku.ts'
import { Location } from '../network/location.ts'
import { StockPosition } from './stock-position.ts'
import { AdjustmentAnomalyFlagEnum } from './adjustment-anomaly.ts'

/** How a reference document is written, for every input that takes one. */
export const REFERENCE_URI_FORMAT = 'A URI with a scheme and no spaces, e.g. https://… or po:PO-1042; javascript:, vbscript:, data: and file: URIs are refused.'

export const InventoryBucketEnum = builder.enumType('InventoryBucket', {
  description: 'A quantity bucket of a stock position.',
  values: ['ON_HAND', 'RESERVED', 'DAMAGED', 'QUALITY_CONTROL', 'INCOMING', 'IN_TRANSIT', 'SAFETY_STOCK'] as const,
})

export const AdjustableBucketEnum = builder.enumType('AdjustableBucket', {
  description: 'Buckets a person may adjust directly; reserved, incoming and in-transit move only with orders, POs and transfers.',
  values: ADJUSTABLE_BUCKETS,
})

export const AdjustmentReasonEnum = builder.enumType('AdjustmentReason', {
  description: 'Why stock changed. CYCLE_COUNT and FEED_SYNC are written by recordCount and importInventoryFeed only.',
  values: ['RECEIVED', 'DAMAGED', 'SHRINKAGE', 'FOUND', 'CORRECTION', 'CYCLE_COUNT', 'FEED_SYNC', 'RETURN', 'WRITE_OFF', 'QUALITY_HOLD', 'QUALITY_RELEASE'] as const,
})

export const ManualAdjustmentReasonEnum = builder.enumType('ManualAdjustmentReason', {
  description: 'Reasons a person may give. RECEIVED, FOUND and RETURN are positive; SHRINKAGE and WRITE_OFF negative.',
  values: MANUAL_REASONS,
})

export const AdjustmentStatusEnum = builder.enumType('AdjustmentStatus', {
  values: ['PENDING_APPROVAL', 'APPLIED', 'REJECTED'] as const,
})

export const Adjustment = builder.prismaNode('Adjustment', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { staff: true },
  description:
    'A governed change to one bucket of a stock position. Above inventory.adjustmentApprovalValue / ...Quantity it waits for a ' +
    'second person (positive RECEIVED and RETURN never wait: they book documented arrivals, not write-offs).',
  fields: (t) => ({
    stockPosition: t.relation('stockPosition'),
    // The ledger keys SKU and location through the position (one composite key), so they are read through it.
    sku: t.field({ type: Sku, select: { stockPosition: { select: { sku: true } } }, resolve: (a) => a.stockPosition.sku }),
    location: t.field({ type: Location, select: { stockPosition: { select: { location: true } } }, resolve: (a) => a.stockPosition.location }),
    bucket: t.expose('bucket', { type: InventoryBucketEnum }),
    quantityDelta: t.exposeInt('quantityDelta'),
    reason: t.expose('reason', { type: AdjustmentReasonEnum }),
    status: t.expose('status', { type: AdjustmentStatusEnum }),
    nextStates: t.field({
      type: [AdjustmentStatusEnum],
      description: 'Decisions still possible (approve -> APPLIED, reject -> REJECTED).',
      select: { status: true },
      resolve: (a) => [...adjustmentMachine.nextStates(a.status)],
    }),
    valueDelta: t.expose('valueDelta', { type: 'Decimal', description: 'quantityDelta x unit cost at request time.' }),
    referenceDocumentUri: t.exposeString('referenceDocumentUri', { nullable: true }),
    note: t.exposeString('note', { nullable: true }),
    expectedQuantity: t.exposeInt('expectedQuantity', { nullable: true }),
    requestedBy: t.exposeString('requestedBy'),
    decidedBy: t.exposeString('decidedBy', { nullable: true }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
    decisionNote: t.exposeString('decisionNote', { nullable: true }),
    idempotencyKey: t.exposeString('idempotencyKey', { nullable: true }),
    anomalyScore: t.exposeFloat('anomalyScore', { nullable: true, description: '0..1; how unusual the adjustment looks (see anomalyFlags).' }),
    anomalyFlags: t.field({
      type: [AdjustmentAnomalyFlagEnum],
      description: 'SIZE_OUTLIER (robust z-score vs this SKU), REPEATED_NEGATIVE (same actor), AFTER_COUNT, OFF_HOURS (location time); see `anomaly` for the inputs.',
      select: { anomalyFlags: true },
      resolve: (a) => a.anomalyFlags.filter((f): f is AnomalyFlag => (ANOMALY_FLAGS as readonly string[]).includes(f)),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    appliedAt: t.expose('appliedAt', { type: 'DateTime', nullable: true }),
  }),
})

type AdjustmentFilterArgs = { status?: string[] | null; locationCode?: string | null; sku?: string | null; anomalous?: boolean | null }

function adjustmentWhere(args: AdjustmentFilterArgs): Prisma.AdjustmentWhereInput {
  return {
    ...(args.status?.length ? { status: { in: args.status as never } } : {}),
    ...(args.locationCode ? { location: { code: args.locationCode } } : {}),
    ...(args.sku ? { sku: { code: args.sku } } : {}),
    ...(args.anomalous ? { NOT: { anomalyFlags: { isEmpty: true } } } : {}),
  }
}

builder.queryFields((t) => ({
  adjustments: t.prismaConnection(
    {
      type: 'Adjustment',
      cursor: 'id',
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      authScopes: { staff: true },
      description: 'Adjustments, newest first.',
      args: {
        status: t.arg({ type: [AdjustmentStatusEnum], required: false }),
        locationCode: t.arg.string({ required: false }),
        sku: t.arg.string({ required: false }),
        anomalous: t.arg.boolean({ required: false, description: 'Only adjustments with at least one anomaly flag.' }),
      },
      resolve: (query, _root, args, ctx) => ctx.prisma.adjustment.findMany({ ...query, where: adjustmentWhere(args), orderBy: { id: 'desc' } }),
      totalCount: (_p, args, ctx) => ctx.prisma.adjustment.count({ where: adjustmentWhere(args) }),
    },
    { name: 'AdjustmentConnection' },
    { name: 'AdjustmentEdge' },
  ),
}))

const AdjustInventoryInput = builder.inputType('AdjustInventoryInput', {
  fields: (t) => ({
    sku: t.string(),
    locationCode: t.string(),
    quantityDelta: t.int({ description: 'Signed change of the bucket; never zero.' }),
    bucket: t.field({ type: AdjustableBucketEnum, required: false, description: 'Defaults to ON_HAND.' }),
    reason: t.field({ type: ManualAdjustmentReasonEnum }),
    referenceDocumentUri: t.string({ required: false, description: `The document behind the change (count sheet, damage report, receipt). ${REFERENCE_URI_FORMAT}` }),
    note: t.string({ required: false }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
    expectedQuantity: t.int({ required: false, description: 'Compare-and-swap: the bucket quantity you saw; refused with STALE_QUANTITY if it moved.' }),
  }),
})

const AdjustInventoryPayload = builder.simpleObject('AdjustInventoryPayload', {
  fields: (t) => ({
    adjustment: t.field({ type: Adjustment, nullable: true }),
    stockPosition: t.field({ type: StockPosition, nullable: true }),
    replayed: t.boolean({ nullable: true, description: 'True when an idempotency key replayed an earlier result.' }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

const DecideAdjustmentInput = builder.inputType('DecideAdjustmentInput', {
  fields: (t) => ({
    id: t.globalID({ for: Adjustment }),
    note: t.string({ required: false }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
})

const DecideAdjustmentPayload = builder.simpleObject('DecideAdjustmentPayload', {
  fields: (t) => ({
    adjustment: t.field({ type: Adjustment, nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationFields((t) => ({
  adjustInventory: t.field({
    type: AdjustInventoryPayload,
    description: 'Changes a stock bucket with a reason and reference document; large changes wait for a second approver.',
    // Operations adjusts after counts and damage; finance books write-offs. ADMIN always passes.
    authScopes: { roles: ['OPERATIONS', 'FINANCE'] },
    args: { input: t.arg({ type: AdjustInventoryInput }) },
    resolve: (_root, { input }, ctx) => runMutation(ctx, (tx) => adjustInventory(tx, input, requireActor(ctx)), (r) => r),
  }),
  approveAdjustment: t.field({
    type: DecideAdjustmentPayload,
    description: 'Applies a pending adjustment. The requester cannot approve their own (SELF_APPROVAL).',
    authScopes: { roles: ['FINANCE'] },
    args: { input: t.arg({ type: DecideAdjustmentInput }) },
    resolve: (_root, { input }, ctx) =>
      runKeyedMutation(ctx, 'approveAdjustment', input, (tx) => approveAdjustment(tx, { id: Number(input.id.id), note: input.note }, requireActor(ctx)), (adjustment) => ({ adjustment })),
  }),
  rejectAdjustment: t.field({
    type: DecideAdjustmentPayload,
    description: 'Rejects a pending adjustment; stock does not move.',
    authScopes: { roles: ['FINANCE'] },
    args: { input: t.arg({ type: DecideAdjustmentInput }) },
    resolve: (_root, { input }, ctx) =>
      runKeyedMutation(ctx, 'rejectAdjustment', input, (tx) => rejectAdjustment(tx, { id: Number(input.id.id), note: input.note }, requireActor(ctx)), (adjustment) => ({ adjustment })),
  }),
}))
