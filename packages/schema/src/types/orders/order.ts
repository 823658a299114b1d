import type { Prisma } from '@ops-hub/db'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import type { Context } from '../../context.ts'

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

/** Partners only ever see orders of their own channel; staff see all. */
export function orderVisibility(ctx: Context): Prisma.OrderWhereInput {
  return ctx.partnerChannelId !== null ? { channelId: ctx.partnerChannelId } : {}
}

export const Order = builder.prismaNode('Order', {
  id: { field: 'id' },
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
  }),
})

builder.prismaObject('OrderLine', {
  authScopes: { authenticated: true },
  fields: (t) => ({
    lineNumber: t.exposeInt('lineNumber'),
    sku: t.string({ select: { sku: { select: { code: true } } }, resolve: (l) => l.sku.code }),
    quantity: t.exposeInt('quantity'),
    unitPrice: t.expose('unitPrice', { type: 'Decimal' }),
    allocatedQuantity: t.exposeInt('allocatedQuantity'),
    backorderedQuantity: t.exposeInt('backorderedQuantity'),
    shippedQuantity: t.exposeInt('shippedQuantity'),
    cancelledQuantity: t.exposeInt('cancelledQuantity'),
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
