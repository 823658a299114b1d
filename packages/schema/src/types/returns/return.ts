import { inspectReturnLine, issueRefund, receiveReturn, refundMachine, requestReturn, returnMachine } from '@ops-hub/domain'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import { IDEMPOTENCY_KEY_DESCRIPTION, UserError, requireActor, runKeyedMutation, runMutation } from '../../errors.ts'
import { orderVisibility } from '../orders/order.ts'
import { StockPosition } from '../inventory/stock-position.ts'
import { idOf } from '../warehouse/global-id.ts'
import { mayViewOrderOf } from '../../loaders.ts'

export const ReturnStatusEnum = builder.enumType('ReturnStatus', { values: ['REQUESTED', 'RECEIVED', 'INSPECTED', 'CLOSED', 'REJECTED'] as const })
export const RefundStatusEnum = builder.enumType('RefundStatus', {
  description: 'NOT_STARTED until the goods are back; PENDING once received; REFUNDED when every line is inspected (or refunded early with issueRefund).',
  values: ['NOT_STARTED', 'PENDING', 'REFUNDED', 'DENIED'] as const,
})
export const ReturnDispositionEnum = builder.enumType('ReturnDisposition', {
  description: 'RESTOCK -> available; DAMAGED -> damaged bucket (on hand, never sold); SCRAP and RETURN_TO_VENDOR -> off hand.',
  values: ['RESTOCK', 'DAMAGED', 'SCRAP', 'RETURN_TO_VENDOR'] as const,
})

export const ReturnLine = builder.prismaNode('ReturnLine', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { authenticated: true },
  fields: (t) => ({
    sku: t.string({ select: { sku: { select: { code: true } } }, resolve: (l) => l.sku.code }),
    quantity: t.exposeInt('quantity', { description: 'Units the customer asked to return.' }),
    reason: t.exposeString('reason'),
    receivedQuantity: t.exposeInt('receivedQuantity'),
    disposition: t.expose('disposition', { type: ReturnDispositionEnum, nullable: true }),
    inspectionNote: t.exposeString('inspectionNote', { nullable: true }),
    inspectedBy: t.exposeString('inspectedBy', { nullable: true }),
    inspectedAt: t.expose('inspectedAt', { type: 'DateTime', nullable: true }),
  }),
})

export const Return = builder.prismaNode('Return', {
  id: { field: 'id' },
  nullable: true,
  // Partners see the returns of their own channel's orders only.
  authScopes: (r, ctx) => mayViewOrderOf(ctx, r.orderId),
  fields: (t) => ({
    number: t.exposeString('number', { description: 'RMA number.' }),
    status: t.expose('status', { type: ReturnStatusEnum }),
    nextStates: t.field({ type: [ReturnStatusEnum], resolve: (r) => [...returnMachine.nextStates(r.status)] }),
    refundStatus: t.expose('refundStatus', { type: RefundStatusEnum }),
    refundNextStates: t.field({ type: [RefundStatusEnum], resolve: (r) => [...refundMachine.nextStates(r.refundStatus)] }),
    refundAmount: t.expose('refundAmount', { type: 'Decimal', description: 'Received units x the price paid, set when refunded.' }),
    requestedBy: t.exposeString('requestedBy'),
    requestedAt: t.expose('requestedAt', { type: 'DateTime' }),
    receivedAt: t.expose('receivedAt', { type: 'DateTime', nullable: true }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true }),
    processingTimeHours: t.float({
      nullable: true,
      description: 'Return processing time: hours from request to close (null while open).',
      select: { requestedAt: true, closedAt: true },
      resolve: (r) => (r.closedAt ? Math.round(((r.closedAt.getTime() - r.requestedAt.getTime()) / 3_600_000) * 100) / 100 : null),
    }),
    location: t.relation('location', { nullable: true }),
    order: t.relation('order'),
    lines: t.relation('lines', { query: { orderBy: { id: 'asc' } } }),
  }),
})

builder.prismaObjectFields('Order', (t) => ({
  returns: t.relation('returns', { query: { orderBy: { id: 'asc' } } }),
}))

