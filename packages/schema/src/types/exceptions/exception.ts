import type { Prisma } from '@ops-hub/db'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import type { Context } from '../../context.ts'
import { RoleEnum } from '../common/role.ts'
import { assignException, exceptionMachine, resolveException } from '@ops-hub/domain'
import { requireActor, runMutation, UserError } from '../../errors.ts'

export const ExceptionTypeEnum = builder.enumType('ExceptionType', {
  values: [
    'PAYMENT_HOLD', 'FRAUD_REVIEW', 'ADDRESS_INVALID', 'STOCK_SHORTAGE', 'LOW_CONFIDENCE_STOCK', 'SHIP_BY_RISK',
    'PICK_SHORT', 'PACK_MISMATCH', 'CARRIER_DELAY', 'FEED_DISCREPANCY', 'COUNT_VARIANCE', 'LEDGER_MISMATCH',
    'ADJUSTMENT_APPROVAL', 'ADJUSTMENT_ANOMALY', 'TRANSFER_APPROVAL', 'REPLENISHMENT_RISK', 'LATE_PURCHASE_ORDER',
    'RETURN_INSPECTION',
  ] as const,
})
export const ExceptionSeverityEnum = builder.enumType('ExceptionSeverity', { values: ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const })
export const ExceptionStatusEnum = builder.enumType('ExceptionStatus', { values: ['OPEN', 'IN_PROGRESS', 'RESOLVED'] as const })

export const ExceptionNode = builder.prismaNode('Exception', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { staff: true },
  fields: (t) => ({
    type: t.expose('type', { type: ExceptionTypeEnum }),
    severity: t.expose('severity', { type: ExceptionSeverityEnum }),
    ownerRole: t.expose('ownerRole', { type: RoleEnum, description: 'The team that must act on it.' }),
    status: t.expose('status', { type: ExceptionStatusEnum }),
    title: t.exposeString('title'),
    detail: t.exposeString('detail', { nullable: true }),
    data: t.expose('data', { type: 'JSON', nullable: true, description: 'Figures behind the exception (quantities, scores, thresholds).' }),
    dueBy: t.expose('dueBy', { type: 'DateTime' }),
    overdue: t.boolean({ select: { dueBy: true, status: true }, resolve: (e) => e.status !== 'RESOLVED' && e.dueBy.getTime() < Date.now() }),
    escalationLevel: t.exposeInt('escalationLevel'),
    assignedTo: t.exposeString('assignedTo', { nullable: true }),
    resolvedBy: t.exposeString('resolvedBy', { nullable: true }),
    resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true }),
    resolution: t.exposeString('resolution', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    subject: t.node({
      description: 'What the exception is about: an order, a stock position, a shipment...',
      // Resolved through the Node loaders, so each subject type's own visibility rules apply.
      id: (e) => ({ type: e.subjectType, id: String(e.subjectId) }),
    }),
  }),
})

const ExceptionFilter = builder.inputType('ExceptionFilter', {
  fields: (t) => ({
    status: t.field({ type: [ExceptionStatusEnum], required: false }),
    type: t.field({ type: [ExceptionTypeEnum], required: false }),
    ownerRole: t.field({ type: RoleEnum, required: false }),
    overdue: t.boolean({ required: false, description: 'Only unresolved exceptions past (true) or within (false) their due-by.' }),
  }),
})

type ExceptionFilterArgs = { status?: string[] | null; type?: string[] | null; ownerRole?: string | null; overdue?: boolean | null } | null | undefined

export function exceptionWhere(filter: ExceptionFilterArgs, now = new Date()): Prisma.ExceptionWhereInput {
  return {
    ...(filter?.status?.length ? { status: { in: filter.status as never } } : {}),
    ...(filter?.type?.length ? { type: { in: filter.type as never } } : {}),
    ...(filter?.ownerRole ? { ownerRole: filter.ownerRole as never } : {}),
    ...(filter?.overdue === true ? { status: { not: 'RESOLVED' }, dueBy: { lt: now } } : {}),
    ...(filter?.overdue === false ? { dueBy: { gte: now } } : {}),
  }
}

builder.queryFields((t) => ({
  exceptions: t.prismaConnection({
    type: 'Exception',
    cursor: 'id',
    defaultSize: DEFAULT_PAGE_SIZE,
    maxSize: MAX_PAGE_SIZE,
    description: 'Most urgent first (earliest due-by).',
    authScopes: { staff: true },
    args: { filter: t.arg({ type: ExceptionFilter, required: false }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.exception.findMany({ ...query, where: exceptionWhere(args.filter), orderBy: [{ dueBy: 'asc' }, { id: 'asc' }] }),
    totalCount: (_p, args, ctx) => ctx.prisma.exception.count({ where: exceptionWhere(args.filter) }),
  }, { name: 'ExceptionConnection' }, { name: 'ExceptionEdge' }),
}))

// ----- working the queue (order orchestration issue): state machine, assign, resolve -----

builder.prismaObjectFields('Exception', (t) => ({
  nextStates: t.field({
    type: [ExceptionStatusEnum],
    description: 'Statuses it may move to (IN_PROGRESS -> IN_PROGRESS is a re-assignment).',
    select: { status: true },
    resolve: (e) => [...exceptionMachine.nextStates(e.status)],
  }),
  order: t.relation('order', { nullable: true, description: 'The order concerned, when there is one (also for stock-position subjects).' }),
}))

const AssignExceptionInput = builder.inputType('AssignExceptionInput', {
  fields: (t) => ({ id: t.globalID({ for: [ExceptionNode] }), assignee: t.string({ description: 'Who works on it, e.g. an email.' }) }),
})
const ResolveExceptionInput = builder.inputType('ResolveExceptionInput', {
  fields: (t) => ({ id: t.globalID({ for: [ExceptionNode] }), resolution: t.string({ description: 'What was done; kept on the exception.' }) }),
})
const ExceptionPayload = builder.simpleObject('ExceptionPayload', {
  fields: (t) => ({
    exception: t.field({ type: ExceptionNode, nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationFields((t) => ({
  assignException: t.field({
    type: ExceptionPayload,
    description: 'OPEN -> IN_PROGRESS with an assignee (or re-assigns). The owning team, OPERATIONS or ADMIN.',
    authScopes: { staff: true },
    args: { input: t.arg({ type: AssignExceptionInput }) },
    resolve: (_root, { input }, ctx) =>
      runMutation(ctx, (tx) => assignException(tx, { id: Number(input.id.id), assignee: input.assignee }, requireActor(ctx)), (exception) => ({ exception })),
  }),
  resolveException: t.field({
    type: ExceptionPayload,
    description: '-> RESOLVED with a resolution. The owning team, OPERATIONS or ADMIN.',
    authScopes: { staff: true },
    args: { input: t.arg({ type: ResolveExceptionInput }) },
    resolve: (_root, { input }, ctx) =>
      runMutation(ctx, (tx) => resolveException(tx, { id: Number(input.id.id), resolution: input.resolution }, requireActor(ctx)), (exception) => ({ exception })),
  }),
}))
