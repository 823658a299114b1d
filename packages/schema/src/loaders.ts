import DataLoader from 'dataloader'
import { createContextCache } from '@pothos/core'
import { orderTimelines, projectOrders, type OrderProjection, type OrderTimelineItem } from '@ops-hub/domain'
import type { Context } from './context.ts'

/**
 * Per-request loaders: what resolvers look up object by object (an order's timeline, its projected dates, the
 * channel of the order a fulfillment order or shipment belongs to) is collected over one tick and read in one batch,
 * so a page of 100 orders costs the statements of a page of 10. A subscription keeps its context for every event it
 * pushes, so what can change (timeline, projections) is batched but never cached; an order's channel never changes.
 */
export const loaders = createContextCache((ctx: Context) => ({
  timeline: new DataLoader<number, OrderTimelineItem[]>(async (orderIds) => {
    const timelines = await orderTimelines(ctx.prisma, orderIds)
    return orderIds.map((id) => timelines.get(id) ?? [])
  }, { cache: false }),
  projection: new DataLoader<number, OrderProjection>(async (orderIds) => {
    const projections = await projectOrders(ctx.prisma, orderIds)
    return orderIds.map((id) => projections.get(id) ?? new Error(`No order ${id}`))
  }, { cache: false }),
  orderChannel: new DataLoader<number, number | null>(async (orderIds) => {
    const orders = await ctx.prisma.order.findMany({ where: { id: { in: [...orderIds] } }, select: { id: true, channelId: true } })
    const channelOf = new Map(orders.map((o) => [o.id, o.channelId]))
    return orderIds.map((id) => channelOf.get(id) ?? null)
  }),
}))

/**
 * Whether the caller may see what belongs to this order: staff always, a partner only its own channel's orders.
 * Answered at once for staff (no promise per object), batched through the loader for partners.
 */
export function mayViewOrderOf(ctx: Context, orderId: number): boolean | Promise<boolean> {
  if (!ctx.actor) return false
  if (ctx.actor.role !== 'PARTNER') return true
  return loaders(ctx).orderChannel.load(orderId).then((channelId) => channelId === ctx.partnerChannelId)
}
