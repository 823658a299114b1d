import type { Prisma, WebhookSubscriptionModel } from '@ops-hub/db'
import { createWebhookSubscription, deleteWebhookSubscription, redeliverWebhook, setWebhookSubscriptionActive, WEBHOOK_TOPICS } from '@ops-hub/domain'
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.ts'
import type { Context } from '../../context.ts'
import { requireActor, runMutation, UserError } from '../../errors.ts'

export const WebhookTopicEnum = builder.enumType('WebhookTopic', {
  description:
    'ORDER_STATUS_CHANGED: an order moved (previous and new status). SHIPMENT_MILESTONE: a shipment was created or a carrier milestone reported. INVENTORY_AVAILABILITY_CHANGED: stock moved for SKUs; carries what the channel may sell now (availableToSell).',
  values: WEBHOOK_TOPICS,
})
const WebhookDeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  description: 'PENDING: waiting for its next try. DELIVERED: the receiver answered 2xx. DEAD: tried webhooks.maxTries times without success (redeliverWebhook starts it again).',
  values: ['PENDING', 'DELIVERED', 'DEAD'] as const,
})

/** Partners see the subscriptions (and deliveries) of their own channel; staff see all. */
function subscriptionVisibility(ctx: Context): Prisma.WebhookSubscriptionWhereInput {
  return ctx.partnerChannelId !== null ? { channelId: ctx.partnerChannelId, deletedAt: null } : { deletedAt: null }
}

/** Set on the subscription a create returns: its secret is shown that once. */
const REVEAL = Symbol('reveal webhook secret')

export const WebhookSubscription = builder.prismaNode('WebhookSubscription', {
  id: { field: 'id' },
  authScopes: (sub, ctx) => ctx.actor !== null && (ctx.actor.role !== 'PARTNER' || sub.channelId === ctx.partnerChannelId),
  fields: (t) => ({
    topic: t.expose('topic', { type: WebhookTopicEnum }),
    url: t.exposeString('url'),
    channel: t.relation('channel', { nullable: true, description: 'Null: every channel (staff subscriptions only).' }),
    active: t.exposeBoolean('active'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    createdBy: t.exposeString('createdBy'),
    secret: t.string({
      nullable: true,
      description:
        'The HMAC secret, returned once by createWebhookSubscription (null afterwards). Verify x-ops-hub-signature = "sha256=" + hex(HMAC-SHA256(secret, x-ops-hub-timestamp + "." + raw body)).',
      resolve: (sub) => ((sub as unknown as Record<symbol, boolean>)[REVEAL] ? sub.secret : null),
    }),
    deliveries: t.relatedConnection('deliveries', { cursor: 'id', defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE, totalCount: true, query: { orderBy: { id: 'desc' } } }),
  }),
})

const WebhookAttempt = builder.prismaObject('WebhookAttempt', {
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime' }),
    statusCode: t.exposeInt('statusCode', { nullable: true, description: "The receiver's HTTP status; null when it could not be reached." }),
    error: t.exposeString('error', { nullable: true }),
    durationMs: t.exposeInt('durationMs'),
  }),
})

export const WebhookDelivery = builder.prismaNode('WebhookDelivery', {
  id: { field: 'id' },
  select: { subscription: { select: { channelId: true } } },
  authScopes: (d, ctx) => ctx.actor !== null && (ctx.actor.role !== 'PARTNER' || d.subscription.channelId === ctx.partnerChannelId),
  fields: (t) => ({
    subscription: t.relation('subscription'),
    topic: t.expose('topic', { type: WebhookTopicEnum }),
    eventId: t.exposeInt('outboxEventId', { description: 'The event delivered (the same in the body); receivers deduplicate by it.' }),
    status: t.expose('status', { type: WebhookDeliveryStatusEnum }),
    tries: t.exposeInt('tries', { description: 'Tries since it was created or last redelivered.' }),
    nextAttemptAt: t.field({ type: 'DateTime', nullable: true, select: { nextAttemptAt: true, status: true }, resolve: (d) => (d.status === 'PENDING' ? d.nextAttemptAt : null) }),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true }),
    lastStatusCode: t.exposeInt('lastStatusCode', { nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    payload: t.expose('payload', { type: 'JSON', nullable: true, description: 'The body sent (rendered at the first try, then identical on every retry).' }),
    attempts: t.relation('attempts', { query: { orderBy: { id: 'asc' } } }),
  }),
})
void WebhookAttempt

const DeliveryFilter = builder.inputType('WebhookDeliveryFilter', {
  fields: (t) => ({
    subscriptionId: t.globalID({ for: WebhookSubscription, required: false }),
    status: t.field({ type: [WebhookDeliveryStatusEnum], required: false }),
    topic: t.field({ type: WebhookTopicEnum, required: false }),
  }),
})

