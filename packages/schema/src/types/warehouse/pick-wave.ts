import { confirmPick, createPickWave, pickTaskMachine, pickWaveMachine } from '@ops-hub/domain'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import { IDEMPOTENCY_KEY_DESCRIPTION, UserError, requireActor, runKeyedMutation, runMutation } from '../../errors.ts'
import { ExceptionNode } from '../exceptions/exception.ts'
import { idOf } from './global-id.ts'

export const PickWaveStatusEnum = builder.enumType('PickWaveStatus', { values: ['OPEN', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'] as const })
export const PickTaskStatusEnum = builder.enumType('PickTaskStatus', {
  description: 'OPEN until confirmed; PICKED in full, or SHORT when the bin held fewer units than the book said.',
  values: ['OPEN', 'PICKED', 'SHORT', 'CANCELLED'] as const,
})

export const Bin = builder.prismaObject('Bin', {
  authScopes: { staff: true },
  fields: (t) => ({
    code: t.exposeString('code'),
    zone: t.exposeString('zone', { nullable: true }),
    sequence: t.exposeInt('sequence', { description: 'Walk order through the warehouse; pick tasks follow it.' }),
  }),
})

export const PickWave = builder.prismaNode('PickWave', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { staff: true },
  fields: (t) => ({
    number: t.exposeString('number'),
    location: t.relation('location'),
    status: t.expose('status', { type: PickWaveStatusEnum }),
    nextStates: t.field({ type: [PickWaveStatusEnum], resolve: (w) => [...pickWaveMachine.nextStates(w.status)] }),
    createdBy: t.exposeString('createdBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    tasks: t.relation('tasks', { description: 'In walk order.', query: { orderBy: [{ sequence: 'asc' }, { id: 'asc' }] } }),
    fulfillmentOrders: t.relation('fulfillmentOrders', { query: { orderBy: { id: 'asc' } } }),
  }),
})

export const PickTask = builder.prismaNode('PickTask', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { staff: true },
  fields: (t) => ({
    bin: t.relation('bin'),
    sku: t.string({ select: { sku: { select: { code: true } } }, resolve: (p) => p.sku.code }),
    quantity: t.exposeInt('quantity', { description: 'Units to take from the bin.' }),
    pickedQuantity: t.exposeInt('pickedQuantity'),
    status: t.expose('status', { type: PickTaskStatusEnum }),
    nextStates: t.field({ type: [PickTaskStatusEnum], resolve: (p) => [...pickTaskMachine.nextStates(p.status)] }),
    sequence: t.exposeInt('sequence', { description: 'Position in the wave walk.' }),
    confirmedBy: t.exposeString('confirmedBy', { nullable: true }),
    confirmedAt: t.expose('confirmedAt', { type: 'DateTime', nullable: true }),
    wave: t.relation('wave'),
    fulfillmentOrder: t.relation('fulfillmentOrder'),
  }),
})

builder.queryFields((t) => ({
  pickWaves: t.prismaConnection({
    type: 'PickWave',
    cursor: 'id',
    defaultSize: DEFAULT_PAGE_SIZE,
    maxSize: MAX_PAGE_SIZE,
    description: 'Newest first.',
    authScopes: { staff: true },
    args: { locationCode: t.arg.string({ required: false }), status: t.arg({ type: [PickWaveStatusEnum], required: false }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.pickWave.findMany({
        ...query,
        where: { ...(args.locationCode ? { location: { code: args.locationCode } } : {}), ...(args.status?.length ? { status: { in: args.status } } : {}) },
        orderBy: { id: 'desc' },
      }),
  }, { name: 'PickWaveConnection' }, { name: 'PickWaveEdge' }),
  pickWave: t.prismaField({
    type: 'PickWave',
    nullable: true,
    authScopes: { staff: true },
    args: { number: t.arg.string() },
    resolve: (query, _root, args, ctx) => ctx.prisma.pickWave.findUnique({ ...query, where: { number: args.number } }),
  }),
}))

const CreatePickWaveInput = builder.inputType('CreatePickWaveInput', {
  fields: (t) => ({
    locationCode: t.string({ description: 'The node whose RELEASED fulfillment orders are waved.' }),
    maxOrders: t.int({ required: false, description: 'At most this many fulfillment orders (default 50, max 500).' }),
    cutoffFirst: t.boolean({ required: false, description: 'Earliest ship-by first (default true); false = by priority only.' }),
    maxLines: t.int({ required: false, description: 'At most this many order lines (reserved allocations); a first fulfillment order above it waves alone.' }),
  }),
})

const CreatePickWavePayload = builder.simpleObject('CreatePickWavePayload', {
  fields: (t) => ({
    pickWave: t.field({ type: PickWave, nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

const ConfirmPickInput = builder.inputType('ConfirmPickInput', {
  fields: (t) => ({
    taskId: t.globalID({ for: PickTask }),
    pickedQuantity: t.int({ description: 'Units actually taken; fewer than asked is a short pick.' }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
})

const ShortPickOutcome = builder.simpleObject('ShortPickOutcome', {
  description: 'What happened to the units a short pick could not find.',
  fields: (t) => ({
    exception: t.field({ type: ExceptionNode, description: 'The PICK_SHORT exception (owned by OPERATIONS).' }),
    reallocatedSameNode: t.int({ description: 'Units re-reserved in other bins of the node (new tasks in the same wave).' }),
    reallocatedOtherNodes: t.int({ description: 'Units re-reserved at other nodes (a fulfillment order there, released at once).' }),
    fromSafetyStock: t.int({
      description:
        'Of the re-reserved units, those taken from safety stock: a unit already promised may be covered by shelf stock no one was promised, safety stock included; new orders never promise it.',
    }),
    backordered: t.int(),
  }),
})

const ConfirmPickPayload = builder.simpleObject('ConfirmPickPayload', {
  fields: (t) => ({
    pickTask: t.field({ type: PickTask, nullable: true }),
    short: t.field({ type: ShortPickOutcome, nullable: true }),
    readyToPack: t.boolean({ nullable: true, description: 'No task of the fulfillment order is open any more and something was picked for it (a fulfillment order for which nothing at all was found is CANCELLED instead: its units were backordered or re-allocated).' }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationFields((t) => ({
  createPickWave: t.field({
    type: CreatePickWavePayload,
    description: "Groups a node's released fulfillment orders into a wave with pick tasks by bin, in walk order; they move to PICKING.",
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: CreatePickWaveInput }) },
    resolve: (_root, { input }, ctx) =>
      runMutation(ctx, (tx) => createPickWave(tx, input, requireActor(ctx)), async (r) => ({ pickWave: r.wave })),
  }),
  confirmPick: t.field({
    type: ConfirmPickPayload,
    description:
      'Confirms a pick task. A short pick corrects the bin and stock position (ledger event PICK_SHORT), opens a PICK_SHORT exception and re-allocates the missing units (other bins, other nodes) or backorders them.',
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: ConfirmPickInput }) },
    resolve: (_root, { input }, ctx) =>
      runKeyedMutation(
        ctx,
        'confirmPick',
        input,
        (tx) => confirmPick(tx, { taskId: idOf(input.taskId, 'PickTask', 'taskId'), pickedQuantity: input.pickedQuantity }, requireActor(ctx)),
        async (r) => ({
          pickTask: r.task,
          readyToPack: r.readyToPack,
          short: r.short && {
            exception: await ctx.prisma.exception.findUniqueOrThrow({ where: { id: r.short.exceptionId } }),
            reallocatedSameNode: r.short.sameNode,
            reallocatedOtherNodes: r.short.otherNodes.reduce((s, n) => s + n.quantity, 0),
            fromSafetyStock: r.short.fromSafetyStock,
            backordered: r.short.backordered,
          },
        }),
      ),
  }),
}))
