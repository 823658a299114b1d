import {
  approveReplenishmentSuggestions,
  generateReplenishmentSuggestions,
  openSuggestionsOrder,
  rejectReplenishmentSuggestion,
  type ReplenishmentRun,
} from '@ops-hub/domain'
import type { Prisma, ReorderSuggestionModel } from '@ops-hub/db'
import { GraphQLError } from 'graphql'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import { requireActor, runMutation, UserError } from '../../errors.ts'
import { AbcClassEnum } from '../catalog/sku.ts'
import { PurchaseOrder } from './purchase-order.ts'
import { LeadTimeBasisEnum } from './supplier.ts'

export const SuggestionStatusEnum = builder.enumType('ReplenishmentSuggestionStatus', {
  description: 'OPEN (at most one per SKU × node) -> CONVERTED (approved into a draft PO) | REJECTED | EXPIRED (a later run found it no longer due).',
  values: ['OPEN', 'APPROVED', 'REJECTED', 'CONVERTED', 'EXPIRED'] as const,
})

type Explanation = ReorderSuggestionModel

const Explanation = builder.objectRef<Explanation>('ReplenishmentExplanation').implement({
  description:
    'Every number behind a suggestion, unrounded. safetyStock = z·sqrt(L·σd² + d²·σL²); reorderPoint = d·L + safetyStock; ' +
    'orderUpTo = reorderPoint + d·reviewPeriodDays; inventoryPosition = onHand − damaged − qualityControl + incoming + inTransit − reserved − backordered; ' +
    'unroundedQuantity = orderUpTo − inventoryPosition; suggestedQuantity = ceil(max(ceil(unroundedQuantity), moq) / packSize) × packSize.',
  fields: (t) => ({
    dailyDemandMean: t.exposeFloat('dailyDemandMean', { description: 'd: units ordered per day over the window, days without orders counting as 0.' }),
    dailyDemandStdDev: t.exposeFloat('dailyDemandStdDev', { description: 'σd: sample standard deviation of the daily demand.' }),
    demandWindowDays: t.exposeInt('demandWindowDays', { description: 'Setting procurement.demandWindowDays.' }),
    demandDaysObserved: t.exposeInt('demandDaysObserved', { description: 'Days the mean is over: the window, or fewer for a SKU newer than it.' }),
    leadTimeMeanDays: t.exposeFloat('leadTimeMeanDays', { description: 'L.' }),
    leadTimeStdDevDays: t.exposeFloat('leadTimeStdDevDays', { description: 'σL.' }),
    leadTimeBasis: t.expose('leadTimeBasis', { type: LeadTimeBasisEnum }),
    leadTimeSamples: t.exposeInt('leadTimeSamples'),
    abcClass: t.expose('abcClass', { type: AbcClassEnum }),
    serviceLevel: t.exposeFloat('serviceLevel', { description: 'Target cycle service level of the SKU\'s ABC class, as a fraction (0.98).' }),
    z: t.exposeFloat('serviceLevelZ', { description: 'z = Φ⁻¹(serviceLevel) (inverse standard normal CDF).' }),
    safetyStock: t.exposeFloat('safetyStock'),
    reorderPoint: t.exposeFloat('reorderPoint'),
    orderUpTo: t.exposeFloat('orderUpTo'),
    reviewPeriodDays: t.exposeFloat('reviewPeriodDays', { description: 'Setting procurement.reviewPeriodDays.' }),
    inventoryPosition: t.exposeInt('inventoryPosition'),
    onHand: t.exposeInt('onHand'),
    damaged: t.exposeInt('damaged'),
    qualityControl: t.exposeInt('qualityControl'),
    reserved: t.exposeInt('reserved'),
    incoming: t.exposeInt('incoming'),
    inTransit: t.exposeInt('inTransit'),
    backordered: t.exposeInt('backordered', { description: 'Units of backordered order lines charged to this node.' }),
    moq: t.exposeInt('minimumOrderQuantity'),
    packSize: t.exposeInt('packSize'),
    unroundedQuantity: t.exposeFloat('unroundedQuantity'),
  }),
})