builder.queryFields((t) => ({
  returns: t.prismaConnection({
    type: 'Return',
    cursor: 'id',
    defaultSize: DEFAULT_PAGE_SIZE,
    maxSize: MAX_PAGE_SIZE,
    description: 'Newest first.',
    authScopes: { staff: true },
    args: { status: t.arg({ type: [ReturnStatusEnum], required: false }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.return.findMany({ ...query, where: args.status?.length ? { status: { in: args.status } } : {}, orderBy: { id: 'desc' } }),
  }, { name: 'ReturnConnection' }, { name: 'ReturnEdge' }),
  returnByNumber: t.prismaField({
    type: 'Return',
    nullable: true,
    authScopes: { authenticated: true },
    args: { number: t.arg.string() },
    resolve: (query, _root, args, ctx) => ctx.prisma.return.findFirst({ ...query, where: { number: args.number, order: orderVisibility(ctx) } }),
  }),
}))

const ReturnLineInput = builder.inputType('ReturnLineInput', {
  fields: (t) => ({ sku: t.string(), quantity: t.int(), reason: t.string() }),
})
const RequestReturnInput = builder.inputType('RequestReturnInput', {
  fields: (t) => ({
    orderId: t.globalID({ description: 'A delivered Order.' }),
    lines: t.field({ type: [ReturnLineInput], description: 'Per SKU at most what was shipped minus what other returns claim.' }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
})
const ReceivedLineInput = builder.inputType('ReceivedLineInput', {
  fields: (t) => ({ sku: t.string(), quantity: t.int() }),
})
const ReceiveReturnInput = builder.inputType('ReceiveReturnInput', {
  fields: (t) => ({
    returnId: t.globalID({ for: Return }),
    locationCode: t.string({ description: 'Where the parcel arrived; units go on hand into quality control.' }),
    lines: t.field({ type: [ReceivedLineInput], required: false, description: 'What arrived; omitted = everything requested.' }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
})
const InspectReturnLineInput = builder.inputType('InspectReturnLineInput', {
  fields: (t) => ({
    returnLineId: t.globalID({ for: ReturnLine }),
    disposition: t.field({ type: ReturnDispositionEnum }),
    note: t.string({ required: false }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
})
const IssueRefundInput = builder.inputType('IssueRefundInput', {
  fields: (t) => ({
    returnId: t.globalID({ for: Return }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
})

const ReturnPayload = builder.simpleObject('ReturnPayload', {
  fields: (t) => ({
    return: t.field({ type: Return, nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})
const InspectReturnLinePayload = builder.simpleObject('InspectReturnLinePayload', {
  fields: (t) => ({
    returnLine: t.field({ type: ReturnLine, nullable: true }),
    return: t.field({ type: Return, nullable: true }),
    stockPosition: t.field({ type: StockPosition, nullable: true, description: 'The position the units landed in.' }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationFields((t) => ({
  requestReturn: t.field({
    type: ReturnPayload,
    description: 'Opens an RMA on a delivered order; the order moves to RETURN_REQUESTED.',
    authScopes: { roles: ['CUSTOMER_SERVICE', 'OPERATIONS'] },
    args: { input: t.arg({ type: RequestReturnInput }) },
    resolve: (_root, { input }, ctx) =>
      runKeyedMutation(ctx, 'requestReturn', input, (tx) => requestReturn(tx, { orderId: idOf(input.orderId, 'Order', 'orderId'), lines: input.lines }, requireActor(ctx)), (r) => ({ return: r })),
  }),
  receiveReturn: t.field({
    type: ReturnPayload,
    description: 'Records the returned parcel at a node: units on hand in quality control, refund PENDING.',
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: ReceiveReturnInput }) },
    resolve: (_root, { input }, ctx) =>
      runKeyedMutation(ctx, 'receiveReturn', input, (tx) => receiveReturn(tx, { returnId: Number(input.returnId.id), locationCode: input.locationCode, lines: input.lines }, requireActor(ctx)), (r) => ({ return: r })),
  }),
  inspectReturnLine: t.field({
    type: InspectReturnLinePayload,
    description: 'Inspects a received line once and moves its units to the bucket of its disposition; the last inspection refunds and closes the return (order RETURNED).',
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: InspectReturnLineInput }) },
    resolve: (_root, { input }, ctx) =>
      runKeyedMutation(
        ctx,
        'inspectReturnLine',
        input,
        (tx) => inspectReturnLine(tx, { returnLineId: Number(input.returnLineId.id), disposition: input.disposition, note: input.note }, requireActor(ctx)),
        async (r) => ({ returnLine: r.line, return: r.return, stockPosition: await ctx.prisma.stockPosition.findUniqueOrThrow({ where: { id: r.stockPosition.id } }) }),
      ),
  }),
  issueRefund: t.field({
    type: ReturnPayload,
    description: 'Refunds a received return before inspection completes; once only.',
    authScopes: { roles: ['CUSTOMER_SERVICE', 'FINANCE'] },
    args: { input: t.arg({ type: IssueRefundInput }) },
    resolve: (_root, { input }, ctx) =>
      runKeyedMutation(ctx, 'issueRefund', input, (tx) => issueRefund(tx, { returnId: Number(input.returnId.id) }, requireActor(ctx)), (r) => ({ return: r })),
  }),
}))
