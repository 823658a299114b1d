import {
  KPI_DEFINITIONS, KPI_GROUP_BY, computeKpis,
  type BackorderKpi, type CancellationKpi, type KpiDuration, type KpiGroup, type KpiName, type KpiReport, type KpiValue,
} from '@ops-hub/analytics'
import { builder } from '../../builder.ts'

/** Who reads KPIs: every internal team (partners see their own orders through other fields, not the business's KPIs). */
export const KPI_SCOPES = { staff: true } as const

export const KpiGroupByEnum = builder.enumType('KpiGroupBy', {
  description: 'How a KPI report is split: one group, one per local calendar day or (Monday-first) week, per sales channel, or per node.',
  values: KPI_GROUP_BY,
})
export const KpiStatusEnum = builder.enumType('KpiStatus', {
  description: 'ON_TARGET: at least as good as the target. WATCH: between the target and the WATCH floor. OFF_TARGET: worse than the floor.',
  values: ['ON_TARGET', 'WATCH', 'OFF_TARGET'] as const,
})
export const KpiBetterEnum = builder.enumType('KpiBetter', {
  description: 'Which way is good for the KPI: HIGHER (rates of good outcomes) or LOWER (delays, failures, costs).',
  values: ['HIGHER', 'LOWER'] as const,
})
const KpiUnitEnum = builder.enumType('KpiUnit', {
  description: 'What a KPI value is: a ratio 0..1, hours (a p90), or a count per 1,000 units shipped.',
  values: { RATIO: { value: 'ratio' }, HOURS: { value: 'hours' }, PER_1000_UNITS: { value: 'per1000Units' } } as const,
})

export const KpiValueRef = builder.interfaceRef<KpiValue>('KpiValue').implement({
  description:
    'One KPI of one group, with the counts it is made of (recompute value from numerator and denominator), its target and ' +
    'WATCH floor (setting kpi.targets), how it compares, and its value over the previous period.',
  resolveType: (v) => ('p50Hours' in v ? 'KpiDuration' : 'byReason' in v ? 'CancellationKpi' : 'backorderedUnits' in v ? 'BackorderKpi' : 'KpiRate'),
  fields: (t) => ({
    value: t.exposeFloat('value', { nullable: true, description: 'Null when the period holds nothing to measure; unavailableReason says why.' }),
    numerator: t.exposeFloat('numerator'),
    denominator: t.exposeFloat('denominator'),
    target: t.exposeFloat('target'),
    watch: t.exposeFloat('watch', { description: 'Past this the KPI is OFF_TARGET; between it and the target, WATCH.' }),
    better: t.field({ type: KpiBetterEnum, resolve: (v) => v.better }),
    status: t.field({ type: KpiStatusEnum, nullable: true, resolve: (v) => v.status }),
    previousPeriodValue: t.exposeFloat('previousPeriodValue', {
      nullable: true,
      description: 'The same KPI over the period just before (the equally long window before `from`; for DAY/WEEK groups, the bucket before).',
    }),
    unavailableReason: t.exposeString('unavailableReason', { nullable: true }),
  }),
})

const KpiRate = builder.objectRef<KpiValue>('KpiRate').implement({ interfaces: [KpiValueRef], description: 'A ratio (or, for manual adjustments, a rate per 1,000 units).' })

const KpiDurationRef = builder.objectRef<KpiDuration>('KpiDuration').implement({
  interfaces: [KpiValueRef],
  description: 'A duration in hours: its median, 90th percentile (the value judged against the target) and mean.',
  fields: (t) => ({
    p50Hours: t.exposeFloat('p50Hours', { nullable: true }),
    p90Hours: t.exposeFloat('p90Hours', { nullable: true }),
    meanHours: t.exposeFloat('meanHours', { nullable: true, description: 'numerator (total hours) / denominator.' }),
  }),
})

const CancellationReason = builder.objectRef<CancellationKpi['byReason'][number]>('CancellationReasonCount').implement({
  fields: (t) => ({ reason: t.exposeString('reason'), orders: t.exposeInt('orders') }),
})
const CancellationKpiRef = builder.objectRef<CancellationKpi>('CancellationKpi').implement({
  interfaces: [KpiValueRef],
  fields: (t) => ({ byReason: t.field({ type: [CancellationReason], description: 'Cancelled orders by the reason given, most frequent first.', resolve: (v) => v.byReason }) }),
})
const BackorderKpiRef = builder.objectRef<BackorderKpi>('BackorderKpi').implement({
  interfaces: [KpiValueRef],
  fields: (t) => ({ backorderedUnits: t.exposeInt('backorderedUnits', { description: 'Units those orders were short when first allocated.' }) }),
})

const described = (name: KpiName) => ({ description: KPI_DEFINITIONS[name].definition })

