import type { Prisma } from '@ops-hub/db'
import { bundleProgress, cancelOrder, orderIntake, orderMachine, placeOrder, releaseHold, type LineCounters, type RoutingDecision } from '@ops-hub/domain'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import type { Context } from '../../context.ts'
import { IDEMPOTENCY_KEY_DESCRIPTION, UserError, requireActor, runCommand, runKeyedMutation, runMutation } from '../../errors.ts'
import { Location } from '../network/location.ts'

export const OrderStatusEnum = builder.enumType('OrderStatus', {
  values: [
    'PENDING', 'ON_HOLD', 'VALIDATED', 'ALLOCATED', 'PARTIALLY_ALLOCATED', 'BACKORDERED', 'RELEASED',
    'IN_FULFILLMENT', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURN_REQUESTED', 'RETURNED',
  ] as const,
})
export const ServiceLevelEnum = builder.enumType('ServiceLevel', { values: ['STANDARD', 'EXPRESS', 'SAME_DAY'] as const })
export const PaymentStatusEnum = builder.enumType('PaymentStatus', {
  values: ['PENDING', 'AUTHORIZED', 'CAPTURED', 'FAILED', 'REFUNDED'] as const,
})

export const HoldReasonEnum = builder.enumType('HoldReason', {
  description: 'Why an order is ON_HOLD; each hold has an exception owned by the team that clears it.',
  values: ['PAYMENT', 'FRAUD', 'ADDRESS', 'LOW_CONFIDENCE_STOCK', 'MANUAL'] as const,
})
export const RoutingRuleEnum = builder.enumType('RoutingRule', {
  description: 'Which routing rule placed the order: one node ships complete, a split by stock, partly or wholly backordered.',
  values: ['SHIP_COMPLETE', 'SPLIT', 'PARTIAL', 'BACKORDER'] as const,
})

const RoutingNodeChoice = builder.simpleObject('RoutingNodeChoice', {
  description: 'A node the order was routed to, with the units it serves and why it was chosen.',
  fields: (t) => ({ locationId: t.int({ description: 'Numeric id; prefer `location`.' }), reason: t.string(), quantity: t.int() }),
})
builder.objectFields(RoutingNodeChoice, (t) => ({
  location: t.field({ type: Location, nullable: true, resolve: (n, _a, ctx) => ctx.prisma.location.findUnique({ where: { id: n.locationId } }) }),
}))
const RoutingRejection = builder.simpleObject('RoutingRejection', {
  description: 'A candidate node that was not used, and why.',
  fields: (t) => ({ locationId: t.int({ description: 'Numeric id; prefer `location`.' }), reason: t.string() }),
})
builder.objectFields(RoutingRejection, (t) => ({
  location: t.field({ type: Location, nullable: true, resolve: (n, _a, ctx) => ctx.prisma.location.findUnique({ where: { id: n.locationId } }) }),
}))
const RoutingDecisionType = builder.objectRef<RoutingDecision>('RoutingDecision').implement({
  description: 'How the order was routed: the rule applied, a one-line explanation, chosen and rejected nodes.',
  fields: (t) => ({
    rule: t.expose('rule', { type: RoutingRuleEnum }),
    summary: t.exposeString('summary'),
    nodes: t.field({ type: [RoutingNodeChoice], resolve: (d) => d.nodes }),
    rejected: t.field({ type: [RoutingRejection], resolve: (d) => d.rejected }),
  }),
})

/** Partners only ever see orders of their own channel; staff see all. */
export function orderVisibility(ctx: Context): Prisma.OrderWhereInput {
  return ctx.partnerChannelId !== null ? { channelId: ctx.partnerChannelId } : {}
}

