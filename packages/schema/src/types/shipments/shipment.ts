import { confirmShipment, handToCarrier, recordCarrierEvent, shipmentMachine, SHIPMENT_STATUSES } from '@ops-hub/domain'
import { builder } from '../../builder.ts'
import { IDEMPOTENCY_KEY_DESCRIPTION, UserError, requireActor, runKeyedMutation, runMutation } from '../../errors.ts'
import { orderVisibility } from '../orders/order.ts'
import { idOf } from '../warehouse/global-id.ts'
import { mayViewOrderOf } from '../../loaders.ts'

export const ShipmentStatusEnum = builder.enumType('ShipmentStatus', {
  description: 'Carrier milestones, in the order a parcel normally passes them. DELIVERED and RETURNED_TO_SENDER are final.',
  values: SHIPMENT_STATUSES,
})

export const ShipmentMilestone = builder.prismaObject('ShipmentMilestone', {
  // Select mode: a lookup reads the columns its selection uses, not whole rows.
  select: { id: true },
  authScopes: { authenticated: true },
  fields: (t) => ({
    status: t.expose('status', { type: ShipmentStatusEnum }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: "The carrier's time of the event." }),
    receivedAt: t.expose('receivedAt', { type: 'DateTime', description: 'When the hub learned of it.' }),
    location: t.exposeString('location', { nullable: true }),
    description: t.exposeString('description', { nullable: true }),
    source: t.exposeString('source', { description: 'warehouse, api or webhook.' }),
  }),
})

export const Shipment = builder.prismaNode('Shipment', {
  // Select mode: a lookup reads the columns its selection uses, not whole rows (the order's id for the partner check).
  select: { id: true, orderId: true },
  id: { field: 'id' },
  nullable: true,
  // Partners see the shipments of their own channel's orders only.
  authScopes: (s, ctx) => mayViewOrderOf(ctx, s.orderId),
  fields: (t) => ({
    carrier: t.exposeString('carrier'),
    service: t.exposeString('service'),
    trackingNumber: t.exposeString('trackingNumber'),
    weightGrams: t.exposeInt('weightGrams', { nullable: true }),
    status: t.expose('status', { type: ShipmentStatusEnum, description: 'The furthest milestone reached; late reports never move it back.' }),
    statusAt: t.expose('statusAt', { type: 'DateTime' }),
    nextStates: t.field({ type: [ShipmentStatusEnum], select: { status: true }, resolve: (s) => [...shipmentMachine.nextStates(s.status)] }),
    shippedAt: t.expose('shippedAt', { type: 'DateTime' }),
    handedToCarrierAt: t.expose('handedToCarrierAt', { type: 'DateTime', nullable: true }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
    projectedDeliveryAt: t.expose('projectedDeliveryAt', {
      type: 'DateTime',
      nullable: true,
      description:
        "Ship day (origin node's local date) plus the carrier service's mean transit days rounded up, in business days (no weekends or holidays), at 20:00 local. A DELIVERY_EXCEPTION moves it to the business day after the later of the old projection and the exception.",
    }),
    milestones: t.relation('milestones', { description: 'Every distinct milestone reported, in carrier time order.', query: { orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] } }),
    order: t.relation('order'),
    fulfillmentOrder: t.relation('fulfillmentOrder'),
  }),
})

builder.prismaObjectFields('Order', (t) => ({
  shipments: t.relation('shipments', { query: { orderBy: { id: 'asc' } } }),
}))

builder.queryField('shipment', (t) =>
  t.prismaField({
    type: 'Shipment',
    nullable: true,
    authScopes: { authenticated: true },
    args: { trackingNumber: t.arg.string() },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.shipment.findFirst({ ...query, where: { trackingNumber: args.trackingNumber, order: orderVisibility(ctx) } }),
  }),
)

