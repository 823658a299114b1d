import { positionStockoutRisks, rankStockoutRisks, type PositionRisk } from '@ops-hub/domain'
import { resolveOffsetConnection } from '@pothos/plugin-relay'
import { GraphQLError } from 'graphql'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import { StockPosition } from '../inventory/stock-position.ts'
import { LeadTimeBasisEnum } from './supplier.ts'

type Terms = PositionRisk['terms']

export const StockoutRiskTerms = builder.objectRef<Terms>('StockoutRiskTerms').implement({
  description: 'Every input of the stockout probability, unrounded, so it can be recomputed by hand.',
  fields: (t) => ({
    inventoryPosition: t.exposeInt('inventoryPosition', {
      description: 'IP = onHand − damaged − qualityControl + incoming + inTransit − reserved − backordered (damaged and QC-held units cannot fill demand).',
    }),
    onHand: t.exposeInt('onHand'),
    damaged: t.exposeInt('damaged'),
    qualityControl: t.exposeInt('qualityControl'),
    reserved: t.exposeInt('reserved'),
    incoming: t.exposeInt('incoming', { description: 'Units on sent purchase orders to this node.' }),
    inTransit: t.exposeInt('inTransit'),
    backordered: t.exposeInt('backordered', { description: 'Units of backordered order lines charged to this node.' }),
    dailyDemandMean: t.exposeFloat('dailyDemandMean', { description: 'd: units ordered per day over the demand window (days without orders count as 0).' }),
    dailyDemandStdDev: t.exposeFloat('dailyDemandStdDev', { description: 'σd: sample standard deviation of daily demand.' }),
    demandDaysObserved: t.exposeInt('demandDaysObserved'),
    leadTimeMeanDays: t.exposeFloat('leadTimeMeanDays', { description: 'L.' }),
    leadTimeStdDevDays: t.exposeFloat('leadTimeStdDevDays', { description: 'σL.' }),
    leadTimeBasis: t.expose('leadTimeBasis', { type: LeadTimeBasisEnum }),
    leadTimeSamples: t.exposeInt('leadTimeSamples'),
    leadTimeDemandMean: t.exposeFloat('leadTimeDemandMean', { description: 'μ_LTD = d·L.' }),
    leadTimeDemandStdDev: t.exposeFloat('leadTimeDemandStdDev', { description: 'σ_LTD = sqrt(L·σd² + d²·σL²).' }),
    k: t.exposeFloat('k', { nullable: true, description: 'k = (IP − μ_LTD) / σ_LTD; null when σ_LTD = 0 (P is then 1 if IP < μ_LTD, else 0).' }),
    reorderPoint: t.exposeFloat('reorderPoint', { description: 'ROP = μ_LTD + z·σ_LTD for the SKU\'s ABC service level.' }),
  }),
})

export const StockoutRiskRef = builder.objectRef<PositionRisk>('StockoutRisk').implement({
  description:
    'The probability of running out at this node before a new order could arrive: P = 1 − Φ((IP − μ_LTD) / σ_LTD), with μ_LTD = d·L and ' +
    'σ_LTD = sqrt(L·σd² + d²·σL²). Expected shortage = σ_LTD·G(k), G(k) = φ(k) − k·(1 − Φ(k)).',
  fields: (t) => ({
    probability: t.exposeFloat('probability'),
    expectedShortageUnits: t.exposeFloat('expectedShortageUnits'),
    horizonDays: t.exposeFloat('horizonDays', { description: 'The lead time L over which the risk is measured.' }),
    terms: t.field({ type: StockoutRiskTerms, resolve: (r) => r.terms }),
    openPurchaseOrders: t.exposeStringList('openPurchaseOrders', { description: 'Numbers of open purchase orders with a line for this SKU to this node.' }),
    stockPosition: t.field({
      type: StockPosition,
      nullable: true,
      resolve: (r, _a, ctx) => ctx.prisma.stockPosition.findUnique({ where: { id: r.positionId } }),
    }),
    sku: t.string({ description: 'SKU code.', resolve: (r) => r.skuCode }),
    skuName: t.exposeString('skuName'),
    locationCode: t.exposeString('locationCode'),
  }),
})

builder.prismaObjectFields('StockPosition', (t) => ({
  stockoutRisk: t.loadable({
    type: StockoutRiskRef,
    nullable: true,
    description: 'Null when no active supplier supplies the SKU (no lead time to plan against) or the location is not an active fulfilment node.',
    load: (ids: number[], ctx) => positionStockoutRisks(ctx.prisma, ids),
    resolve: (p) => p.id,
  }),
}))

builder.queryField('stockoutRisks', (t) =>
  t.connection(
    {
      type: StockoutRiskRef,
      authScopes: { roles: ['PROCUREMENT', 'OPERATIONS', 'EXECUTIVE'] },
      description: 'Positions ranked by stockout probability over their lead time (then expected shortage), one set-based pass.',
      args: { locationCode: t.arg.string({ required: false }) },
      resolve: async (_r, args, ctx) => {
        let locationId: number | null = null
        if (args.locationCode) {
          const location = await ctx.prisma.location.findUnique({ where: { code: args.locationCode }, select: { id: true } })
          if (!location) throw new GraphQLError(`No location ${args.locationCode}`, { extensions: { code: 'NOT_FOUND', field: 'locationCode' } })
          locationId = location.id
        }
        return resolveOffsetConnection({ args, defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE }, ({ limit, offset }) =>
          rankStockoutRisks(ctx.prisma, { locationId }, { limit, offset }),
        )
      },
    },
    { name: 'StockoutRiskConnection' },
    { name: 'StockoutRiskEdge' },
  ),
)