export const KpiGroupRef = builder.objectRef<KpiGroup>('KpiGroup').implement({
  fields: (t) => ({
    key: t.exposeString('key', { description: "'ALL'; a local date (DAY; WEEK: its Monday); a channel or node code; 'UNROUTED' for orders no node took." }),
    label: t.exposeString('label'),
    from: t.field({ type: 'DateTime', resolve: (g) => g.from, description: "The group's own window (a DAY/WEEK bucket clipped to the report's)." }),
    to: t.field({ type: 'DateTime', resolve: (g) => g.to }),
    orderCycleTime: t.field({ type: KpiDurationRef, ...described('orderCycleTime'), resolve: (g) => g.orderCycleTime }),
    onTimeShipmentRate: t.field({ type: KpiRate, ...described('onTimeShipmentRate'), resolve: (g) => g.onTimeShipmentRate }),
    otifRate: t.field({ type: KpiRate, ...described('otifRate'), resolve: (g) => g.otifRate }),
    cancellationRate: t.field({ type: CancellationKpiRef, ...described('cancellationRate'), resolve: (g) => g.cancellationRate }),
    inventoryRecordAccuracy: t.field({ type: KpiRate, ...described('inventoryRecordAccuracy'), resolve: (g) => g.inventoryRecordAccuracy }),
    backorderRate: t.field({ type: BackorderKpiRef, ...described('backorderRate'), resolve: (g) => g.backorderRate }),
    replenishmentLeadTimeAdherence: t.field({ type: KpiRate, ...described('replenishmentLeadTimeAdherence'), resolve: (g) => g.replenishmentLeadTimeAdherence }),
    warehouseExceptionRate: t.field({ type: KpiRate, ...described('warehouseExceptionRate'), resolve: (g) => g.warehouseExceptionRate }),
    returnProcessingTime: t.field({ type: KpiDurationRef, ...described('returnProcessingTime'), resolve: (g) => g.returnProcessingTime }),
    manualAdjustmentFrequency: t.field({ type: KpiRate, ...described('manualAdjustmentFrequency'), resolve: (g) => g.manualAdjustmentFrequency }),
  }),
})

const KpiDefinition = builder.objectRef<{ name: KpiName }>('KpiDefinition').implement({
  description: 'What a KPI measures, as the report computes it.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The KpiGroup field it is reported in.' }),
    label: t.string({ resolve: (d) => KPI_DEFINITIONS[d.name].label }),
    unit: t.field({ type: KpiUnitEnum, resolve: (d) => KPI_DEFINITIONS[d.name].unit }),
    definition: t.string({ resolve: (d) => KPI_DEFINITIONS[d.name].definition }),
  }),
})

export const KpiReportRef = builder.objectRef<KpiReport>('KpiReport').implement({
  description: 'The KPIs of a window, split by `groupBy`, each against its target and the previous period.',
  fields: (t) => ({
    asOf: t.field({ type: 'DateTime', resolve: (r) => r.asOf }),
    from: t.field({ type: 'DateTime', resolve: (r) => r.from }),
    to: t.field({ type: 'DateTime', resolve: (r) => r.to }),
    previousFrom: t.field({ type: 'DateTime', resolve: (r) => r.previousFrom, description: 'Start of the previous period the values are compared with (it ends at `from`).' }),
    groupBy: t.field({ type: KpiGroupByEnum, resolve: (r) => r.groupBy }),
    timeZone: t.exposeString('timeZone'),
    channelCode: t.exposeString('channelCode', { nullable: true }),
    locationCode: t.exposeString('locationCode', { nullable: true }),
    groups: t.field({ type: [KpiGroupRef], resolve: (r) => r.groups }),
    definitions: t.field({ type: [KpiDefinition], resolve: () => (Object.keys(KPI_DEFINITIONS) as KpiName[]).map((name) => ({ name })) }),
  }),
})

const KpisInput = builder.inputType('KpisInput', {
  fields: (t) => ({
    from: t.field({ type: 'DateTime', description: 'Start of the window (inclusive).' }),
    to: t.field({ type: 'DateTime', description: 'End of the window (exclusive).' }),
    channelCode: t.string({ required: false, description: 'Only this sales channel (KPIs of stock and suppliers are then null, with the reason).' }),
    locationCode: t.string({ required: false, description: 'Only this node.' }),
    groupBy: t.field({ type: KpiGroupByEnum, required: false, defaultValue: 'NONE' }),
    timeZone: t.string({ required: false, description: 'IANA zone whose calendar DAY and WEEK follow (default UTC).' }),
  }),
})

builder.queryField('kpis', (t) =>
  t.field({
    type: KpiReportRef,
    authScopes: KPI_SCOPES,
    description: 'The KPIs leaders track, each a grouped aggregate in the database, with its definition, counts, target, status and trend.',
    args: { input: t.arg({ type: KpisInput }) },
    resolve: (_root, { input }, ctx) => computeKpis(ctx.prisma, input),
  }),
)
