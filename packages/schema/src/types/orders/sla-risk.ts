import { rankByRisk, slaHistoryCache, slaRiskSettings, slaRisks, userError, type OpenOrderScope, type SlaRisk } from '@ops-hub/domain'
import { resolveOffsetConnection } from '@pothos/plugin-relay'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import type { Context } from '../../context.ts'
import { Order } from './order.ts'

const SlaRiskBasisLevelEnum = builder.enumType('SlaRiskBasisLevel', {
  description:
    'Which cell of the history the probability comes from, most specific first. A cell with fewer than orders.slaRisk.minObservations ' +
    'order-moments gives way to the next level: STATUS_NODE_SERVICE_TIME_QUEUE (status, node, service level, time-left band, release-queue position) -> ' +
    'STATUS_NODE_TIME_QUEUE (no service level) -> STATUS_TIME_QUEUE (no node) -> STATUS_TIME (no queue) -> TIME -> ALL (the base rate). ' +
    'PAST_SHIP_BY: the ship-by has passed with the order still open (probability 1). NO_HISTORY: nothing to learn from yet (probability null).',
  values: ['STATUS_NODE_SERVICE_TIME_QUEUE', 'STATUS_NODE_TIME_QUEUE', 'STATUS_TIME_QUEUE', 'STATUS_TIME', 'TIME', 'ALL', 'PAST_SHIP_BY', 'NO_HISTORY'] as const,
})

const SlaRiskBasis = builder.objectRef<SlaRisk['basis']>('SlaRiskBasis').implement({
  description:
    'The history behind a probability: probability = (misses + pseudoCount x priorRate) / (observations + pseudoCount), where priorRate is the ' +
    'same estimate one level coarser (the top level, ALL, is its plain rate misses / observations).',
  fields: (t) => ({
    level: t.expose('level', { type: SlaRiskBasisLevelEnum }),
    cell: t.exposeString('cell', { description: 'The cell in words, e.g. "status RELEASED, node MAIN, STANDARD, 2-4 h left, released".' }),
    observations: t.exposeInt('observations', { description: 'Order-moments in the cell: orders open at an origin of the history grid (every stepHours).' }),
    misses: t.exposeInt('misses', { description: 'Of those, the moments whose order was still open (not shipped in full, not cancelled) at its ship-by.' }),
    orders: t.exposeInt('orders', { description: 'Distinct orders behind the moments (summed over the finest cells).' }),
    priorRate: t.exposeFloat('priorRate', { nullable: true, description: 'The next coarser level’s estimate the cell is shrunk toward.' }),
    pseudoCount: t.exposeFloat('pseudoCount', { description: 'Weight of the prior, in order-moments (orders.slaRisk.pseudoCount).' }),
    from: t.expose('from', { type: 'DateTime', description: 'Start of the history window.' }),
    to: t.expose('to', { type: 'DateTime', description: 'End of the history window: outcomes settled by then count.' }),
  }),
})

const SlaRiskTerm = builder.objectRef<SlaRisk['terms'][number]>('SlaRiskTerm').implement({
  description:
    'One input of the estimate as it stood for this order: status, node, serviceLevel, shipBy, hoursLeft, timeLeftBand, fulfillmentState, ' +
    'backlogAhead (fulfillment orders ahead of it in the node’s release queue), releaseRoomToday (capacity left before the next cut-off), ' +
    'dailyCapacity, releaseQueue (WITHIN_TODAY, NEXT_DAY, LATER, RELEASED, UNROUTED) and releaseRuleAtRisk (the release queue’s own rule: ship-by by the next cut-off).',
  fields: (t) => ({
    name: t.exposeString('name'),
    value: t.exposeString('value'),
    number: t.exposeFloat('number', { nullable: true, description: 'The number behind the value, when it is one.' }),
  }),
})

