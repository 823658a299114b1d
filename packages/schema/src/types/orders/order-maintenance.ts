import { cancelOrderLines, mergeFulfillmentOrders, moveFulfillmentOrder, unitsPerBundle, updateOrderShipTo } from '@ops-hub/domain'
import { builder } from '../../builder.ts'
import { requireActor, runMutation, UserError } from '../../errors.ts'
import { idOf } from '../warehouse/global-id.ts'
import { AddressInput, Order, OrderPayload } from './order.ts'
import { FulfillmentOrder } from './fulfillment-order.ts'

// Order maintenance (issue 16, items 5 and 6): edits before pick, and how bundle lines read.

builder.prismaObjectFields('OrderLine', (t) => ({
  isBundle: t.exposeBoolean('isBundle', { description: 'The line sells a bundle: its component lines are reserved, picked and shipped in its place.' }),
  components: t.relation('componentLines', {
    description: "A bundle line's component lines (empty for any other line).",
    query: { orderBy: { lineNumber: 'asc' } },
  }),
  bundleLineNumber: t.int({
    nullable: true,
    description: 'For a component line: the line number of the bundle line it belongs to.',
    select: { bundleLine: { select: { lineNumber: true } } },
    resolve: (l) => l.bundleLine?.lineNumber ?? null,
  }),
  quantityPerBundle: t.int({
    nullable: true,
    description: 'For a component line: units of it in one bundle (its quantity / the bundle line quantity).',
    select: { quantity: true, bundleLine: { select: { quantity: true } } },
    resolve: (l) => (l.bundleLine ? unitsPerBundle(l, l.bundleLine) : null),
  }),
}))

builder.prismaObjectFields('FulfillmentOrder', (t) => ({
  mergedInto: t.relation('mergedInto', { nullable: true, description: 'Set when mergeFulfillmentOrders folded this one (now CANCELLED) into another.' }),
}))

const UpdateOrderShipToInput = builder.inputType('UpdateOrderShipToInput', {
  fields: (t) => ({
    orderId: t.globalID({ for: [Order] }),
    shipTo: t.field({ type: AddressInput }),
    reason: t.string({ required: false, description: 'Goes on the order timeline.' }),
    idempotencyKey: t.string({ required: false, description: 'A retry with the same key replays the first result.' }),
  }),
})

const CancelOrderLineInput = builder.inputType('CancelOrderLineInput', {
  fields: (t) => ({
    lineNumber: t.int({ description: 'A line of the order; for a bundle, the bundle line (its components follow).' }),
    quantity: t.int({ description: 'Units (bundles for a bundle line) to cancel; at most what is open.' }),
  }),
})
const CancelOrderLinesInput = builder.inputType('CancelOrderLinesInput', {
  fields: (t) => ({
    orderId: t.globalID({ for: [Order] }),
    lines: t.field({ type: [CancelOrderLineInput] }),
    reason: t.string(),
    idempotencyKey: t.string({ required: false, description: 'A retry with the same key replays the first result.' }),
  }),
})

const MoveFulfillmentOrderInput = builder.inputType('MoveFulfillmentOrderInput', {
  fields: (t) => ({
    fulfillmentOrderId: t.globalID({ for: [FulfillmentOrder] }),
    toLocationCode: t.string({ description: 'An active fulfilment node that can promise every unit.' }),
    reason: t.string({ required: false, description: 'Goes on the order timeline.' }),
    idempotencyKey: t.string({ required: false, description: 'A retry with the same key replays the first result.' }),
  }),
})
const MergeFulfillmentOrdersInput = builder.inputType('MergeFulfillmentOrdersInput', {
  fields: (t) => ({
    fulfillmentOrderIds: t.globalIDList({ for: [FulfillmentOrder], description: 'Two or more, of one order at one node, not yet released.' }),
    idempotencyKey: t.string({ required: false, description: 'A retry with the same key replays the first result.' }),
  }),
})