const SuggestionRisk = builder.objectRef<Explanation>('ReplenishmentSuggestionRisk').implement({
  description: 'The stockout risk when the suggestion was planned: P = 1 − Φ((IP − d·L) / sqrt(L·σd² + d²·σL²)).',
  fields: (t) => ({
    probability: t.float({ resolve: (s) => s.stockoutProbability ?? 0 }),
    expectedShortageUnits: t.exposeFloat('expectedShortageUnits'),
    horizonDays: t.exposeFloat('leadTimeMeanDays'),
  }),
})

export const ReplenishmentSuggestion = builder.prismaNode('ReorderSuggestion', {
  name: 'ReplenishmentSuggestion',
  id: { field: 'id' },
  nullable: true,
  authScopes: { staff: true },
  description: 'A proposal to reorder one SKU for one node, with its whole explanation.',
  fields: (t) => ({
    sku: t.relation('sku'),
    location: t.relation('location'),
    supplier: t.relation('supplier'),
    status: t.expose('status', { type: SuggestionStatusEnum }),
    suggestedQuantity: t.exposeInt('suggestedQuantity'),
    needBy: t.expose('needBy', {
      type: 'DateTime',
      nullable: true,
      description: 'When the position runs out at the mean demand rate (now + IP / d): the latest arrival that avoids a stockout.',
    }),
    stockoutRisk: t.field({ type: SuggestionRisk, resolve: (s) => s }),
    explanation: t.field({ type: Explanation, resolve: (s) => s }),
    purchaseOrder: t.relation('purchaseOrder', { nullable: true, description: 'The draft PO it was approved into.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    plannedAt: t.expose('plannedAt', { type: 'DateTime', nullable: true, description: 'The planning run that last wrote its figures.' }),
    decidedBy: t.exposeString('decidedBy', { nullable: true }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
    decisionNote: t.exposeString('decisionNote', { nullable: true }),
  }),
})

type SuggestionArgs = { locationCode?: string | null; status?: string[] | null }
function suggestionWhere(args: SuggestionArgs): Prisma.ReorderSuggestionWhereInput {
  return {
    ...(args.locationCode ? { location: { code: args.locationCode } } : {}),
    ...(args.status?.length ? { status: { in: args.status as never } } : {}),
  }
}

builder.queryField('replenishmentSuggestions', (t) =>
  t.prismaConnection(
    {
      type: 'ReorderSuggestion',
      cursor: 'id',
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      authScopes: { staff: true },
      description: 'Ranked by stockout risk (then expected shortage). Default: OPEN ones.',
      args: {
        locationCode: t.arg.string({ required: false }),
        status: t.arg({ type: [SuggestionStatusEnum], required: false, description: 'Default [OPEN].' }),
      },
      resolve: (query, _r, args, ctx) =>
        ctx.prisma.reorderSuggestion.findMany({ ...query, where: suggestionWhere({ ...args, status: args.status ?? ['OPEN'] }), orderBy: openSuggestionsOrder() }),
      totalCount: (_p, args, ctx) => ctx.prisma.reorderSuggestion.count({ where: suggestionWhere({ ...args, status: args.status ?? ['OPEN'] }) }),
    },
    { name: 'ReplenishmentSuggestionConnection' },
    { name: 'ReplenishmentSuggestionEdge' },
  ),
)

const RunRef = builder.objectRef<ReplenishmentRun>('ReplenishmentRun').implement({
  description: 'What one planning pass did.',
  fields: (t) => ({
    planned: t.exposeInt('planned', { description: 'Positions planned (fulfilment nodes, SKUs with an active supplier).' }),
    due: t.exposeInt('due', { description: 'Below their reorder point with no purchase order in progress: the OPEN suggestions now.' }),
    created: t.exposeInt('created'),
    updated: t.exposeInt('updated'),
    expired: t.exposeInt('expired'),
    risksOpened: t.exposeInt('risksOpened', { description: 'REPLENISHMENT_RISK exceptions opened.' }),
    risksResolved: t.exposeInt('risksResolved'),
  }),
})

const GeneratePayload = builder.simpleObject('GenerateReplenishmentSuggestionsPayload', {
  fields: (t) => ({
    run: t.field({ type: RunRef, nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})
builder.objectFields(GeneratePayload, (t) => ({
  suggestions: t.prismaField({
    type: ['ReorderSuggestion'],
    description: 'The OPEN suggestions of the run\'s scope, most at risk first (at most `first`, <= 100).',
    args: { first: t.arg.int({ required: false, defaultValue: DEFAULT_PAGE_SIZE }) },
    resolve: (query, payload, args, ctx) => {
      if (!payload.run) return []
      const first = args.first ?? DEFAULT_PAGE_SIZE
      if (first < 0 || first > MAX_PAGE_SIZE) throw new GraphQLError(`first must be between 0 and ${MAX_PAGE_SIZE}`, { extensions: { code: 'PAGE_SIZE_EXCEEDED' } })
      return ctx.prisma.reorderSuggestion.findMany({
        ...query,
        where: { status: 'OPEN', ...(payload.run.locationId !== null ? { locationId: payload.run.locationId } : {}) },
        orderBy: openSuggestionsOrder(),
        take: first,
      })
    },
  }),
}))

const GenerateInput = builder.inputType('GenerateReplenishmentSuggestionsInput', {
  fields: (t) => ({ locationCode: t.string({ required: false, description: 'One fulfilment node; omit for every node.' }) }),
})
const ApproveInput = builder.inputType('ApproveReplenishmentSuggestionsInput', {
  fields: (t) => ({
    suggestionIds: t.globalIDList({ for: ReplenishmentSuggestion }),
    idempotencyKey: t.string({ required: false, description: 'Sending the same key again returns the same purchase orders; another selection under it is refused.' }),
  }),
})
const RejectInput = builder.inputType('RejectReplenishmentSuggestionInput', {
  fields: (t) => ({ suggestionId: t.globalID({ for: ReplenishmentSuggestion }), reason: t.string({ required: false }) }),
})

builder.mutationFields((t) => ({
  generateReplenishmentSuggestions: t.field({
    type: GeneratePayload,
    description: 'Plans now (the nightly job and reservations do it too): one OPEN suggestion per SKU × node below its reorder point, updated in place.',
    authScopes: { roles: ['PROCUREMENT'] },
    args: { input: t.arg({ type: GenerateInput, required: false }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(ctx, (tx) => generateReplenishmentSuggestions(tx, { locationCode: input?.locationCode }, requireActor(ctx)), (run) => ({ run })),
  }),
  approveReplenishmentSuggestions: t.field({
    type: builder.simpleObject('ApproveReplenishmentSuggestionsPayload', {
      fields: (f) => ({ purchaseOrders: f.field({ type: [PurchaseOrder] }), userErrors: f.field({ type: [UserError] }) }),
    }),
    description: 'OPEN suggestions -> draft purchase orders, one per supplier × destination; the suggestions become CONVERTED.',
    authScopes: { roles: ['PROCUREMENT'] },
    args: { input: t.arg({ type: ApproveInput }) },
    resolve: async (_r, { input }, ctx) => {
      const result = await runMutation(
        ctx,
        (tx) => approveReplenishmentSuggestions(tx, { suggestionIds: input.suggestionIds.map((g) => Number(g.id)), idempotencyKey: input.idempotencyKey }, requireActor(ctx)),
        ({ purchaseOrders }) => ({ purchaseOrders }),
      )
      return { ...result, purchaseOrders: result.userErrors.length ? [] : result.purchaseOrders }
    },
  }),
  rejectReplenishmentSuggestion: t.field({
    type: builder.simpleObject('RejectReplenishmentSuggestionPayload', {
      fields: (f) => ({ suggestion: f.field({ type: ReplenishmentSuggestion, nullable: true }), userErrors: f.field({ type: [UserError] }) }),
    }),
    authScopes: { roles: ['PROCUREMENT'] },
    args: { input: t.arg({ type: RejectInput }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(ctx, (tx) => rejectReplenishmentSuggestion(tx, { suggestionId: Number(input.suggestionId.id), reason: input.reason }, requireActor(ctx)), (suggestion) => ({ suggestion })),
  }),
}))