export const SlaRiskType = builder.objectRef<SlaRisk & { threshold: number }>('SlaRisk').implement({
  description:
    'Probability that an open order misses its promised ship-by (is still open then), learnt from the hub’s own history: the share of past ' +
    'order-moments in the same status, at the same node, with the same service level, time-left band and release-queue position that were still ' +
    'open at their ship-by.',
  fields: (t) => ({
    probability: t.exposeFloat('probability', { nullable: true, description: '0..1; null when the hub has no history yet.' }),
    atRisk: t.boolean({
      description: 'At or above orders.slaRisk.exceptionThreshold: the SHIP_BY_RISK job opens an exception for it.',
      resolve: (r) => r.probability !== null && r.probability >= r.threshold,
    }),
    threshold: t.exposeFloat('threshold', { description: 'orders.slaRisk.exceptionThreshold.' }),
    shipBy: t.expose('shipBy', { type: 'DateTime' }),
    basis: t.field({ type: SlaRiskBasis, resolve: (r) => r.basis }),
    terms: t.field({ type: [SlaRiskTerm], resolve: (r) => r.terms }),
  }),
})

// Risks ordersAtRisk already computed, so the page's Order.slaRisk does not read them again.
const primed = new WeakMap<Context, Map<number, SlaRisk & { threshold: number }>>()

async function assess(ctx: Context, scope: OpenOrderScope): Promise<Array<SlaRisk & { threshold: number }>> {
  const now = new Date()
  const settings = await slaRiskSettings(ctx.prisma)
  const history = await slaHistoryCache.get(ctx.db, ctx.prisma, now, settings)
  const risks = await slaRisks(ctx.prisma, scope, { asOf: now, history })
  return risks.map((r) => ({ ...r, threshold: settings.exceptionThreshold }))
}

builder.prismaObjectFields('Order', (t) => ({
  slaRisk: t.loadable({
    type: SlaRiskType,
    nullable: true,
    authScopes: { staff: true },
    description: 'Probability the order misses its ship-by, with its inputs and the history behind it. Null once the order is no longer open.',
    // One set-based read for every order of the page, whatever its size.
    load: async (ids: number[], ctx: Context) => {
      const known = primed.get(ctx)
      const missing = ids.filter((id) => !known?.has(id))
      const fresh = missing.length ? await assess(ctx, { orderIds: missing }) : []
      const byId = new Map([...(known ?? new Map()), ...fresh.map((r) => [r.orderId, r] as const)])
      return ids.map((id) => byId.get(id) ?? null)
    },
    resolve: (order) => order.id,
  }),
}))

builder.queryField('ordersAtRisk', (t) =>
  t.connection(
    {
      type: Order,
      authScopes: { staff: true },
      description:
        'Open orders ranked by their probability of missing the ship-by (Order.slaRisk), the most likely first, then the soonest ship-by. ' +
        'With locationCode: the orders with work at that node. Orders already past their ship-by rank first (probability 1).',
      args: {
        locationCode: t.arg.string({ required: false }),
        minProbability: t.arg.float({ required: false, description: 'Only orders at or above this probability.' }),
      },
      resolve: async (_root, args, ctx) => {
        let scope: OpenOrderScope = { all: true }
        if (args.locationCode) {
          const location = await ctx.prisma.location.findUnique({ where: { code: args.locationCode }, select: { id: true } })
          if (!location) throw userError('NOT_FOUND', `No location ${args.locationCode}`, ['locationCode'])
          scope = { locationId: location.id }
        }
        const min = args.minProbability ?? 0
        const ranked = rankByRisk((await assess(ctx, scope)).filter((r) => (r.probability ?? 0) >= min))
        primed.set(ctx, new Map(ranked.map((r) => [r.orderId, r])))
        const connection = await resolveOffsetConnection({ args, defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE }, async ({ offset, limit }) => {
          const page = ranked.slice(offset, offset + limit)
          const orders = new Map((await ctx.prisma.order.findMany({ where: { id: { in: page.map((r) => r.orderId) } } })).map((o) => [o.id, o]))
          return page.map((r) => orders.get(r.orderId)!).filter(Boolean)
        })
        return { ...connection, totalCount: ranked.length }
      },
    },
    {
      name: 'OrdersAtRiskConnection',
      fields: (c) => ({ totalCount: c.int({ description: 'Open orders in scope (at or above minProbability).', resolve: (conn) => (conn as unknown as { totalCount: number }).totalCount }) }),
    },
    { name: 'OrdersAtRiskEdge' },
  ),
)