export const Order = builder.prismaNode('Order', {
  id: { field: 'id' },
  // Select mode: a read selects the columns its fields use, not whole rows (the channel for the partner check).
  select: { id: true, channelId: true },
  nullable: true,
  // Checked on every Order however it is reached (by number, node(id:), a connection, a relation).
  authScopes: (order, ctx) => ctx.actor !== null && (ctx.actor.role !== 'PARTNER' || order.channelId === ctx.partnerChannelId),
  fields: (t) => ({
    number: t.exposeString('number'),
    externalId: t.exposeString('externalId', { description: "The channel's own id for the order." }),
    channel: t.relation('channel'),
    status: t.expose('status', { type: OrderStatusEnum }),
    serviceLevel: t.expose('serviceLevel', { type: ServiceLevelEnum }),
    priority: t.exposeInt('priority', { description: 'Lower is more urgent.' }),
    placedAt: t.expose('placedAt', { type: 'DateTime' }),
    shipBy: t.expose('shipBy', { type: 'DateTime', nullable: true }),
    customerEmail: t.exposeString('customerEmail'),
    customerName: t.exposeString('customerName'),
    paymentStatus: t.expose('paymentStatus', { type: PaymentStatusEnum }),
    totalAmount: t.expose('totalAmount', { type: 'Decimal' }),
    currency: t.exposeString('currency'),
    lines: t.relation('lines', { query: { orderBy: { lineNumber: 'asc' } } }),
    holds: t.field({ type: [HoldReasonEnum], select: { holds: true }, resolve: (o) => o.holds }),
    nextStates: t.field({
      type: [OrderStatusEnum],
      description: 'Statuses the order may move to from here (the transition table), for drawing actions.',
      select: { status: true },
      resolve: (o) => [...orderMachine.nextStates(o.status)],
    }),
    routingDecision: t.field({
      type: RoutingDecisionType,
      nullable: true,
      description: 'Which rule chose which node, and why other candidates were not used. Null until stock is routed.',
      select: { routing: true },
      resolve: (o) => (o.routing as RoutingDecision | null) ?? null,
    }),
    fulfillmentOrders: t.relation('fulfillmentOrders', { query: { orderBy: { id: 'asc' } } }),
    exceptions: t.relation('exceptions', { authScopes: { staff: true }, query: { orderBy: { id: 'asc' } } }),
    customerPhone: t.exposeString('customerPhone', { nullable: true }),
    shipTo: t.field({
      type: ShipTo,
      select: { shipToName: true, shipToLine1: true, shipToLine2: true, shipToCity: true, shipToRegion: true, shipToPostalCode: true, shipToCountry: true },
      resolve: (o) => ({ name: o.shipToName, line1: o.shipToLine1, line2: o.shipToLine2, city: o.shipToCity, region: o.shipToRegion, postalCode: o.shipToPostalCode, country: o.shipToCountry }),
    }),
    fraudScore: t.exposeFloat('fraudScore', { authScopes: { staff: true } }),
    cancelReason: t.exposeString('cancelReason', { nullable: true }),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true }),
  }),
})

const ShipTo = builder.simpleObject('ShipToAddress', {
  fields: (t) => ({
    name: t.string(),
    line1: t.string(),
    line2: t.string({ nullable: true }),
    city: t.string(),
    region: t.string({ nullable: true }),
    postalCode: t.string(),
    country: t.string(),
  }),
})

const LINE_COUNTERS = { quantity: true, allocatedQuantity: true, backorderedQuantity: true, shippedQuantity: true, cancelledQuantity: true, returnedQuantity: true } as const
const LINE_PROGRESS = { ...LINE_COUNTERS, isBundle: true, componentLines: { select: LINE_COUNTERS } } as const
type ProgressLine = LineCounters & { isBundle: boolean; componentLines: LineCounters[] }
function lineCounter(l: ProgressLine, key: 'allocatedQuantity' | 'backorderedQuantity' | 'shippedQuantity' | 'cancelledQuantity'): number {
  return l.isBundle ? bundleProgress(l, l.componentLines)[key] : l[key]
}

