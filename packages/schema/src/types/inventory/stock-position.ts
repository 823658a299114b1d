import { availableOf } from '@ops-hub/domain'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import { InventoryEventTypeEnum } from './inventory-event.ts'

export const StockPosition = builder.prismaNode('StockPosition', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { staff: true },
  fields: (t) => ({
    sku: t.relation('sku'),
    location: t.relation('location'),
    onHand: t.exposeInt('onHand', { description: 'Units physically at the node, including damaged and QC units.' }),
    reserved: t.exposeInt('reserved', { description: 'Units promised to open orders.' }),
    available: t.int({
      description: 'Sellable now: onHand - reserved - safetyStock - damaged - qualityControl, never negative.',
      select: { onHand: true, reserved: true, safetyStock: true, damaged: true, qualityControl: true },
      resolve: (p) => availableOf(p),
    }),
    damaged: t.exposeInt('damaged'),
    qualityControl: t.exposeInt('qualityControl'),
    incoming: t.exposeInt('incoming', { description: 'Units on open purchase orders to this node.' }),
    inTransit: t.exposeInt('inTransit', { description: 'Units on transfers travelling to this node.' }),
    safetyStock: t.exposeInt('safetyStock'),
    lastCountedAt: t.expose('lastCountedAt', { type: 'DateTime', nullable: true }),
    lastFeedAt: t.expose('lastFeedAt', { type: 'DateTime', nullable: true, description: 'As-of time of the last 3PL snapshot that covered it.' }),
    version: t.exposeInt('version', { description: 'Bumped on every bucket change.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    history: t.relatedConnection(
      'events',
      {
        description: 'The ledger of this position, newest first.',
        cursor: 'id',
        defaultSize: DEFAULT_PAGE_SIZE,
        maxSize: MAX_PAGE_SIZE,
        args: { type: t.arg({ type: [InventoryEventTypeEnum], required: false }) },
        query: (args) => ({ where: args.type?.length ? { type: { in: args.type } } : {}, orderBy: { id: 'desc' as const } }),
        totalCount: true,
      },
      { name: 'InventoryEventConnection' },
      { name: 'InventoryEventEdge' },
    ),
    adjustments: t.relatedConnection(
      'adjustments',
      { cursor: 'id', defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE, query: () => ({ orderBy: { id: 'desc' as const } }) },
      { name: 'StockPositionAdjustmentConnection' },
      { name: 'StockPositionAdjustmentEdge' },
    ),
    cycleCounts: t.relatedConnection(
      'cycleCounts',
      { cursor: 'id', defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE, query: () => ({ orderBy: { id: 'desc' as const } }) },
      { name: 'StockPositionCycleCountConnection' },
      { name: 'StockPositionCycleCountEdge' },
    ),
  }),
})

builder.queryFields((t) => ({
  stockPositions: t.prismaConnection({
    type: 'StockPosition',
    cursor: 'id',
    defaultSize: DEFAULT_PAGE_SIZE,
    maxSize: MAX_PAGE_SIZE,
    authScopes: { staff: true },
    args: {
      locationCode: t.arg.string({ required: false }),
      sku: t.arg.string({ required: false }),
      belowConfidence: t.arg.float({ required: false, description: 'Only positions whose confidence is below this; lowest first.' }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.stockPosition.findMany({
        ...query,
        where: positionFilter(args),
        orderBy: args.belowConfidence != null ? [{ confidence: 'asc' }, { id: 'asc' }] : { id: 'asc' },
      }),
    totalCount: (_p, args, ctx) => ctx.prisma.stockPosition.count({ where: positionFilter(args) }),
  }, { name: 'StockPositionConnection' }, { name: 'StockPositionEdge' }),
  stockPosition: t.prismaField({
    type: 'StockPosition',
    nullable: true,
    authScopes: { staff: true },
    args: { sku: t.arg.string(), locationCode: t.arg.string() },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.stockPosition.findFirst({ ...query, where: { sku: { code: args.sku }, location: { code: args.locationCode } } }),
  }),
}))

function positionFilter(args: { locationCode?: string | null; sku?: string | null; belowConfidence?: number | null }) {
  return {
    ...(args.belowConfidence != null ? { confidence: { lt: args.belowConfidence } } : {}),
    ...(args.locationCode ? { location: { code: args.locationCode } } : {}),
    ...(args.sku ? { sku: { code: args.sku } } : {}),
  }
}