builder.queryFields((t) => ({
  webhookSubscriptions: t.prismaConnection(
    {
      type: 'WebhookSubscription',
      cursor: 'id',
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      description: 'Newest first. Partners see their own channel\'s.',
      authScopes: { roles: ['OPERATIONS', 'PARTNER'] },
      resolve: (query, _r, _a, ctx) => ctx.prisma.webhookSubscription.findMany({ ...query, where: subscriptionVisibility(ctx), orderBy: { id: 'desc' } }),
      totalCount: (_p, _a, ctx) => ctx.prisma.webhookSubscription.count({ where: subscriptionVisibility(ctx) }),
    },
    { name: 'WebhookSubscriptionConnection' },
    { name: 'WebhookSubscriptionEdge' },
  ),
  webhookDeliveries: t.prismaConnection(
    {
      type: 'WebhookDelivery',
      cursor: 'id',
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      description: 'The delivery log, newest first: status, tries, the last answer and every attempt. Partners see their own channel\'s.',
      authScopes: { roles: ['OPERATIONS', 'PARTNER'] },
      args: { filter: t.arg({ type: DeliveryFilter, required: false }) },
      resolve: (query, _r, args, ctx) => ctx.prisma.webhookDelivery.findMany({ ...query, where: deliveryWhere(ctx, args.filter), orderBy: { id: 'desc' } }),
      totalCount: (_p, args, ctx) => ctx.prisma.webhookDelivery.count({ where: deliveryWhere(ctx, args.filter) }),
    },
    { name: 'WebhookDeliveryConnection' },
    { name: 'WebhookDeliveryEdge' },
  ),
}))

function deliveryWhere(ctx: Context, filter?: { subscriptionId?: { id: string } | null; status?: string[] | null; topic?: string | null } | null): Prisma.WebhookDeliveryWhereInput {
  return {
    subscription: ctx.partnerChannelId !== null ? { channelId: ctx.partnerChannelId } : {},
    ...(filter?.subscriptionId ? { subscriptionId: Number(filter.subscriptionId.id) } : {}),
    ...(filter?.status?.length ? { status: { in: filter.status as never } } : {}),
    ...(filter?.topic ? { topic: filter.topic as never } : {}),
  }
}

const CreateWebhookSubscriptionInput = builder.inputType('CreateWebhookSubscriptionInput', {
  fields: (t) => ({
    topic: t.field({ type: WebhookTopicEnum }),
    url: t.string({ description: 'http(s) only; loopback and private addresses (also behind a host name) are refused unless HUB_WEBHOOKS_ALLOW_PRIVATE=1.' }),
    channelCode: t.string({ required: false, description: "A partner's own channel when omitted; staff may omit it for every channel (not for INVENTORY_AVAILABILITY_CHANGED)." }),
  }),
})
const WebhookSubscriptionPayload = builder.simpleObject('WebhookSubscriptionPayload', {
  fields: (t) => ({ webhookSubscription: t.field({ type: WebhookSubscription, nullable: true }), userErrors: t.field({ type: [UserError] }) }),
})
const WebhookSubscriptionIdInput = builder.inputType('WebhookSubscriptionIdInput', { fields: (t) => ({ id: t.globalID({ for: WebhookSubscription }) }) })
const SetWebhookSubscriptionActiveInput = builder.inputType('SetWebhookSubscriptionActiveInput', {
  fields: (t) => ({ id: t.globalID({ for: WebhookSubscription }), active: t.boolean() }),
})
const RedeliverWebhookInput = builder.inputType('RedeliverWebhookInput', { fields: (t) => ({ deliveryId: t.globalID({ for: WebhookDelivery }) }) })
const WebhookDeliveryPayload = builder.simpleObject('WebhookDeliveryPayload', {
  fields: (t) => ({ webhookDelivery: t.field({ type: WebhookDelivery, nullable: true }), userErrors: t.field({ type: [UserError] }) }),
})

const revealed = (sub: WebhookSubscriptionModel) => Object.assign(sub, { [REVEAL]: true })

builder.mutationFields((t) => ({
  createWebhookSubscription: t.field({
    type: WebhookSubscriptionPayload,
    description: 'Pushes one topic of events to a URL as signed JSON POSTs, retried with backoff. The secret is returned this once.',
    authScopes: { roles: ['OPERATIONS', 'PARTNER'] },
    args: { input: t.arg({ type: CreateWebhookSubscriptionInput }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(
        ctx,
        (tx) => createWebhookSubscription(tx, input, requireActor(ctx), { allowPrivate: ctx.allowPrivateWebhooks ?? false }),
        (sub) => ({ webhookSubscription: revealed(sub) }),
      ),
  }),
  setWebhookSubscriptionActive: t.field({
    type: WebhookSubscriptionPayload,
    description: 'Pauses (deliveries wait) or resumes a subscription.',
    authScopes: { roles: ['OPERATIONS', 'PARTNER'] },
    args: { input: t.arg({ type: SetWebhookSubscriptionActiveInput }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(ctx, (tx) => setWebhookSubscriptionActive(tx, { id: Number(input.id.id), active: input.active }, requireActor(ctx)), (sub) => ({ webhookSubscription: sub })),
  }),
  deleteWebhookSubscription: t.field({
    type: WebhookSubscriptionPayload,
    description: 'Ends a subscription; its delivery log is kept.',
    authScopes: { roles: ['OPERATIONS', 'PARTNER'] },
    args: { input: t.arg({ type: WebhookSubscriptionIdInput }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(ctx, (tx) => deleteWebhookSubscription(tx, { id: Number(input.id.id) }, requireActor(ctx)), (sub) => ({ webhookSubscription: sub })),
  }),
  redeliverWebhook: t.field({
    type: WebhookDeliveryPayload,
    description: 'Sends a delivery again from its first try (same body and event id).',
    authScopes: { roles: ['OPERATIONS', 'PARTNER'] },
    args: { input: t.arg({ type: RedeliverWebhookInput }) },
    resolve: (_r, { input }, ctx) =>
      runMutation(ctx, (tx) => redeliverWebhook(tx, { deliveryId: Number(input.deliveryId.id) }, requireActor(ctx)), (webhookDelivery) => ({ webhookDelivery })),
  }),
}))