builder.prismaObject('OrderLine', {
  // Select mode: a lookup reads the columns its selection uses, not whole rows.
  select: { id: true },
  authScopes: { authenticated: true },
  fields: (t) => ({
    lineNumber: t.exposeInt('lineNumber'),
    sku: t.string({ select: { sku: { select: { code: true } } }, resolve: (l) => l.sku.code }),
    quantity: t.exposeInt('quantity'),
    unitPrice: t.expose('unitPrice', { type: 'Decimal' }),
    // A bundle line is never worked itself: its counters are derived from its component lines (whole bundles).
    allocatedQuantity: t.int({ select: LINE_PROGRESS, resolve: (l) => lineCounter(l, 'allocatedQuantity') }),
    backorderedQuantity: t.int({ select: LINE_PROGRESS, resolve: (l) => lineCounter(l, 'backorderedQuantity') }),
    shippedQuantity: t.int({ select: LINE_PROGRESS, resolve: (l) => lineCounter(l, 'shippedQuantity') }),
    cancelledQuantity: t.int({ select: LINE_PROGRESS, resolve: (l) => lineCounter(l, 'cancelledQuantity') }),
    allocations: t.relation('allocations', {
      description: 'Units of this line reserved per node (cancelled ones stay listed with their status).',
      query: { orderBy: { id: 'asc' } },
    }),
  }),
})

const OrderFilter = builder.inputType('OrderFilter', {
  fields: (t) => ({
    status: t.field({ type: [OrderStatusEnum], required: false }),
    channelCode: t.string({ required: false }),
    placedAfter: t.field({ type: 'DateTime', required: false }),
    placedBefore: t.field({ type: 'DateTime', required: false }),
  }),
})

function orderFilter(
  ctx: Context,
  filter?: { status?: string[] | null; channelCode?: string | null; placedAfter?: Date | null; placedBefore?: Date | null } | null,
): Prisma.OrderWhereInput {
  return {
    ...orderVisibility(ctx),
    ...(filter?.status?.length ? { status: { in: filter.status as never } } : {}),
    ...(filter?.channelCode ? { channel: { code: filter.channelCode } } : {}),
    ...(filter?.placedAfter || filter?.placedBefore
      ? { placedAt: { ...(filter.placedAfter ? { gte: filter.placedAfter } : {}), ...(filter.placedBefore ? { lt: filter.placedBefore } : {}) } }
      : {}),
  }
}

