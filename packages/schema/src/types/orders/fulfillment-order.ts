import type { Prisma } from '@ops-hub/db'
import { fulfillmentMachine, releaseOrders } from '@ops-hub/domain'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import type { Context } from '../../context.ts'
import { requireActor, runMutation, UserError } from '../../errors.ts'
import { mayViewOrderOf } from '../../loaders.ts'
import { Location } from '../network/location.ts'
import { CapacityBoundEnum } from '../network/node-automation.ts'

export const FulfillmentStatusEnum = builder.enumType('FulfillmentStatus', {
  values: ['OPEN', 'ON_HOLD', 'RELEASED', 'PICKING', 'PACKED', 'SHIPPED', 'CANCELLED'] as const,
})
export const AllocationStatusEnum = builder.enumType('AllocationStatus', { values: ['RESERVED', 'PICKED', 'SHIPPED', 'CANCELLED'] as const })

export const FulfillmentOrder = builder.prismaNode('FulfillmentOrder', {
  // Select mode: a lookup reads the columns its selection uses, not whole rows (the order's id for the partner check).
  select: { id: true, orderId: true },
  id: { field: 'id' },
  nullable: true,
  description: 'The unit of warehouse work: the part of one order that one node ships.',
  // A partner may see the fulfillment orders of its own channel's orders only.
  authScopes: (fo, ctx) => mayViewOrderOf(ctx, fo.orderId),
  fields: (t) => ({
    number: t.exposeString('number'),
    status: t.expose('status', { type: FulfillmentStatusEnum }),
    nextStates: t.field({ type: [FulfillmentStatusEnum], select: { status: true }, resolve: (f) => [...fulfillmentMachine.nextStates(f.status)] }),
    location: t.relation('location'),
    order: t.relation('order'),
    priority: t.exposeInt('priority', { description: 'Lower is more urgent.' }),
    shipBy: t.expose('shipBy', { type: 'DateTime', nullable: true }),
    releasedAt: t.expose('releasedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    allocations: t.relation('allocations', { query: { orderBy: { id: 'asc' } } }),
  }),
})

builder.prismaObject('Allocation', {
  // Select mode: a lookup reads the columns its selection uses, not whole rows.
  select: { id: true },
  description: 'Units of one order line reserved at one node.',
  authScopes: { authenticated: true },
  fields: (t) => ({
    location: t.relation('location'),
    quantity: t.exposeInt('quantity'),
    status: t.expose('status', { type: AllocationStatusEnum }),
    sku: t.string({ select: { orderLine: { select: { sku: { select: { code: true } } } } }, resolve: (a) => a.orderLine.sku.code }),
    fulfillmentOrder: t.relation('fulfillmentOrder', { nullable: true, description: 'The fulfillment order that ships these units (its parcel, its progress).' }),
  }),
})

const FulfillmentOrderFilter = builder.inputType('FulfillmentOrderFilter', {
  fields: (t) => ({
    locationCode: t.string({ required: false }),
    status: t.field({ type: [FulfillmentStatusEnum], required: false }),
  }),
})

function foWhere(filter: { locationCode?: string | null; status?: string[] | null } | null | undefined): Prisma.FulfillmentOrderWhereInput {
  return {
    ...(filter?.locationCode ? { location: { code: filter.locationCode } } : {}),
    ...(filter?.status?.length ? { status: { in: filter.status as never } } : {}),
  }
}

builder.queryFields((t) => ({
  fulfillmentOrders: t.prismaConnection(
    {
      type: 'FulfillmentOrder',
      cursor: 'id',
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      description: 'A node queue: most urgent first (priority, then ship-by).',
      authScopes: { staff: true },
      args: { filter: t.arg({ type: FulfillmentOrderFilter, required: false }) },
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.fulfillmentOrder.findMany({ ...query, where: foWhere(args.filter), orderBy: [{ priority: 'asc' }, { shipBy: 'asc' }, { id: 'asc' }] }),
      totalCount: (_p, args, ctx) => ctx.prisma.fulfillmentOrder.count({ where: foWhere(args.filter) }),
    },
    { name: 'FulfillmentOrderConnection' },
    { name: 'FulfillmentOrderEdge' },
  ),
}))

const HeldBackCodeEnum = builder.enumType('HeldBackCode', {
  description:
    'Why a fulfillment order was not released: the node is full for its working day (CAPACITY), what is left of the day is kept for work due that day and this work is due later (RESERVED_FOR_DUE_WORK, orders.releaseReserve), or the order is on hold.',
  values: ['CAPACITY', 'RESERVED_FOR_DUE_WORK', 'ORDER_ON_HOLD'] as const,
})
const HeldBackFulfillment = builder.simpleObject('HeldBackFulfillment', {
  fields: (t) => ({
    fulfillmentOrder: t.field({ type: FulfillmentOrder }),
    code: t.field({ type: HeldBackCodeEnum }),
    reason: t.string(),
  }),
})

const ReleaseOrdersInput = builder.inputType('ReleaseOrdersInput', {
  fields: (t) => ({
    locationCode: t.string(),
    limit: t.int({ required: false, description: 'At most this many from the head of the queue (default 50, max 1000).' }),
  }),
})
const ReleaseOrdersPayload = builder.simpleObject('ReleaseOrdersPayload', {
  fields: (t) => ({
    location: t.field({ type: Location, nullable: true }),
    day: t.string({ nullable: true, description: "The node's working day (local date) the release counts against." }),
    afterCutoff: t.boolean({ nullable: true, description: "True when today's cut-off had passed, so the release counts against the next business day." }),
    capacity: t.int({ nullable: true, description: 'Fulfillment orders releasable per working day: min(pickCapacity, packCapacity).' }),
    pickCapacity: t.int({ nullable: true }),
    packCapacity: t.int({ nullable: true }),
    boundBy: t.field({ type: CapacityBoundEnum, nullable: true, description: 'Which daily capacity bounds release.' }),
    releasedBefore: t.int({ nullable: true, description: 'Already released against that day before this call.' }),
    released: t.field({ type: [FulfillmentOrder] }),
    heldBack: t.field({ type: [HeldBackFulfillment] }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationField('releaseOrders', (t) =>
  t.field({
    type: ReleaseOrdersPayload,
    description: "Releases a node's open fulfillment orders by priority (at-risk, same-day/express, channel priority, order priority, age) up to its daily capacity (the smaller of pick and pack capacity).",
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: ReleaseOrdersInput }) },
    resolve: async (_root, { input }, ctx) => {
      const payload = await runMutation(
        ctx,
        (tx) => releaseOrders(tx, input, requireActor(ctx)),
        async (r) => ({ ...r, location: await ctx.prisma.location.findUnique({ where: { id: r.locationId } }) }),
      )
      // A refused release (userErrors) still answers the non-null lists, empty.
      return Object.assign({ released: [], heldBack: [] }, payload)
    },
  }),
)
