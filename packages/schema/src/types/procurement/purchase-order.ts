import {
  approvePurchaseOrder,
  cancelPurchaseOrder,
  purchaseOrderMachine,
  purchaseOrderValue,
  receivePurchaseOrder,
  sendPurchaseOrder,
  submitPurchaseOrder,
} from '@ops-hub/domain'
import type { Prisma } from '@ops-hub/db'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import { requireActor, runMutation, UserError } from '../../errors.ts'

export const PurchaseOrderStatusEnum = builder.enumType('PurchaseOrderStatus', {
  values: ['DRAFT', 'PENDING_APPROVAL', 'APPROVED', 'SENT', 'PARTIALLY_RECEIVED', 'RECEIVED', 'CANCELLED'] as const,
})

builder.prismaObject('PurchaseOrderLine', {
  authScopes: { staff: true },
  fields: (t) => ({
    sku: t.relation('sku'),
    quantity: t.exposeInt('quantity', { description: 'Units ordered.' }),
    receivedQuantity: t.exposeInt('receivedQuantity', { description: 'Units received so far, damaged ones included.' }),
    damagedQuantity: t.exposeInt('damagedQuantity', { description: 'Of the received units, those that arrived damaged.' }),
    outstandingQuantity: t.int({
      description: 'Still expected: ordered − received, never negative.',
      select: { quantity: true, receivedQuantity: true },
      resolve: (l) => Math.max(0, l.quantity - l.receivedQuantity),
    }),
    unitCost: t.expose('unitCost', { type: 'Decimal' }),
  }),
})

builder.prismaObject('ReceiptLine', {
  authScopes: { staff: true },
  fields: (t) => ({
    sku: t.relation('sku'),
    quantity: t.exposeInt('quantity', { description: 'Units that arrived, damaged ones included.' }),
    damagedQuantity: t.exposeInt('damagedQuantity'),
  }),
})

export const Receipt = builder.prismaObject('Receipt', {
  authScopes: { staff: true },
  description: 'One delivery booked against a purchase order.',
  fields: (t) => ({
    receivedAt: t.expose('receivedAt', { type: 'DateTime' }),
    receivedBy: t.exposeString('receivedBy'),
    location: t.relation('location'),
    lines: t.relation('lines', { query: { orderBy: { id: 'asc' } } }),
  }),
})

export const PurchaseOrder = builder.prismaNode('PurchaseOrder', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { staff: true },
  description:
    'An order to a supplier for one destination node. DRAFT -> (submit) PENDING_APPROVAL, or APPROVED when its value is within ' +
    'procurement.poApprovalValue -> (a FINANCE approver other than the submitter) APPROVED -> (send) SENT, its lines now incoming -> ' +
    'PARTIALLY_RECEIVED -> RECEIVED; CANCELLED before the first receipt.',
  fields: (t) => ({
    number: t.exposeString('number'),
    supplier: t.relation('supplier'),
    location: t.relation('location', { description: 'The destination node.' }),
    status: t.expose('status', { type: PurchaseOrderStatusEnum }),
    nextStates: t.field({ type: [PurchaseOrderStatusEnum], select: { status: true }, resolve: (po) => [...purchaseOrderMachine.nextStates(po.status)] }),
    lines: t.relation('lines', { query: { orderBy: { id: 'asc' } } }),
    value: t.field({
      type: 'Decimal',
      description: 'Σ quantity × unit cost: what approval thresholds compare.',
      select: { lines: { select: { quantity: true, unitCost: true } } },
      resolve: (po) => purchaseOrderValue(po.lines).toFixed(2),
    }),
    createdBy: t.exposeString('createdBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    submittedBy: t.exposeString('submittedBy', { nullable: true }),
    submittedAt: t.expose('submittedAt', { type: 'DateTime', nullable: true }),
    approvedBy: t.exposeString('approvedBy', { nullable: true }),
    approvedAt: t.expose('approvedAt', { type: 'DateTime', nullable: true }),
    orderedAt: t.expose('orderedAt', { type: 'DateTime', nullable: true, description: 'When it was SENT to the supplier: lead times run from here.' }),
    expectedArrival: t.expose('expectedAt', { type: 'DateTime', nullable: true }),
    receivedAt: t.expose('receivedAt', { type: 'DateTime', nullable: true, description: 'When its last outstanding unit arrived.' }),
    cancelledBy: t.exposeString('cancelledBy', { nullable: true }),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true }),
    cancelReason: t.exposeString('cancelReason', { nullable: true }),
    late: t.boolean({
      description: 'Sent or partly received, and past its expected arrival (a LATE_PURCHASE_ORDER exception is opened for it).',
      select: { status: true, expectedAt: true },
      resolve: (po) => (po.status === 'SENT' || po.status === 'PARTIALLY_RECEIVED') && po.expectedAt !== null && po.expectedAt.getTime() < Date.now(),
    }),
    receipts: t.relation('receipts', { query: { orderBy: { id: 'asc' } } }),
  }),
})

