import { Repeater, SlidingBuffer } from '@repeaterjs/repeater'
import { GraphQLError } from 'graphql'
import type { OutboxEventLike } from '@ops-hub/analytics'
import {
  SCENARIO_KPIS, cancelScenarioRun, compareScenarioPolicies, scenarioRunMachine, startScenarioRun,
  type ScenarioKpiComparison, type ScenarioParams, type ScenarioPolicyResult, type ScenarioReport,
} from '@ops-hub/domain'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import { IDEMPOTENCY_KEY_DESCRIPTION, requireActor, runKeyedMutation, UserError } from '../../errors.ts'

/** Who may start and read scenario runs (ADMIN always may). */
const LAB = { roles: ['EXECUTIVE' as const] }

export const ScenarioRunStatusEnum = builder.enumType('ScenarioRunStatus', {
  description: 'QUEUED (waiting for a runner) -> RUNNING -> SUCCEEDED (report kept) | FAILED (error kept); QUEUED or RUNNING -> CANCELLED by a user.',
  values: ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const,
})

const ScenarioPolicyEnum = builder.enumType('ScenarioPolicy', {
  description: "HUB: the hub's real rules. NAIVE: the documented common-practice baseline, through the same engine.",
  values: { HUB: { value: 'hub' }, NAIVE: { value: 'naive' } } as const,
})
const ScenarioKpiUnitEnum = builder.enumType('ScenarioKpiUnit', { values: ['COUNT', 'RATE', 'HOURS', 'DAYS'] as const })
const ScenarioKpiDirectionEnum = builder.enumType('ScenarioKpiDirection', {
  description: 'Which way a KPI is better: LOWER (oversold units), HIGHER (on-time rate), NEITHER (exceptions found).',
  values: ['LOWER', 'HIGHER', 'NEITHER'] as const,
})
const ScenarioWinnerEnum = builder.enumType('ScenarioWinner', {
  description: 'The better side of one KPI by its direction: HUB, NAIVE, EVEN, or NONE (no direction, or a value missing).',
  values: ['HUB', 'NAIVE', 'EVEN', 'NONE'] as const,
})

const ScenarioParamsRef = builder.objectRef<ScenarioParams>('ScenarioParams').implement({
  description: 'What the run asked of the simulator.',
  fields: (t) => ({
    scenario: t.exposeString('scenario'),
    days: t.exposeInt('days', { description: 'Simulated days, per policy.' }),
    seed: t.exposeInt('seed', { description: 'Same seed and parameters, same report.' }),
    promoMultiplier: t.exposeFloat('promoMultiplier', { description: "Demand multiplier on the promotion's days." }),
    feedIntervalHours: t.exposeInt('feedIntervalHours', { description: 'Hours between two 3PL stock files.' }),
    supplierDelayDays: t.exposeInt('supplierDelayDays', { description: 'Days the late supplier runs behind its promise.' }),
  }),
})

interface ProgressShape {
  fraction: number
  policy: string | null
  day: number
  days: number
}
const ScenarioRunProgressRef = builder.objectRef<ProgressShape>('ScenarioRunProgress').implement({
  fields: (t) => ({
    fraction: t.exposeFloat('fraction', { description: 'Share of the whole run done (both policies), 0..1.' }),
    policy: t.field({ type: ScenarioPolicyEnum, nullable: true, description: 'The policy being simulated now.', resolve: (p) => (p.policy === 'hub' || p.policy === 'naive' ? p.policy : null) }),
    day: t.exposeInt('day', { description: 'Days of that policy simulated so far.' }),
    days: t.exposeInt('days'),
  }),
})

const ScenarioExceptionCountRef = builder.objectRef<{ type: string; count: number }>('ScenarioExceptionCount').implement({
  fields: (t) => ({ type: t.exposeString('type'), count: t.exposeInt('count') }),
})

type Kpis = ScenarioPolicyResult['kpis']
const ScenarioKpisRef = builder.objectRef<Kpis>('ScenarioKpis').implement({
  description: "One policy's KPIs, from the hub's own KPI definitions (rates are fractions 0..1).",
  fields: (t) => ({
    ...Object.fromEntries(
      SCENARIO_KPIS.map((kpi) => [
        kpi.name,
        t.float({ nullable: true, description: `${kpi.label} (${kpi.unit.toLowerCase()}; ${kpi.better.toLowerCase()} is better).`, resolve: (k) => (k[kpi.name] as number | null | undefined) ?? null }),
      ]),
    ),
    exceptionsByType: t.field({
      type: [ScenarioExceptionCountRef],
      description: 'Exceptions opened, per type.',
      resolve: (k) => Object.entries(k.exceptionsByType).sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => ({ type, count })),
    }),
  }),
})

