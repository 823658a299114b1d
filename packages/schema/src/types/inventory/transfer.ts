import { approveTransfer, cancelTransfer, receiveTransfer, rejectTransfer, requestTransfer, shipTransfer, transferMachine } from '@ops-hub/domain'
import type { Prisma } from '@ops-hub/db'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import { IDEMPOTENCY_KEY_DESCRIPTION, requireActor, runKeyedMutation, UserError } from '../../errors.ts'

export const TransferStatusEnum = builder.enumType('TransferStatus', {
  values: ['REQUESTED', 'APPROVED', 'IN_TRANSIT', 'RECEIVED', 'REJECTED', 'CANCELLED'] as const,
})

builder.prismaObject('TransferLine', {
  authScopes: { staff: true },
  fields: (t) => ({
    sku: t.relation('sku'),
    quantity: t.exposeInt('quantity'),
    receivedQuantity: t.exposeInt('receivedQuantity'),
  }),
})

export const Transfer = builder.prismaNode('Transfer', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { staff: true },
  description: 'Stock moving between locations: requested, approved by a second person, shipped (in transit), received.',
  fields: (t) => ({
    number: t.exposeString('number'),
    fromLocation: t.relation('fromLocation'),
    toLocation: t.relation('toLocation'),
    status: t.expose('status', { type: TransferStatusEnum }),
    nextStates: t.field({ type: [TransferStatusEnum], select: { status: true }, resolve: (x) => [...transferMachine.nextStates(x.status)] }),
    requestedBy: t.exposeString('requestedBy'),
    approvedBy: t.exposeString('approvedBy', { nullable: true }),
    shippedAt: t.expose('shippedAt', { type: 'DateTime', nullable: true }),
    receivedAt: t.expose('receivedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lines: t.relation('lines', { query: { orderBy: { id: 'asc' } } }),
  }),
})

type TransferArgs = { status?: string[] | null; locationCode?: string | null }
function transferWhere(args: TransferArgs): Prisma.TransferWhereInput {
  return {
    ...(args.status?.length ? { status: { in: args.status as never } } : {}),
    ...(args.locationCode ? { OR: [{ fromLocation: { code: args.locationCode } }, { toLocation: { code: args.locationCode } }] } : {}),
  }
}

builder.queryField('transfers', (t) =>
  t.prismaConnection(
    {
      type: 'Transfer',
      cursor: 'id',
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      authScopes: { staff: true },
      args: {
        status: t.arg({ type: [TransferStatusEnum], required: false }),
        locationCode: t.arg.string({ required: false, description: 'Transfers from or to this location.' }),
      },
      resolve: (query, _r, args, ctx) => ctx.prisma.transfer.findMany({ ...query, where: transferWhere(args), orderBy: { id: 'desc' } }),
      totalCount: (_p, args, ctx) => ctx.prisma.transfer.count({ where: transferWhere(args) }),
    },
    { name: 'TransferConnection' },
    { name: 'TransferEdge' },
  ),
)

const TransferPayload = builder.simpleObject('TransferPayload', {
  fields: (t) => ({ transfer: t.field({ type: Transfer, nullable: true }), userErrors: t.field({ type: [UserError] }) }),
})

const RequestTransferInput = builder.inputType('RequestTransferInput', {
  fields: (t) => ({
    fromLocationCode: t.string(),
    toLocationCode: t.string(),
    lines: t.field({
      type: [builder.inputType('TransferLineInput', { fields: (f) => ({ sku: f.string(), quantity: f.int() }) })],
    }),
    note: t.string({ required: false }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
})
const TransferDecisionInput = builder.inputType('TransferDecisionInput', {
  fields: (t) => ({
    id: t.globalID({ for: Transfer }),
    note: t.string({ required: false }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
})
const ReceiveTransferInput = builder.inputType('ReceiveTransferInput', {
  fields: (t) => ({
    id: t.globalID({ for: Transfer }),
    lines: t.field({
      type: [builder.inputType('ReceivedTransferLineInput', { fields: (f) => ({ sku: f.string(), receivedQuantity: f.int() }) })],
      required: false,
      description: 'Omit to receive every line in full.',
    }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
})

// Transfers are operations' work; the second person who approves is another operations user (or ADMIN).
builder.mutationFields((t) => ({
  requestTransfer: t.field({
    type: TransferPayload,
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: RequestTransferInput }) },
    resolve: (_r, { input }, ctx) => runKeyedMutation(ctx, 'requestTransfer', input, (tx) => requestTransfer(tx, input, requireActor(ctx)), (transfer) => ({ transfer })),
  }),
  approveTransfer: t.field({
    type: TransferPayload,
    description: 'The requester cannot approve (SELF_APPROVAL).',
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: TransferDecisionInput }) },
    resolve: (_r, { input }, ctx) =>
      runKeyedMutation(ctx, 'approveTransfer', input, (tx) => approveTransfer(tx, { id: Number(input.id.id), note: input.note }, requireActor(ctx)), (transfer) => ({ transfer })),
  }),
  rejectTransfer: t.field({
    type: TransferPayload,
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: TransferDecisionInput }) },
    resolve: (_r, { input }, ctx) =>
      runKeyedMutation(ctx, 'rejectTransfer', input, (tx) => rejectTransfer(tx, { id: Number(input.id.id), note: input.note }, requireActor(ctx)), (transfer) => ({ transfer })),
  }),
  cancelTransfer: t.field({
    type: TransferPayload,
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: TransferDecisionInput }) },
    resolve: (_r, { input }, ctx) =>
      runKeyedMutation(ctx, 'cancelTransfer', input, (tx) => cancelTransfer(tx, { id: Number(input.id.id), note: input.note }, requireActor(ctx)), (transfer) => ({ transfer })),
  }),
  shipTransfer: t.field({
    type: TransferPayload,
    description: 'Source on hand -n, destination in transit +n, per line.',
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: TransferDecisionInput }) },
    resolve: (_r, { input }, ctx) =>
      runKeyedMutation(ctx, 'shipTransfer', input, (tx) => shipTransfer(tx, { id: Number(input.id.id) }, requireActor(ctx)), (transfer) => ({ transfer })),
  }),
  receiveTransfer: t.field({
    type: TransferPayload,
    description: 'Destination in transit -n, on hand +received.',
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: ReceiveTransferInput }) },
    resolve: (_r, { input }, ctx) =>
      runKeyedMutation(ctx, 'receiveTransfer', input, (tx) => receiveTransfer(tx, { id: Number(input.id.id), lines: input.lines }, requireActor(ctx)), (transfer) => ({ transfer })),
  }),
}))
