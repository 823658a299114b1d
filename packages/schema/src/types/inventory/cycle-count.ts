import { cycleCountMachine, inventoryRecordAccuracy, recordCount, scheduleCycleCounts } from '@ops-hub/domain'
import type { Prisma } from '@ops-hub/db'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import { IDEMPOTENCY_KEY_DESCRIPTION, UserError, requireActor, runKeyedMutation, runMutation } from '../../errors.ts'
import { AbcClassEnum } from '../catalog/sku.ts'

export const CycleCountStatusEnum = builder.enumType('CycleCountStatus', {
  values: ['SCHEDULED', 'RECOUNT_REQUESTED', 'PENDING_APPROVAL', 'COMPLETED', 'CANCELLED'] as const,
})

export const CycleCount = builder.prismaNode('CycleCount', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { staff: true },
  description:
    'A count task for one stock position, due by ABC frequency. Within the class tolerance the variance is booked at once; ' +
    'beyond it a recount is requested, and a recount still beyond waits for approval (its adjustment).',
  fields: (t) => ({
    stockPosition: t.relation('stockPosition'),
    sku: t.relation('sku'),
    location: t.relation('location'),
    status: t.expose('status', { type: CycleCountStatusEnum }),
    nextStates: t.field({ type: [CycleCountStatusEnum], select: { status: true }, resolve: (c) => [...cycleCountMachine.nextStates(c.status)] }),
    dueAt: t.expose('dueAt', { type: 'DateTime' }),
    attempt: t.exposeInt('attempt', { description: 'Counts recorded so far (2 after a recount).' }),
    bookQuantity: t.exposeInt('bookQuantity', { nullable: true, description: 'On hand when the last count was recorded.' }),
    countedQuantity: t.exposeInt('countedQuantity', { nullable: true }),
    variance: t.exposeInt('variance', { nullable: true }),
    varianceRatio: t.exposeFloat('varianceRatio', { nullable: true }),
    withinTolerance: t.exposeBoolean('withinTolerance', { nullable: true }),
    countedBy: t.exposeString('countedBy', { nullable: true }),
    countedAt: t.expose('countedAt', { type: 'DateTime', nullable: true }),
    adjustment: t.relation('adjustment', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
})

type CountArgs = { locationCode?: string | null; status?: string[] | null; dueBefore?: Date | null }
function countWhere(args: CountArgs): Prisma.CycleCountWhereInput {
  return {
    ...(args.locationCode ? { location: { code: args.locationCode } } : {}),
    ...(args.status?.length ? { status: { in: args.status as never } } : {}),
    ...(args.dueBefore ? { dueAt: { lt: args.dueBefore } } : {}),
  }
}

const AccuracyByClass = builder.simpleObject('InventoryRecordAccuracyByClass', {
  fields: (t) => ({ abcClass: t.field({ type: AbcClassEnum }), accuracy: t.float({ nullable: true }), counts: t.int(), accurate: t.int() }),
})
const AccuracyByLocation = builder.simpleObject('InventoryRecordAccuracyByLocation', {
  fields: (t) => ({ locationCode: t.string(), accuracy: t.float({ nullable: true }), counts: t.int(), accurate: t.int() }),
})
const AccuracyOverall = builder.simpleObject('InventoryRecordAccuracyOverall', {
  fields: (t) => ({ accuracy: t.float({ nullable: true }), counts: t.int(), accurate: t.int() }),
})
const InventoryRecordAccuracy = builder.simpleObject('InventoryRecordAccuracy', {
  description: 'Share of counts whose result was within tolerance of the book (IRA); accuracy is null when nothing was counted.',
  fields: (t) => ({
    overall: t.field({ type: AccuracyOverall }),
    byClass: t.field({ type: [AccuracyByClass] }),
    byLocation: t.field({ type: [AccuracyByLocation] }),
  }),
})

builder.queryFields((t) => ({
  cycleCounts: t.prismaConnection(
    {
      type: 'CycleCount',
      cursor: 'id',
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      authScopes: { staff: true },
      description: 'Count tasks, earliest due first.',
      args: {
        locationCode: t.arg.string({ required: false }),
        status: t.arg({ type: [CycleCountStatusEnum], required: false }),
        dueBefore: t.arg({ type: 'DateTime', required: false }),
      },
      resolve: (query, _r, args, ctx) => ctx.prisma.cycleCount.findMany({ ...query, where: countWhere(args), orderBy: [{ dueAt: 'asc' }, { id: 'asc' }] }),
      totalCount: (_p, args, ctx) => ctx.prisma.cycleCount.count({ where: countWhere(args) }),
    },
    { name: 'CycleCountConnection' },
    { name: 'CycleCountEdge' },
  ),
  inventoryRecordAccuracy: t.field({
    type: InventoryRecordAccuracy,
    authScopes: { staff: true },
    args: {
      locationCode: t.arg.string({ required: false }),
      from: t.arg({ type: 'DateTime' }),
      to: t.arg({ type: 'DateTime' }),
    },
    resolve: (_r, args, ctx) => inventoryRecordAccuracy(ctx.prisma, args),
  }),
}))

const ScheduleCycleCountsPayload = builder.simpleObject('ScheduleCycleCountsPayload', {
  fields: (t) => ({
    scheduled: t.int({ nullable: true }),
    due: t.int({ nullable: true, description: 'Positions due within the horizon with no count open.' }),
    deferred: t.int({
      nullable: true,
      description: 'Due but not scheduled: the location’s daily count capacity (inventory.dailyCountCapacity) was full; the highest count priorities went first.',
    }),
    userErrors: t.field({ type: [UserError] }),
  }),
})
const RecordCountPayload = builder.simpleObject('RecordCountPayload', {
  fields: (t) => ({ cycleCount: t.field({ type: CycleCount, nullable: true }), userErrors: t.field({ type: [UserError] }) }),
})

builder.mutationFields((t) => ({
  scheduleCycleCounts: t.field({
    type: ScheduleCycleCountsPayload,
    description:
      'Creates count tasks for positions due by ABC frequency (A monthly, B quarterly, C yearly by default), at most inventory.dailyCountCapacity ' +
      'a day per location, highest count priority first (cycleCountPriorities). Also runs daily.',
    authScopes: { roles: ['OPERATIONS'] },
    args: {
      input: t.arg({
        type: builder.inputType('ScheduleCycleCountsInput', {
          fields: (f) => ({
            locationCode: f.string({ required: false, description: 'Omit for every location.' }),
            horizonDays: f.int({ required: false, description: 'Also schedule counts falling due within this many days.' }),
          }),
        }),
      }),
    },
    resolve: (_r, { input }, ctx) => runMutation(ctx, (tx) => scheduleCycleCounts(tx, input, requireActor(ctx)), (r) => r),
  }),
  recordCount: t.field({
    type: RecordCountPayload,
    description: 'Records a physical count: within tolerance it is booked (CYCLE_COUNT); beyond, a recount, then approval.',
    authScopes: { roles: ['OPERATIONS'] },
    args: {
      input: t.arg({
        type: builder.inputType('RecordCountInput', {
          fields: (f) => ({
            cycleCountId: f.globalID({ for: CycleCount }),
            countedQuantity: f.int(),
            idempotencyKey: f.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
          }),
        }),
      }),
    },
    resolve: (_r, { input }, ctx) =>
      runKeyedMutation(
        ctx,
        'recordCount',
        input,
        (tx) => recordCount(tx, { cycleCountId: Number(input.cycleCountId.id), countedQuantity: input.countedQuantity }, requireActor(ctx)),
        (cycleCount) => ({ cycleCount }),
      ),
  }),
}))