const ConfirmShipmentInput = builder.inputType('ConfirmShipmentInput', {
  fields: (t) => ({
    fulfillmentOrderId: t.globalID({ description: 'A PACKED FulfillmentOrder.' }),
    carrier: t.string({ description: 'Must match an active CarrierService (carrier, service).' }),
    service: t.string(),
    trackingNumber: t.string({ description: 'Unique across shipments.' }),
    weightGrams: t.int({ required: false }),
    idempotencyKey: t.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
})

const ShipmentPayload = builder.simpleObject('ShipmentPayload', {
  fields: (t) => ({
    shipment: t.field({ type: Shipment, nullable: true }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

const HandToCarrierInput = builder.inputType('HandToCarrierInput', {
  description: 'Identify the shipment by id or by tracking number (exactly one).',
  fields: (t) => ({
    shipmentId: t.globalID({ for: Shipment, required: false }),
    trackingNumber: t.string({ required: false }),
  }),
})

const RecordCarrierEventInput = builder.inputType('RecordCarrierEventInput', {
  fields: (t) => ({
    trackingNumber: t.string(),
    status: t.field({ type: ShipmentStatusEnum }),
    occurredAt: t.field({ type: 'DateTime', description: "The carrier's event time (at most a day in the future)." }),
    location: t.string({ required: false }),
    description: t.string({ required: false }),
    externalEventId: t.string({ required: false, description: "The carrier's own event id, kept for reference." }),
  }),
})

const RecordCarrierEventPayload = builder.simpleObject('RecordCarrierEventPayload', {
  fields: (t) => ({
    shipment: t.field({ type: Shipment, nullable: true }),
    duplicate: t.boolean({ nullable: true, description: 'The same (shipment, status, occurredAt) was already recorded: nothing changed.' }),
    applied: t.boolean({ nullable: true, description: 'The milestone became the shipment status (false for late or backward reports, which are kept in history only).' }),
    userErrors: t.field({ type: [UserError] }),
  }),
})

builder.mutationFields((t) => ({
  confirmShipment: t.field({
    type: ShipmentPayload,
    description:
      'Ships a PACKED fulfillment order: creates the Shipment (LABEL_CREATED, projected delivery), moves the units reserved -> shipped in the ledger and the order to PARTIALLY_SHIPPED or SHIPPED. An unpacked fulfillment order is ILLEGAL_TRANSITION.',
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: ConfirmShipmentInput }) },
    resolve: (_root, { input }, ctx) =>
      runKeyedMutation(
        ctx,
        'confirmShipment',
        input,
        (tx) => confirmShipment(tx, { ...input, fulfillmentOrderId: idOf(input.fulfillmentOrderId, 'FulfillmentOrder', 'fulfillmentOrderId') }, requireActor(ctx)),
        (r) => ({ shipment: r.shipment }),
      ),
  }),
  handToCarrier: t.field({
    type: ShipmentPayload,
    description: 'The parcel left with the carrier: LABEL_CREATED -> HANDED_TO_CARRIER.',
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: HandToCarrierInput }) },
    resolve: (_root, { input }, ctx) =>
      runMutation(
        ctx,
        (tx) => handToCarrier(tx, { shipmentId: input.shipmentId ? Number(input.shipmentId.id) : null, trackingNumber: input.trackingNumber }, requireActor(ctx)),
        (shipment) => ({ shipment }),
      ),
  }),
  recordCarrierEvent: t.field({
    type: RecordCarrierEventPayload,
    description:
      'Ingests a carrier milestone (the same as POST /webhooks/carrier). Duplicates are ignored; late or backward reports are kept in history without moving the status; DELIVERED completes the order when all its shipments are delivered; DELIVERY_EXCEPTION opens a CARRIER_DELAY exception for customer service.',
    authScopes: { roles: ['OPERATIONS'] },
    args: { input: t.arg({ type: RecordCarrierEventInput }) },
    resolve: (_root, { input }, ctx) =>
      runMutation(ctx, (tx) => recordCarrierEvent(tx, input, requireActor(ctx), 'api'), (r) => ({ shipment: r.shipment, duplicate: r.duplicate, applied: r.applied })),
  }),
}))