builder.prismaObjectFields('Supplier', (t) => ({
  purchaseOrders: t.relatedConnection(
    'purchaseOrders',
    { cursor: 'id', defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE, totalCount: true, query: () => ({ orderBy: { id: 'desc' as const } }) },
    { name: 'SupplierPurchaseOrderConnection' },
    { name: 'SupplierPurchaseOrderEdge' },
  ),
}))

type PurchaseOrderArgs = { status?: string[] | null; locationCode?: string | null; supplierCode?: string | null; late?: boolean | null }
function purchaseOrderWhere(args: PurchaseOrderArgs, now = new Date()): Prisma.PurchaseOrderWhereInput {
  return {
    ...(args.status?.length ? { status: { in: args.status as never } } : {}),
    ...(args.locationCode ? { location: { code: args.locationCode } } : {}),
    ...(args.supplierCode ? { supplier: { code: args.supplierCode } } : {}),
    ...(args.late === true ? { AND: [{ status: { in: ['SENT', 'PARTIALLY_RECEIVED'] } }, { expectedAt: { lt: now } }] } : {}),
  }
}

builder.queryFields((t) => ({
  purchaseOrders: t.prismaConnection(
    {
      type: 'PurchaseOrder',
      cursor: 'id',
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      authScopes: { staff: true },
      description: 'Newest first.',
      args: {
        status: t.arg({ type: [PurchaseOrderStatusEnum], required: false }),
        locationCode: t.arg.string({ required: false, description: 'Destination node.' }),
        supplierCode: t.arg.string({ required: false }),
        late: t.arg.boolean({ required: false, description: 'Only sent orders past their expected arrival.' }),
      },
      resolve: (query, _r, args, ctx) => ctx.prisma.purchaseOrder.findMany({ ...query, where: purchaseOrderWhere(args), orderBy: { id: 'desc' } }),
      totalCount: (_p, args, ctx) => ctx.prisma.purchaseOrder.count({ where: purchaseOrderWhere(args) }),
    },
    { name: 'PurchaseOrderConnection' },
    { name: 'PurchaseOrderEdge' },
  ),
  purchaseOrder: t.prismaField({
    type: 'PurchaseOrder',
    nullable: true,
    authScopes: { staff: true },
    args: { number: t.arg.string() },
    resolve: (query, _r, args, ctx) => ctx.prisma.purchaseOrder.findUnique({ ...query, where: { number: args.number } }),
  }),
}))

