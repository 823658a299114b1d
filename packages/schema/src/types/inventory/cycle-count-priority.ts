import { COUNT_PRIORITY_TERMS, cycleCountPriorities, userError, type CountPriorityTerm, type CycleCountPriority, type VarianceChance } from '@ops-hub/domain'
import type { StockPositionModel } from '@ops-hub/db'
import { resolveOffsetConnection } from '@pothos/plugin-relay'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import { StockPosition } from './stock-position.ts'

const CountPriorityTermNameEnum = builder.enumType('CountPriorityTermName', {
  description: 'The terms of a count priority (weights in setting inventory.countPriority.weights).',
  values: {
    lowConfidence: { value: 'lowConfidence', description: '1 - inventory confidence, on the inputs as they stand now.' },
    valueAtRisk: { value: 'valueAtRisk', description: 'log(1 + onHand x unit cost) / log(1 + valueScale), capped at 1.' },
    varianceHistory: {
      value: 'varianceHistory',
      description: '(earlier counts that found a variance + k x the location’s share) / (earlier counts + k), k = variancePseudoCounts.',
    },
    daysSinceCount: { value: 'daysSinceCount', description: 'Days since the last count (or since the position was set up) / daysForFull, capped at 1.' },
    anomalies: { value: 'anomalies', description: 'Anomaly-flagged adjustments since the last count / anomaliesForFull, capped at 1.' },
  } satisfies Record<(typeof COUNT_PRIORITY_TERMS)[number], { value: string; description: string }>,
})

const CountPriorityTermType = builder.objectRef<CountPriorityTerm>('CountPriorityTerm').implement({
  description: 'One term of a count priority: score = sum of contributions = sum of weight x value / sum of weights.',
  fields: (t) => ({
    name: t.field({ type: CountPriorityTermNameEnum, resolve: (x) => x.name }),
    value: t.exposeFloat('value', { description: '0..1: how strongly this term calls for a count.' }),
    weight: t.exposeFloat('weight'),
    contribution: t.exposeFloat('contribution', { description: 'weight x value / sum of weights.' }),
    input: t.exposeFloat('input', { description: 'The raw input: confidence, dollars on hand, earlier counts, days, flagged adjustments.' }),
    explanation: t.exposeString('explanation'),
  }),
})

const VarianceChanceType = builder.objectRef<VarianceChance>('CountVarianceChance').implement({
  description:
    'The chance that counting the position now finds a variance (counted differs from the book), read off a logistic curve of score fitted to ' +
    'the hub’s counts of the last calibrationDays, each scored as it stood just before it: probability = 1 / (1 + exp(-(intercept + slope x score))).',
  fields: (t) => ({
    probability: t.exposeFloat('probability', { nullable: true, description: 'Null until the location has past counts.' }),
    intercept: t.exposeFloat('intercept', { nullable: true }),
    slope: t.exposeFloat('slope', { nullable: true }),
    counts: t.exposeInt('counts', { description: 'Past counts the curve was fitted to.' }),
    countsWithVariance: t.exposeInt('countsWithVariance'),
  }),
})

type PriorityView = CycleCountPriority & { position: StockPositionModel }

const CycleCountPriorityType = builder.objectRef<PriorityView>('CycleCountPriority').implement({
  description: 'Where a stock position stands in the count queue: its score, every term with its weight, and the chance a count finds a variance.',
  fields: (t) => ({
    rank: t.exposeInt('rank', { description: '1 = count first.' }),
    score: t.exposeFloat('score', { description: '0..1: the sum of the terms’ contributions.' }),
    stockPosition: t.field({ type: StockPosition, resolve: (p) => p.position }),
    confidence: t.exposeFloat('confidence', { description: 'Inventory confidence now (scoreConfidence), the input of lowConfidence.' }),
    valueAtRisk: t.exposeFloat('valueAtRisk', { description: 'onHand x unit cost.' }),
    daysSinceCount: t.exposeFloat('daysSinceCount'),
    varianceChance: t.field({ type: VarianceChanceType, resolve: (p) => p.variance }),
    terms: t.field({ type: [CountPriorityTermType], resolve: (p) => p.terms }),
  }),
})

builder.queryField('cycleCountPriorities', (t) =>
  t.connection(
    {
      type: CycleCountPriorityType,
      authScopes: { staff: true },
      description:
        'Stock positions ranked by count priority, highest first (then the most value at risk, the longest uncounted): a weighted score of ' +
        'low confidence, value at risk, variance history, days since count and anomaly flags (setting inventory.countPriority). When more ' +
        'counts fall due than inventory.dailyCountCapacity allows, scheduleCycleCounts takes them from the top of this list.',
      args: { locationCode: t.arg.string({ required: false, description: 'Omit for every location (ranks are then across all of them).' }) },
      resolve: async (_root, args, ctx) => {
        let scope: Parameters<typeof cycleCountPriorities>[1] = { all: true }
        if (args.locationCode) {
          const location = await ctx.prisma.location.findUnique({ where: { code: args.locationCode }, select: { id: true } })
          if (!location) throw userError('NOT_FOUND', `No location ${args.locationCode}`, ['locationCode'])
          scope = { locationId: location.id }
        }
        const ranked = await cycleCountPriorities(ctx.prisma, scope)
        const connection = await resolveOffsetConnection({ args, defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE }, async ({ offset, limit }) => {
          const page = ranked.slice(offset, offset + limit)
          const positions = new Map((await ctx.prisma.stockPosition.findMany({ where: { id: { in: page.map((p) => p.positionId) } } })).map((p) => [p.id, p]))
          return page.flatMap((p) => (positions.has(p.positionId) ? [{ ...p, position: positions.get(p.positionId)! }] : []))
        })
        return { ...connection, totalCount: ranked.length }
      },
    },
    {
      name: 'CycleCountPriorityConnection',
      fields: (c) => ({ totalCount: c.int({ description: 'Positions ranked.', resolve: (conn) => (conn as unknown as { totalCount: number }).totalCount }) }),
    },
    { name: 'CycleCountPriorityEdge' },
  ),
)
