import { Repeater, SlidingBuffer } from '@repeaterjs/repeater'
import { GraphQLError } from 'graphql'
import type { OutboxEventLike } from '@ops-hub/analytics'
import { builder } from '../../builder.ts'
import { orderVisibility } from '../orders/order.ts'

function concernsOrder(event: OutboxEventLike, orderId: number) {
  if (event.aggregateType === 'Order' && event.aggregateId === orderId) return true
  const p = event.payload ?? {}
  return p.orderId === orderId || (Array.isArray(p.orderIds) && p.orderIds.includes(orderId))
}

builder.subscriptionField('orderUpdated', (t) =>
  t.prismaField({
    type: 'Order',
    description:
      'One order, pushed now and again whenever an event about it commits (status, holds, fulfilment, shipment, exceptions). ' +
      'A burst of events yields the newest state, not one push per event.',
    authScopes: { staff: true },
    args: { number: t.arg.string() },
    subscribe: async (_root, args, ctx) => {
      const order = await ctx.prisma.order.findFirst({ where: { number: args.number, ...orderVisibility(ctx) }, select: { id: true } })
      if (!order) throw new GraphQLError(`Unknown order "${args.number}"`, { extensions: { code: 'NOT_FOUND', field: 'number' } })
      // Every committed domain event, on the topic the outbox relay publishes to (see apps/api/src/realtime).
      const events = ctx.pubsub.subscribe(ctx.live.outboxTopic)
      return new Repeater<number>(async (push, stop) => {
        void push(order.id)
        void (async () => {
          for await (const event of events as AsyncIterable<OutboxEventLike>) if (concernsOrder(event, order.id)) void push(order.id)
        })().catch(stop)
        await stop
        await (events as AsyncIterableIterator<unknown>).return?.()
      }, new SlidingBuffer(1))
    },
    resolve: (query, orderId, _args, ctx) => ctx.prisma.order.findUniqueOrThrow({ ...query, where: { id: orderId as number } }),
  }),
)
