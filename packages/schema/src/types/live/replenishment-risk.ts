import { TOP_RISKS_KEPT, type ReplenishmentRiskSnapshot } from '@ops-hub/analytics'
import type { Role } from '@ops-hub/db'
import { builder } from '../../builder.ts'
import { StockoutRiskRef } from '../procurement/stockout-risk.ts'
import { locationScopeArg } from './subscription.ts'

/** Who may watch replenishment risk: those who buy, run the network or report on it. */
export const REPLENISHMENT_RISK_ROLES: Role[] = ['PROCUREMENT', 'OPERATIONS', 'EXECUTIVE']

export const ReplenishmentRiskSnapshotRef = builder.objectRef<ReplenishmentRiskSnapshot>('ReplenishmentRiskSnapshot').implement({
  description: 'Stockout risk across one node\'s planned positions (or all), as of `asOf`: recomputed when stock or purchase orders there change.',
  fields: (t) => ({
    asOf: t.field({ type: 'DateTime', resolve: (s) => s.asOf }),
    locationCode: t.exposeString('locationCode', { nullable: true }),
    threshold: t.exposeFloat('threshold', { description: 'Setting procurement.stockoutRiskThreshold.' }),
    positions: t.exposeInt('positions', { description: 'Positions planned (fulfilment nodes, SKUs with an active supplier).' }),
    atRisk: t.exposeInt('atRisk', { description: 'Positions whose stockout probability over their lead time is at or above the threshold.' }),
    top: t.field({
      type: [StockoutRiskRef],
      description: `The most at risk, highest probability first (at most ${TOP_RISKS_KEPT}).`,
      args: { first: t.arg.int({ required: false, defaultValue: TOP_RISKS_KEPT }) },
      resolve: (s, args) => s.top.slice(0, Math.max(0, Math.min(args.first ?? TOP_RISKS_KEPT, TOP_RISKS_KEPT))),
    }),
  }),
})

builder.queryField('replenishmentRisk', (t) =>
  t.field({
    type: ReplenishmentRiskSnapshotRef,
    authScopes: { roles: REPLENISHMENT_RISK_ROLES },
    args: { locationCode: t.arg.string({ required: false }) },
    resolve: async (_root, args, ctx) => ctx.live.current({ metric: 'replenishmentRisk', ...(await locationScopeArg(ctx, args.locationCode)) }),
  }),
)

builder.subscriptionField('replenishmentRisk', (t) =>
  t.field({
    type: ReplenishmentRiskSnapshotRef,
    description: 'Replenishment risk, pushed when stock or purchase orders at the node change (coalesced) and every 30 s.',
    authScopes: { roles: REPLENISHMENT_RISK_ROLES },
    args: { locationCode: t.arg.string({ required: false }) },
    subscribe: async (_root, args, ctx) => ctx.live.watch({ metric: 'replenishmentRisk', ...(await locationScopeArg(ctx, args.locationCode)) }),
    resolve: (snapshot) => snapshot as ReplenishmentRiskSnapshot,
  }),
)