builder.queryFields((t) => ({
  orders: t.prismaConnection({
    type: 'Order',
    cursor: 'id',
    defaultSize: DEFAULT_PAGE_SIZE,
    maxSize: MAX_PAGE_SIZE,
    description: 'Newest first. Partners see only their channel.',
    authScopes: { authenticated: true },
    args: { filter: t.arg({ type: OrderFilter, required: false }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.order.findMany({ ...query, where: orderFilter(ctx, args.filter), orderBy: { id: 'desc' } }),
    totalCount: (_p, args, ctx) => ctx.prisma.order.count({ where: orderFilter(ctx, args.filter) }),
  }, { name: 'OrderConnection' }, { name: 'OrderEdge' }),
  order: t.prismaField({
    type: 'Order',
    nullable: true,
    authScopes: { authenticated: true },
    args: { number: t.arg.string() },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.order.findFirst({ ...query, where: { number: args.number, ...orderVisibility(ctx) } }),
  }),
}))

const CustomerInput = builder.inputType('CustomerInput', {
  fields: (t) => ({ email: t.string(), name: t.string(), phone: t.string({ required: false }) }),
})
export const AddressInput = builder.inputType('AddressInput', {
  description: 'Ship-to address. An address that fails checks puts the order ON_HOLD (ADDRESS) rather than refusing it.',
  fields: (t) => ({
    name: t.string(),
    line1: t.string(),
    line2: t.string({ required: false }),
    city: t.string(),
    region: t.string({ required: false, description: 'State/province; required for US, CA and AU.' }),
    postalCode: t.string(),
    country: t.string({ description: 'ISO 3166-1 alpha-2.' }),
  }),
})
const PaymentInput = builder.inputType('PaymentInput', {
  fields: (t) => ({
    status: t.field({ type: PaymentStatusEnum, description: 'Anything but AUTHORIZED or CAPTURED puts the order on a PAYMENT hold.' }),
    fraudScore: t.float({ required: false, description: '0..1 from the channel; above setting orders.fraudScoreThreshold (0.85) holds for FRAUD review.' }),
  }),
})
const OrderLineInput = builder.inputType('OrderLineInput', {
  fields: (t) => ({
    sku: t.string(),
    quantity: t.int({ description: 'Positive.' }),
    unitPrice: t.field({ type: 'Decimal' }),
  }),
})
const PlaceOrderInput = builder.inputType('PlaceOrderInput', {
  description: 'An order from a channel. The same (channelCode, externalId) always yields the same order.',
  fields: (t) => ({
    channelCode: t.string(),
    externalId: t.string({ description: "The channel's own order id: the idempotency key." }),
    serviceLevel: t.field({ type: ServiceLevelEnum, required: false, description: 'Default STANDARD.' }),
    customer: t.field({ type: CustomerInput }),
    shipTo: t.field({ type: AddressInput }),
    payment: t.field({ type: PaymentInput }),
    lines: t.field({ type: [OrderLineInput] }),
    idempotencyKey: t.string({
      required: false,
      description: `An order is already taken once per (channelCode, externalId); a key adds the rest of the rule. ${IDEMPOTENCY_KEY_DESCRIPTION}`,
    }),
  }),
})
const PlaceOrderPayload = builder.simpleObject('PlaceOrderPayload', {
  fields: (t) => ({
    order: t.field({ type: Order, nullable: true }),
    created: t.boolean({ nullable: true, description: 'False when the order was already known and is returned unchanged.' }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationField('placeOrder', (t) =>
  t.field({
    type: PlaceOrderPayload,
    description: 'Takes an order exactly once per (channel, externalId): holds it on failed checks, else reserves and routes its stock.',
    authScopes: { roles: ['PARTNER', 'OPERATIONS', 'CUSTOMER_SERVICE'] },
    args: { input: t.arg({ type: PlaceOrderInput }) },
    resolve: (_root, { input }, ctx) => {
      const order = { ...input, lines: input.lines.map((l) => ({ ...l, unitPrice: Number(l.unitPrice) })) }
      // A keyed order takes the locking path: its key record is written in the order's own transaction.
      if (input.idempotencyKey) {
        return runKeyedMutation(ctx, 'placeOrder', input, (tx) => placeOrder(tx, order, requireActor(ctx)), (r) => ({ order: r.order, created: r.created }))
      }
      return runCommand(() => orderIntake(ctx.db).place(order, requireActor(ctx)), (r) => ({ order: r.order, created: r.created }))
    },
  }),
)

const ReleaseHoldInput = builder.inputType('ReleaseHoldInput', {
  fields: (t) => ({
    orderId: t.globalID({ for: [Order] }),
    reason: t.string({ description: 'What was checked; goes on the timeline and resolves the hold exceptions.' }),
    holds: t.field({ type: [HoldReasonEnum], required: false, description: 'Holds to release; all when omitted.' }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
})
const CancelOrderInput = builder.inputType('CancelOrderInput', {
  fields: (t) => ({
    orderId: t.globalID({ for: [Order] }),
    reason: t.string(),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
})
export const OrderPayload = builder.simpleObject('OrderPayload', {
  fields: (t) => ({
    order: t.field({ type: Order, nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationFields((t) => ({
  releaseHold: t.field({
    type: OrderPayload,
    description: 'Releases holds after review (owning team, OPERATIONS or ADMIN), re-validates, then reserves stock.',
    authScopes: { roles: ['OPERATIONS', 'FINANCE', 'CUSTOMER_SERVICE'] },
    args: { input: t.arg({ type: ReleaseHoldInput }) },
    resolve: (_root, { input }, ctx) =>
      runKeyedMutation(
        ctx,
        'releaseHold',
        input,
        (tx) => releaseHold(tx, { orderId: Number(input.orderId.id), reason: input.reason, holds: input.holds ?? null }, requireActor(ctx)),
        (order) => ({ order }),
      ),
  }),
  cancelOrder: t.field({
    type: OrderPayload,
    description: 'Cancels an order before shipping and releases every reservation it holds.',
    authScopes: { roles: ['OPERATIONS', 'CUSTOMER_SERVICE', 'PARTNER'] },
    args: { input: t.arg({ type: CancelOrderInput }) },
    resolve: (_root, { input }, ctx) =>
      runKeyedMutation(ctx, 'cancelOrder', input, (tx) => cancelOrder(tx, { orderId: Number(input.orderId.id), reason: input.reason }, requireActor(ctx)), (order) => ({ order })),
  }),
}))