const ScenarioDayRef = builder.objectRef<ScenarioPolicyResult['daily'][number]>('ScenarioDay').implement({
  fields: (t) => ({
    day: t.string({ description: 'Simulated day, YYYY-MM-DD.', resolve: (d) => d.day }),
    customers: t.int({
      nullable: true,
      description: 'Customers who came to buy that day, the same under both policies (null in runs kept before it was reported).',
      resolve: (d) => (typeof d.customers === 'number' ? Math.round(d.customers) : null),
    }),
    orders: t.int({ description: 'Orders placed that day: fewer than customers where a channel listed none of the cart.', resolve: (d) => Math.round(d.orders) }),
    backlog: t.int({ description: 'Orders open at the end of the day.', resolve: (d) => Math.round(d.backlog) }),
    cancellations: t.int({ description: 'Orders cancelled that day.', resolve: (d) => Math.round(d.cancellations) }),
    onTimeRate: t.float({ nullable: true, description: 'Share of the orders shipped that day that shipped by their ship-by; null when none shipped.', resolve: (d) => d.onTimeRate }),
  }),
})

const ScenarioPolicyResultRef = builder.objectRef<ScenarioPolicyResult>('ScenarioPolicyResult').implement({
  fields: (t) => ({
    kpis: t.field({ type: ScenarioKpisRef, resolve: (r) => r.kpis }),
    daily: t.field({ type: [ScenarioDayRef], description: 'One row per simulated day.', resolve: (r) => r.daily }),
  }),
})

const ScenarioKpiComparisonRef = builder.objectRef<ScenarioKpiComparison>('ScenarioKpiComparison').implement({
  description: 'One KPI, hub beside naive, with the difference and the better side.',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The KPI\'s name in the report (oversoldUnits), or exceptions:<TYPE>.' }),
    label: t.exposeString('label'),
    unit: t.field({ type: ScenarioKpiUnitEnum, resolve: (c) => c.unit }),
    better: t.field({ type: ScenarioKpiDirectionEnum, resolve: (c) => c.better }),
    hub: t.float({ nullable: true, resolve: (c) => c.hub }),
    naive: t.float({ nullable: true, resolve: (c) => c.naive }),
    difference: t.float({ nullable: true, description: 'hub − naive.', resolve: (c) => c.difference }),
    winner: t.field({ type: ScenarioWinnerEnum, resolve: (c) => c.winner }),
  }),
})

const ScenarioReportRef = builder.objectRef<ScenarioReport>('ScenarioReport').implement({
  description: "The simulator's report: the same scenario through the hub's rules and through the naive baseline.",
  fields: (t) => ({
    hub: t.field({ type: ScenarioPolicyResultRef, resolve: (r) => r.hub }),
    naive: t.field({ type: ScenarioPolicyResultRef, resolve: (r) => r.naive }),
    comparison: t.field({ type: [ScenarioKpiComparisonRef], description: 'The KPI table, hub | naive | difference, in reading order.', resolve: (r) => compareScenarioPolicies(r) }),
    json: t.field({ type: 'JSON', description: 'The report as the simulator wrote it (what `--out FILE` writes).', resolve: (r) => r }),
  }),
})

