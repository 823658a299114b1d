import { serveBackorders, type BackorderServed } from '@ops-hub/domain'
import { builder } from '../../builder.ts'
import { requireActor, runMutation, UserError } from '../../errors.ts'
import { Order, OrderStatusEnum } from './order.ts'

const BackorderServedRef = builder.objectRef<BackorderServed>('BackorderServed').implement({
  description: 'An order served from available stock: the units reserved and what is still backordered.',
  fields: (t) => ({
    order: t.field({ type: Order, nullable: true, resolve: (s, _a, ctx) => ctx.prisma.order.findUnique({ where: { id: s.orderId } }) }),
    from: t.expose('from', { type: OrderStatusEnum }),
    to: t.expose('to', { type: OrderStatusEnum }),
    reservedUnits: t.exposeInt('reservedUnits'),
    stillBackordered: t.exposeInt('stillBackordered'),
  }),
})

const AllocateBackordersInput = builder.inputType('AllocateBackordersInput', {
  fields: (t) => ({
    skus: t.stringList({ description: 'SKU codes whose waiting lines are served (at most 50).' }),
    locationCode: t.string({ required: false, description: 'Where the stock arrived, for the timeline; any node may serve.' }),
  }),
})
const AllocateBackordersPayload = builder.simpleObject('AllocateBackordersPayload', {
  fields: (t) => ({
    served: t.field({ type: [BackorderServedRef] }),
    more: t.boolean({ nullable: true, description: 'More waiting orders than one run serves (500): call again.' }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationField('allocateBackorders', (t) =>
  t.field({
    type: AllocateBackordersPayload,
    description:
      "Serves the backordered lines of these SKUs from stock available now, in priority order (service level, channel priority, promised ship-by, age), under placement's no-oversell guarantees. The hub runs the same command by itself on every arrival (stock.available) and on a backstop timer; this is the manual trigger.",
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: AllocateBackordersInput }) },
    resolve: async (_root, { input }, ctx) => {
      const payload = await runMutation(ctx, (tx) => serveBackorders(tx, input, requireActor(ctx)), (r) => ({ served: r.served, more: r.more }))
      return Object.assign({ served: [] }, payload)
    },
  }),
)
