import { orderLookupWhere, TIMELINE_KINDS, LOOKUP_MIN_LENGTH, type OrderTimelineItem } from '@ops-hub/domain'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import { loaders } from '../../loaders.ts'
import { orderVisibility } from '../orders/order.ts'

export const TimelineEntryKindEnum = builder.enumType('TimelineEntryKind', {
  description:
    'ORDER: order status changes and notes. FULFILLMENT: a fulfillment order moving (wave, packed, shipped). WAREHOUSE: pick confirmations, short picks, failed pack checks. CARRIER: carrier milestones. RETURN: RMA steps and refunds. EXCEPTION: exceptions opened and resolved (staff only).',
  values: TIMELINE_KINDS,
})

const TimelineEntryRef = builder.objectRef<OrderTimelineItem>('TimelineEntry').implement({
  description: 'One thing that happened to an order.',
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime' }),
    kind: t.expose('kind', { type: TimelineEntryKindEnum }),
    title: t.exposeString('title'),
    detail: t.exposeString('detail', { nullable: true }),
    actor: t.exposeString('actor', { nullable: true, description: 'Who did it (user, warehouse, carrier:<name>, system); hidden from partners.' }),
  }),
})

builder.prismaObjectFields('Order', (t) => ({
  timeline: t.field({
    type: [TimelineEntryRef],
    description:
      'Everything that happened to the order, oldest first, in one list: order status changes, fulfillment steps (wave, packed, shipped), confirmed picks and short picks, failed pack checks, carrier milestones (late reports marked), return steps and refunds, exceptions opened and resolved. Partners see no exceptions and no actors.',
    select: { id: true },
    resolve: async (order, _args, ctx) => {
      const entries = await loaders(ctx).timeline.load(order.id)
      if (ctx.actor?.role !== 'PARTNER') return entries
      return entries.filter((e) => e.kind !== 'EXCEPTION').map((e) => ({ ...e, actor: null }))
    },
  }),
  promisedShipBy: t.expose('shipBy', {
    type: 'DateTime',
    nullable: true,
    description: "The ship-by promised at intake: the node's cut-off on the ship day its service level allows.",
  }),
  projectedShipDate: t.field({
    type: 'DateTime',
    nullable: true,
    description:
      "When the order is expected to ship, from where its fulfillment orders stand. Shipped: the actual time. PICKING/PACKED: the node's cut-off on its working day (today if before cut-off on a business day, else the next business day). RELEASED/OPEN: behind the node's queue - work ahead = unshipped fulfillment orders at the node further along, or at the same stage with higher priority or older - shipping floor(ahead / daily pick capacity) business days after the working day, at the cut-off. The order ships with its last fulfillment order. Null while on hold, unrouted or cancelled. See projectionBasis.",
    select: { id: true },
    resolve: async (order, _a, ctx) => (await loaders(ctx).projection.load(order.id)).projectedShipDate,
  }),
  projectedDeliveryDate: t.field({
    type: 'DateTime',
    nullable: true,
    description:
      "When the order is expected to arrive: delivered time once delivered; for shipped parts the shipment's carrier projection; for unshipped parts the projected ship day plus the service level's default transit business days (setting shipments.defaultTransitDays). The latest part wins.",
    select: { id: true },
    resolve: async (order, _a, ctx) => (await loaders(ctx).projection.load(order.id)).projectedDeliveryDate,
  }),
  projectionBasis: t.stringList({
    description: 'Why the projected dates are what they are, one sentence per fulfillment order or blocker (backorders, holds).',
    select: { id: true },
    resolve: async (order, _a, ctx) => (await loaders(ctx).projection.load(order.id)).basis,
  }),
}))

builder.queryField('orderLookup', (t) =>
  t.prismaConnection({
    type: 'Order',
    cursor: 'id',
    defaultSize: DEFAULT_PAGE_SIZE,
    maxSize: MAX_PAGE_SIZE,
    description: `Customer-service search: the fragment (at least ${LOOKUP_MIN_LENGTH} characters) matched case-insensitively anywhere in the order number, customer email or channel external id. Newest first. Partners see only their channel.`,
    authScopes: { authenticated: true },
    args: { query: t.arg.string() },
    resolve: async (query, _root, args, ctx) => {
      const { take, skip, cursor, ...selection } = query
      // The page's ids first, then its selection for those ids: the database builds the nested rows (lines,
      // fulfillment orders, shipments...) for the page only, not for every order the fragment matches.
      const page = await ctx.prisma.order.findMany({ where: { AND: [orderLookupWhere(args.query), orderVisibility(ctx)] }, orderBy: { id: 'desc' }, take, skip, cursor, select: { id: true } })
      if (page.length === 0) return []
      const rows = new Map((await ctx.prisma.order.findMany({ ...selection, where: { id: { in: page.map((o) => o.id) } } })).map((o) => [o.id, o]))
      return page.flatMap((o) => rows.get(o.id) ?? [])
    },
    totalCount: (_p, args, ctx) => ctx.prisma.order.count({ where: { AND: [orderLookupWhere(args.query), orderVisibility(ctx)] } }),
  }, { name: 'OrderLookupConnection' }, { name: 'OrderLookupEdge' }),
)