export const ScenarioRun = builder.prismaNode('ScenarioRun', {
  id: { field: 'id' },
  nullable: true,
  authScopes: LAB,
  description: 'A simulator run started from the API (the Scenario lab): its parameters, live progress and, once it succeeded, the report.',
  fields: (t) => ({
    scenario: t.exposeString('scenario'),
    status: t.expose('status', { type: ScenarioRunStatusEnum }),
    nextStates: t.field({ type: [ScenarioRunStatusEnum], select: { status: true }, resolve: (r) => [...scenarioRunMachine.nextStates(r.status)] }),
    params: t.field({ type: ScenarioParamsRef, select: { params: true }, resolve: (r) => r.params as unknown as ScenarioParams }),
    progress: t.field({
      type: ScenarioRunProgressRef,
      select: { progress: true, progressPolicy: true, progressDay: true, progressDays: true },
      resolve: (r) => ({ fraction: r.progress, policy: r.progressPolicy, day: r.progressDay, days: r.progressDays }),
    }),
    report: t.field({ type: ScenarioReportRef, nullable: true, select: { report: true }, resolve: (r) => (r.report as unknown as ScenarioReport | null) ?? null }),
    error: t.exposeString('error', { nullable: true, description: 'Why it FAILED.' }),
    cancelledBy: t.exposeString('cancelledBy', { nullable: true, description: 'Who CANCELLED it.' }),
    requestedBy: t.exposeString('requestedBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
  }),
})

builder.queryField('scenarioRuns', (t) =>
  t.prismaConnection(
    {
      type: 'ScenarioRun',
      cursor: 'id',
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      authScopes: LAB,
      description: 'Scenario runs, newest first. One run by id: node(id:).',
      resolve: (query, _r, _args, ctx) => ctx.prisma.scenarioRun.findMany({ ...query, orderBy: { id: 'desc' } }),
      totalCount: (_p, _args, ctx) => ctx.prisma.scenarioRun.count(),
    },
    { name: 'ScenarioRunConnection' },
    { name: 'ScenarioRunEdge' },
  ),
)

const StartScenarioRunInput = builder.inputType('StartScenarioRunInput', {
  fields: (t) => ({
    days: t.int({ description: 'Simulated days per policy, 1..60.' }),
    promoMultiplier: t.float({ description: "Demand multiplier on the promotion's days, 1..10." }),
    feedIntervalHours: t.int({ description: 'Hours between two 3PL stock files, 1..48.' }),
    supplierDelayDays: t.int({ description: 'Days the late supplier runs behind its promise, 0..30.' }),
    seed: t.int({ description: 'Seed of every random draw, 0..2147483647: same seed and parameters, same report.' }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
})

const StartScenarioRunPayload = builder.simpleObject('StartScenarioRunPayload', {
  fields: (t) => ({ scenarioRun: t.field({ type: ScenarioRun, nullable: true }), userErrors: t.field({ type: [UserError] }) }),
})

builder.mutationField('startScenarioRun', (t) =>
  t.field({
    type: StartScenarioRunPayload,
    description:
      'Queues a promo-spike simulator run (hub vs naive) with these parameters; a runner of the API works it, one run at a time per ' +
      'instance. Watch it with scenarioRunUpdated. Parameters out of bounds: INVALID_INPUT, nothing queued.',
    authScopes: LAB,
    args: { input: t.arg({ type: StartScenarioRunInput }) },
    resolve: (_r, { input }, ctx) =>
      runKeyedMutation(
        ctx,
        'startScenarioRun',
        input,
        (tx) =>
          startScenarioRun(
            tx,
            { days: input.days, promoMultiplier: input.promoMultiplier, feedIntervalHours: input.feedIntervalHours, supplierDelayDays: input.supplierDelayDays, seed: input.seed },
            requireActor(ctx),
          ),
        // A replayed key answers with the run as it stands now, not as it was queued.
        async (run) => ({ scenarioRun: await ctx.prisma.scenarioRun.findUnique({ where: { id: run.id } }) }),
      ),
  }),
)

const CancelScenarioRunInput = builder.inputType('CancelScenarioRunInput', {
  fields: (t) => ({
    id: t.globalID({ for: ScenarioRun, description: 'The run to cancel.' }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
})

const CancelScenarioRunPayload = builder.simpleObject('CancelScenarioRunPayload', {
  fields: (t) => ({ scenarioRun: t.field({ type: ScenarioRun, nullable: true }), userErrors: t.field({ type: [UserError] }) }),
})

builder.mutationField('cancelScenarioRun', (t) =>
  t.field({
    type: CancelScenarioRunPayload,
    description:
      'Cancels a QUEUED or RUNNING scenario run: no runner takes it any more, and a running simulator is stopped within a few ' +
      'seconds (its runner\'s next heartbeat). A finished run: ILLEGAL_TRANSITION; an unknown one: NOT_FOUND.',
    authScopes: LAB,
    args: { input: t.arg({ type: CancelScenarioRunInput }) },
    resolve: (_r, { input }, ctx) =>
      runKeyedMutation(
        ctx,
        'cancelScenarioRun',
        input,
        (tx) => cancelScenarioRun(tx, { runId: Number(input.id.id) }, requireActor(ctx)),
        async (run) => ({ scenarioRun: await ctx.prisma.scenarioRun.findUnique({ where: { id: run.id } }) }),
      ),
  }),
)

builder.subscriptionField('scenarioRunUpdated', (t) =>
  t.prismaField({
    type: 'ScenarioRun',
    description: 'One scenario run, pushed now and again on every change (claimed, each simulated day, finished). A burst yields the newest state.',
    authScopes: LAB,
    args: { id: t.arg.globalID({ for: ScenarioRun }) },
    subscribe: async (_root, args, ctx) => {
      const runId = Number(args.id.id)
      const run = await ctx.prisma.scenarioRun.findUnique({ where: { id: runId }, select: { id: true } })
      if (!run) throw new GraphQLError(`Unknown scenario run "${args.id.id}"`, { extensions: { code: 'NOT_FOUND', field: 'id' } })
      const events = ctx.pubsub.subscribe(ctx.live.outboxTopic)
      return new Repeater<number>(async (push, stop) => {
        void push(runId)
        void (async () => {
          for await (const event of events as AsyncIterable<OutboxEventLike>) {
            if (event.aggregateType === 'ScenarioRun' && event.aggregateId === runId) void push(runId)
          }
        })().catch(stop)
        await stop
        await (events as AsyncIterableIterator<unknown>).return?.()
      }, new SlidingBuffer(1))
    },
    resolve: (query, runId, _args, ctx) => ctx.prisma.scenarioRun.findUniqueOrThrow({ ...query, where: { id: runId as number } }),
  }),
)
