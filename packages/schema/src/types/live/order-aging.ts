import type { OrderAgingSnapshot } from '@ops-hub/analytics'
import type { Role } from '@ops-hub/db'
import { builder } from '../../builder.ts'
import { OrderStatusEnum } from '../orders/order.ts'
import { locationScopeArg } from './subscription.ts'

/** Who may watch order aging: the teams that act on late orders or answer for them. */
export const ORDER_AGING_ROLES: Role[] = ['OPERATIONS', 'EXECUTIVE', 'CUSTOMER_SERVICE']

type Bucket = OrderAgingSnapshot['buckets'][number]
type Row = OrderAgingSnapshot['byStatus'][number]
type LocationRow = OrderAgingSnapshot['byLocation'][number]

const AgingBucket = builder.objectRef<Bucket>('AgingBucket').implement({
  description: 'Open orders whose age since placement falls in one bucket.',
  fields: (t) => ({
    label: t.exposeString('label', { description: 'One of 0-4h, 4-12h, 12-24h, 24-48h, >48h.' }),
    count: t.exposeInt('count'),
    pastShipBy: t.exposeInt('pastShipBy', { description: 'Of those, orders already past their promised ship-by.' }),
  }),
})

const OrderAgingByStatus = builder.objectRef<Row>('OrderAgingByStatus').implement({
  fields: (t) => ({
    status: t.field({ type: OrderStatusEnum, resolve: (r) => r.status as never }),
    total: t.exposeInt('total'),
    pastShipBy: t.exposeInt('pastShipBy'),
    buckets: t.field({ type: [AgingBucket], resolve: (r) => r.buckets }),
  }),
})

const OrderAgingByLocation = builder.objectRef<LocationRow>('OrderAgingByLocation').implement({
  description: 'Open orders with open fulfilment work at one node. A split order counts at each of its nodes.',
  fields: (t) => ({
    locationCode: t.exposeString('locationCode', { nullable: true, description: 'Null: not routed to any node yet (pending, on hold, backordered).' }),
    locationName: t.exposeString('locationName', { nullable: true }),
    total: t.exposeInt('total'),
    pastShipBy: t.exposeInt('pastShipBy'),
    buckets: t.field({ type: [AgingBucket], resolve: (r) => r.buckets }),
  }),
})

export const OrderAgingSnapshotRef = builder.objectRef<OrderAgingSnapshot>('OrderAgingSnapshot').implement({
  description: 'Open (not yet shipped or cancelled) orders by age since placement, status and node, as of `asOf`.',
  fields: (t) => ({
    asOf: t.field({ type: 'DateTime', resolve: (s) => s.asOf }),
    locationCode: t.exposeString('locationCode', { nullable: true, description: 'The node this snapshot is for; null = whole network.' }),
    total: t.exposeInt('total', { description: 'Open orders in scope.' }),
    pastShipBy: t.exposeInt('pastShipBy', { description: 'Open orders whose ship-by is already in the past.' }),
    buckets: t.field({ type: [AgingBucket], resolve: (s) => s.buckets }),
    byStatus: t.field({ type: [OrderAgingByStatus], resolve: (s) => s.byStatus }),
    byLocation: t.field({ type: [OrderAgingByLocation], resolve: (s) => s.byLocation }),
  }),
})

builder.queryField('orderAging', (t) =>
  t.field({
    type: OrderAgingSnapshotRef,
    description: 'Order aging now (the same snapshot the orderAging subscription pushes).',
    authScopes: { roles: ORDER_AGING_ROLES },
    args: { locationCode: t.arg.string({ required: false, description: 'A fulfilment node; omit for the whole network.' }) },
    resolve: async (_root, args, ctx) => ctx.live.current({ metric: 'orderAging', ...(await locationScopeArg(ctx, args.locationCode)) }),
  }),
)

builder.subscriptionField('orderAging', (t) =>
  t.field({
    type: OrderAgingSnapshotRef,
    description: 'Order aging, pushed when orders move (coalesced to a few pushes a second) and every 30 s as ages shift.',
    authScopes: { roles: ORDER_AGING_ROLES },
    args: { locationCode: t.arg.string({ required: false }) },
    subscribe: async (_root, args, ctx) => ctx.live.watch({ metric: 'orderAging', ...(await locationScopeArg(ctx, args.locationCode)) }),
    resolve: (snapshot) => snapshot as OrderAgingSnapshot,
  }),
)