const PurchaseOrderPayload = builder.simpleObject('PurchaseOrderPayload', {
  fields: (t) => ({ purchaseOrder: t.field({ type: PurchaseOrder, nullable: true }), userErrors: t.field({ type: [UserError] }) }),
})
const ReceivePurchaseOrderPayload = builder.simpleObject('ReceivePurchaseOrderPayload', {
  fields: (t) => ({
    purchaseOrder: t.field({ type: PurchaseOrder, nullable: true }),
    receipt: t.field({ type: Receipt, nullable: true, description: 'The receipt booked (the first one, when the same idempotency key is replayed).' }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

const IDEMPOTENCY = 'Sending the same key again replays the first result; the same key with another input is refused (IDEMPOTENCY_KEY_REUSED).'

const PurchaseOrderIdInput = builder.inputType('PurchaseOrderIdInput', {
  fields: (t) => ({ purchaseOrderId: t.globalID({ for: PurchaseOrder }) }),
})
const SendPurchaseOrderInput = builder.inputType('SendPurchaseOrderInput', {
  fields: (t) => ({
    purchaseOrderId: t.globalID({ for: PurchaseOrder }),
    expectedArrival: t.field({ type: 'DateTime', required: false, description: 'Default: now + the longest learned lead time of its lines.' }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY }),
  }),
})
const CancelPurchaseOrderInput = builder.inputType('CancelPurchaseOrderInput', {
  fields: (t) => ({
    purchaseOrderId: t.globalID({ for: PurchaseOrder }),
    reason: t.string({ required: false }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY }),
  }),
})
const ReceivePurchaseOrderInput = builder.inputType('ReceivePurchaseOrderInput', {
  fields: (t) => ({
    purchaseOrderId: t.globalID({ for: PurchaseOrder }),
    lines: t.field({
      type: [
        builder.inputType('ReceivedPurchaseOrderLineInput', {
          fields: (f) => ({
            sku: f.string(),
            quantity: f.int({ description: 'Units that arrived (> 0), damaged ones included.' }),
            damagedQuantity: f.int({ required: false, description: 'Of those, units that arrived damaged (default 0).' }),
          }),
        }),
      ],
    }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY }),
  }),
})

const id = (gid: { id: string }) => Number(gid.id)

builder.mutationFields((t) => ({
  submitPurchaseOrder: t.field({
    type: PurchaseOrderPayload,
    description: 'DRAFT -> PENDING_APPROVAL (value above procurement.poApprovalValue) or APPROVED.',
    authScopes: { roles: ['PROCUREMENT'] },
    args: { input: t.arg({ type: PurchaseOrderIdInput }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(ctx, (tx) => submitPurchaseOrder(tx, { purchaseOrderId: id(input.purchaseOrderId) }, requireActor(ctx)), (purchaseOrder) => ({ purchaseOrder })),
  }),
  approvePurchaseOrder: t.field({
    type: PurchaseOrderPayload,
    description: 'PENDING_APPROVAL -> APPROVED by a FINANCE (or ADMIN) user other than the submitter (SELF_APPROVAL otherwise).',
    authScopes: { roles: ['FINANCE'] },
    args: { input: t.arg({ type: PurchaseOrderIdInput }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(ctx, (tx) => approvePurchaseOrder(tx, { purchaseOrderId: id(input.purchaseOrderId) }, requireActor(ctx)), (purchaseOrder) => ({ purchaseOrder })),
  }),
  sendPurchaseOrder: t.field({
    type: PurchaseOrderPayload,
    description: 'APPROVED -> SENT: orderedAt = now, and each line is added to the destination position\'s incoming (ledger INCOMING_CHANGED).',
    authScopes: { roles: ['PROCUREMENT'] },
    args: { input: t.arg({ type: SendPurchaseOrderInput }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(
        ctx,
        (tx) => sendPurchaseOrder(tx, { purchaseOrderId: id(input.purchaseOrderId), expectedArrival: input.expectedArrival, idempotencyKey: input.idempotencyKey }, requireActor(ctx)),
        (purchaseOrder) => ({ purchaseOrder }),
      ),
  }),
  cancelPurchaseOrder: t.field({
    type: PurchaseOrderPayload,
    description: '-> CANCELLED before any receipt; a sent order\'s lines leave incoming again.',
    authScopes: { roles: ['PROCUREMENT'] },
    args: { input: t.arg({ type: CancelPurchaseOrderInput }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(
        ctx,
        (tx) => cancelPurchaseOrder(tx, { purchaseOrderId: id(input.purchaseOrderId), reason: input.reason, idempotencyKey: input.idempotencyKey }, requireActor(ctx)),
        (purchaseOrder) => ({ purchaseOrder }),
      ),
  }),
  receivePurchaseOrder: t.field({
    type: ReceivePurchaseOrderPayload,
    description:
      'Books a delivery: on hand +quantity (damaged +damagedQuantity), incoming −(outstanding part), RECEIVED ledger events, a receipt; ' +
      'beyond procurement.overReceiptTolerance of a line: OVER_RECEIPT, nothing booked.',
    authScopes: { roles: ['PROCUREMENT', 'OPERATIONS'] },
    args: { input: t.arg({ type: ReceivePurchaseOrderInput }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(
        ctx,
        (tx) => receivePurchaseOrder(tx, { purchaseOrderId: id(input.purchaseOrderId), lines: input.lines, idempotencyKey: input.idempotencyKey }, requireActor(ctx)),
        ({ purchaseOrder, receipt }) => ({ purchaseOrder, receipt }),
      ),
  }),
}))