const FulfillmentOrderMaintenancePayload = builder.simpleObject('FulfillmentOrderMaintenancePayload', {
  fields: (t) => ({
    fulfillmentOrder: t.field({ type: FulfillmentOrder, nullable: true }),
    order: t.field({ type: Order, nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationFields((t) => ({
  updateOrderShipTo: t.field({
    type: OrderPayload,
    description:
      'Corrects the ship-to before picking starts and re-validates it: a failing address holds the order (ADDRESS), a passing one clears that hold; ' +
      'unreleased work is routed again for the new address. After picking started: ILLEGAL_TRANSITION.',
    authScopes: { roles: ['OPERATIONS', 'CUSTOMER_SERVICE', 'PARTNER'] },
    args: { input: t.arg({ type: UpdateOrderShipToInput }) },
    resolve: (_root, { input }, ctx) =>
      runMutation(
        ctx,
        (tx) =>
          updateOrderShipTo(
            tx,
            { orderId: idOf(input.orderId, 'Order', 'orderId'), shipTo: input.shipTo, reason: input.reason, idempotencyKey: input.idempotencyKey },
            requireActor(ctx),
          ),
        (order) => ({ order }),
      ),
  }),
  cancelOrderLines: t.field({
    type: OrderPayload,
    description:
      'Cancels part of an order before pick: per line, units never reserved, then backordered, then reserved ones (released to available). ' +
      'Units being picked are ILLEGAL_TRANSITION; more than is open is INVALID_INPUT.',
    authScopes: { roles: ['OPERATIONS', 'CUSTOMER_SERVICE', 'PARTNER'] },
    args: { input: t.arg({ type: CancelOrderLinesInput }) },
    resolve: (_root, { input }, ctx) =>
      runMutation(
        ctx,
        (tx) =>
          cancelOrderLines(
            tx,
            { orderId: idOf(input.orderId, 'Order', 'orderId'), lines: input.lines, reason: input.reason, idempotencyKey: input.idempotencyKey },
            requireActor(ctx),
          ),
        (order) => ({ order }),
      ),
  }),
  moveFulfillmentOrder: t.field({
    type: FulfillmentOrderMaintenancePayload,
    description:
      'Moves a fulfillment order not yet being picked to another fulfilment node, all or nothing: every unit is reserved there first ' +
      '(INSUFFICIENT_STOCK if the node cannot promise it), then released at the old node.',
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: MoveFulfillmentOrderInput }) },
    resolve: (_root, { input }, ctx) =>
      runMutation(
        ctx,
        (tx) =>
          moveFulfillmentOrder(
            tx,
            {
              fulfillmentOrderId: idOf(input.fulfillmentOrderId, 'FulfillmentOrder', 'fulfillmentOrderId'),
              toLocationCode: input.toLocationCode,
              reason: input.reason,
              idempotencyKey: input.idempotencyKey,
            },
            requireActor(ctx),
          ),
        (r) => ({ fulfillmentOrder: r.fulfillmentOrder, order: r.order }),
      ),
  }),
  mergeFulfillmentOrders: t.field({
    type: FulfillmentOrderMaintenancePayload,
    description: 'Folds unreleased fulfillment orders of one order at one node into the oldest of them, to ship as one.',
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: MergeFulfillmentOrdersInput }) },
    resolve: (_root, { input }, ctx) =>
      runMutation(
        ctx,
        (tx) =>
          mergeFulfillmentOrders(
            tx,
            { fulfillmentOrderIds: input.fulfillmentOrderIds.map((id) => idOf(id, 'FulfillmentOrder', 'fulfillmentOrderIds')), idempotencyKey: input.idempotencyKey },
            requireActor(ctx),
          ),
        async (fo) => ({ fulfillmentOrder: fo, order: await ctx.prisma.order.findUnique({ where: { id: fo.orderId } }) }),
      ),
  }),
}))
