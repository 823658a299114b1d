import { Prisma, type PrismaClient, type Tx, type WebhookTopic } from '@ops-hub/db'
import { systemActor } from '../shared/actor.ts'
import { getSetting } from '../settings/settings.ts'
import { availableToSell } from '../channels/queries/available-to-sell.ts'
import { webhookRetryDelayMs } from './signature.ts'

/** A committed outbox event as the relay hands it over. */
export interface RelayedEvent {
  id: number
  topic: string
  aggregateType: string
  aggregateId: number
  payload: Record<string, unknown>
  createdAt: Date | string
}

/** Which outbox events each webhook topic pushes. */
const WEBHOOK_TOPIC_OF: Record<string, WebhookTopic> = {
  'order.status_changed': 'ORDER_STATUS_CHANGED',
  'shipment.changed': 'SHIPMENT_MILESTONE',
  'stock.changed': 'INVENTORY_AVAILABILITY_CHANGED',
  'stock.available': 'INVENTORY_AVAILABILITY_CHANGED',
}

type Subject = { orderId: number; from?: unknown; to?: unknown } | { shipmentId: number; orderId: number; reported?: unknown } | { skuIds: number[] }

const num = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : null)

/**
 * Turns committed events into delivery rows for the subscriptions that want them, in the relay's transaction (the
 * one that marks the events published): an event is fanned out exactly once, and a crash loses none. A partner's
 * subscription gets only its channel's orders and shipments; an inventory subscription gets one delivery per relay
 * batch with every SKU whose availability the batch may have changed (the figure is computed when it is sent).
 */
export async function fanOutWebhooks(tx: Tx, events: RelayedEvent[]): Promise<number> {
  const relevant = events.filter((e) => WEBHOOK_TOPIC_OF[e.topic])
  if (relevant.length === 0) return 0
  const topics = [...new Set(relevant.map((e) => WEBHOOK_TOPIC_OF[e.topic]))]
  const subs = await tx.$queryRaw<Array<{ id: number; topic: WebhookTopic; channel_id: number | null; created_at: Date }>>`
    SELECT id, topic, channel_id, created_at FROM webhook_subscriptions
    WHERE active AND deleted_at IS NULL AND topic::text = ANY(${topics}::text[])`
  if (subs.length === 0) return 0
  const wanted = (topic: WebhookTopic) => subs.some((s) => s.topic === topic)

  // The channel of each order the events are about (shipment events carry their order).
  const orderOf = (e: RelayedEvent) => (e.aggregateType === 'Order' ? e.aggregateId : num(e.payload.orderId))
  const orderIds = [...new Set(relevant.filter((e) => WEBHOOK_TOPIC_OF[e.topic] !== 'INVENTORY_AVAILABILITY_CHANGED').map(orderOf).filter((id): id is number => id !== null))]
  const channelOfOrder = new Map<number, number>()
  if (orderIds.length && (wanted('ORDER_STATUS_CHANGED') || wanted('SHIPMENT_MILESTONE'))) {
    const rows = await tx.$queryRaw<Array<{ id: number; channel_id: number }>>`SELECT id, channel_id FROM orders WHERE id = ANY(${orderIds}::int[])`
    for (const r of rows) channelOfOrder.set(r.id, r.channel_id)
  }
  const skusOf = wanted('INVENTORY_AVAILABILITY_CHANGED') ? await skusTouched(tx, relevant.filter((e) => WEBHOOK_TOPIC_OF[e.topic] === 'INVENTORY_AVAILABILITY_CHANGED')) : new Map<number, number[]>()

  const rows: Array<{ subscriptionId: number; eventId: number; topic: WebhookTopic; subject: Subject }> = []
  for (const sub of subs) {
    const after = (e: RelayedEvent) => new Date(e.createdAt).getTime() >= sub.created_at.getTime()
    const mine = relevant.filter((e) => WEBHOOK_TOPIC_OF[e.topic] === sub.topic && after(e))
    if (sub.topic === 'INVENTORY_AVAILABILITY_CHANGED') {
      const skuIds = [...new Set(mine.flatMap((e) => skusOf.get(e.id) ?? []))].sort((a, b) => a - b)
      if (skuIds.length) rows.push({ subscriptionId: sub.id, eventId: mine[0].id, topic: sub.topic, subject: { skuIds } })
      continue
    }
    for (const e of mine) {
      const orderId = orderOf(e)
      if (orderId === null) continue
      const channelId = num(e.payload.channelId) ?? channelOfOrder.get(orderId)
      if (sub.channel_id !== null && sub.channel_id !== channelId) continue
      const subject: Subject =
        sub.topic === 'ORDER_STATUS_CHANGED'
          ? { orderId, from: e.payload.from ?? null, to: e.payload.to ?? null }
          : { shipmentId: e.aggregateId, orderId, reported: e.payload.reported ?? e.payload.status ?? null }
      rows.push({ subscriptionId: sub.id, eventId: e.id, topic: sub.topic, subject })
    }
  }
  if (rows.length === 0) return 0
  return tx.$executeRaw`
    INSERT INTO webhook_deliveries (subscription_id, outbox_event_id, topic, subject, next_attempt_at, created_at)
    VALUES ${Prisma.join(rows.map((r) => Prisma.sql`(${r.subscriptionId}::int, ${r.eventId}::int, ${r.topic}::"WebhookTopic", ${JSON.stringify(r.subject)}::jsonb, now(), now())`))}
    ON CONFLICT (subscription_id, outbox_event_id) DO NOTHING`
}

/** The SKUs whose stock each inventory event moved. */
async function skusTouched(tx: Tx, events: RelayedEvent[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>()
  const byAggregate = (type: string) => events.filter((e) => e.aggregateType === type).map((e) => e.aggregateId)
  for (const e of events) {
    const ids = [num(e.payload.skuId), ...(Array.isArray(e.payload.skuIds) ? e.payload.skuIds.map(num) : [])].filter((id): id is number => id !== null)
    if (ids.length) out.set(e.id, ids)
  }
  const lookups: Array<[string, number[], (ids: number[]) => Promise<Array<{ ref: number; sku_id: number }>>]> = [
    ['Transfer', byAggregate('Transfer'), (ids) => tx.$queryRaw`SELECT transfer_id AS ref, sku_id FROM transfer_lines WHERE transfer_id = ANY(${ids}::int[])`],
    ['CycleCount', byAggregate('CycleCount'), (ids) => tx.$queryRaw`SELECT id AS ref, sku_id FROM cycle_counts WHERE id = ANY(${ids}::int[])`],
    [
      'InventoryFeed',
      byAggregate('InventoryFeed'),
      (ids) => tx.$queryRaw`SELECT DISTINCT substr(reference_document_uri, 6)::int AS ref, sku_id FROM adjustments WHERE reference_document_uri = ANY(${ids.map((i) => `feed:${i}`)}::text[])`,
    ],
  ]
  for (const [type, ids, read] of lookups) {
    if (!ids.length) continue
    const rows = await read(ids)
    for (const e of events.filter((x) => x.aggregateType === type)) {
      const skus = rows.filter((r) => r.ref === e.aggregateId).map((r) => r.sku_id)
      if (skus.length) out.set(e.id, [...(out.get(e.id) ?? []), ...skus])
    }
  }
  return out
}

export interface ClaimedDelivery {
  id: number
  subscriptionId: number
  outboxEventId: number
  topic: WebhookTopic
  subject: Subject
  payload: unknown
  tries: number
  url: string
  secret: string
  channelCode: string | null
}

/**
 * Claims deliveries that are due, for this instance: rows locked with SKIP LOCKED (other instances take others) and
 * leased by pushing their next try `leaseMs` ahead, so a process that dies mid-send leaves them to be tried again
 * when the lease ends. Deliveries of paused subscriptions wait.
 */
export async function claimDueWebhookDeliveries(db: PrismaClient, opts: { now?: Date; limit?: number; leaseMs?: number } = {}): Promise<ClaimedDelivery[]> {
  const now = opts.now ?? new Date()
  const leaseUntil = new Date(now.getTime() + (opts.leaseMs ?? 60_000))
  const rows = await db.$queryRaw<
    Array<{ id: number; subscription_id: number; outbox_event_id: number; topic: WebhookTopic; subject: Subject; payload: unknown; tries: number; url: string; secret: string; channel_code: string | null }>
  >`
    WITH due AS (
      SELECT d.id FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id AND s.active AND s.deleted_at IS NULL
      WHERE d.status = 'PENDING' AND d.next_attempt_at <= ${now}
      ORDER BY d.next_attempt_at, d.id LIMIT ${opts.limit ?? 20}
      FOR UPDATE OF d SKIP LOCKED
    ), leased AS (
      UPDATE webhook_deliveries d SET next_attempt_at = ${leaseUntil} FROM due WHERE d.id = due.id
      RETURNING d.id, d.subscription_id, d.outbox_event_id, d.topic, d.subject, d.payload, d.tries
    )
    SELECT l.*, s.url, s.secret, c.code AS channel_code
    FROM leased l JOIN webhook_subscriptions s ON s.id = l.subscription_id LEFT JOIN channels c ON c.id = s.channel_id
    ORDER BY l.id`
  return rows.map((r) => ({
    id: r.id,
    subscriptionId: r.subscription_id,
    outboxEventId: r.outbox_event_id,
    topic: r.topic,
    subject: (typeof r.subject === 'string' ? JSON.parse(r.subject) : r.subject) as Subject,
    payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
    tries: r.tries,
    url: r.url,
    secret: r.secret,
    channelCode: r.channel_code,
  }))
}

/**
 * The body of a delivery, rendered at its first try and then kept (every retry sends the same bytes). Orders and
 * shipments as they stand; inventory as availableToSell computes it for the subscription's channel.
 */
export async function webhookBody(db: PrismaClient, d: ClaimedDelivery, now = new Date()): Promise<string> {
  if (d.payload) return canonicalJson(d.payload)
  const [event] = await db.$queryRaw<Array<{ created_at: Date }>>`SELECT created_at FROM outbox_events WHERE id = ${d.outboxEventId}`
  const envelope = { topic: d.topic, eventId: d.outboxEventId, deliveryId: d.id, occurredAt: (event?.created_at ?? now).toISOString() }
  let data: Record<string, unknown>
  if ('skuIds' in d.subject) {
    const skus = await db.sku.findMany({ where: { id: { in: d.subject.skuIds } }, select: { code: true }, orderBy: { code: 'asc' } })
    const figures = skus.length ? await availableToSell(db, { skus: skus.map((s) => s.code), channelCode: d.channelCode }, systemActor, now) : []
    data = {
      channelCode: d.channelCode,
      items: figures.map((f) => ({ sku: f.sku, availableToSell: f.availableToSell, nodes: f.nodes.map((n) => ({ locationCode: n.locationCode, promisable: n.promisable })) })),
    }
  } else {
    const order = await db.order.findUnique({ where: { id: d.subject.orderId }, include: { channel: { select: { code: true } } } })
    const orderPart = order && { number: order.number, externalId: order.externalId, channelCode: order.channel.code, status: order.status }
    if ('shipmentId' in d.subject) {
      const shipment = await db.shipment.findUnique({ where: { id: d.subject.shipmentId }, include: { milestones: { orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }], take: 1 } } })
      const m = shipment?.milestones[0]
      data = {
        order: orderPart,
        shipment: shipment && {
          trackingNumber: shipment.trackingNumber,
          carrier: shipment.carrier,
          service: shipment.service,
          status: shipment.status,
          reported: d.subject.reported,
          projectedDeliveryAt: shipment.projectedDeliveryAt?.toISOString() ?? null,
          lastMilestone: m ? { status: m.status, occurredAt: m.occurredAt.toISOString(), location: m.location } : null,
        },
      }
    } else {
      data = { order: orderPart && { ...orderPart, previousStatus: d.subject.from ?? null, newStatus: d.subject.to ?? null } }
    }
  }
  const payload = { ...envelope, data }
  await db.webhookDelivery.updateMany({ where: { id: d.id, payload: { equals: Prisma.DbNull } }, data: { payload: payload as Prisma.InputJsonObject } })
  return canonicalJson(payload)
}

/** JSON with keys sorted at every level: the stored jsonb reorders keys, and every try must send the same bytes. */
function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])])) : v
  return JSON.stringify(sort(value))
}

export interface AttemptOutcome {
  ok: boolean
  statusCode: number | null
  error: string | null
  durationMs: number
}

/**
 * Records one try: delivered on a 2xx; otherwise retried after webhookRetryDelayMs, and dead-lettered once it has
 * been tried `webhooks.maxTries` times (redeliverWebhook starts it again).
 */
export async function recordWebhookAttempt(db: PrismaClient, deliveryId: number, outcome: AttemptOutcome, opts: { now?: Date; retryBaseMs?: number } = {}) {
  const now = opts.now ?? new Date()
  const maxTries = await getSetting(db, 'webhooks.maxTries')
  return db.$transaction(async (tx) => {
    const d = await tx.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })
    const tries = d.tries + 1
    await tx.webhookAttempt.create({ data: { deliveryId, at: now, statusCode: outcome.statusCode, error: outcome.error?.slice(0, 500) ?? null, durationMs: Math.round(outcome.durationMs) } })
    return tx.webhookDelivery.update({
      where: { id: deliveryId },
      data: outcome.ok
        ? { status: 'DELIVERED', tries, deliveredAt: now, lastAttemptAt: now, lastStatusCode: outcome.statusCode, lastError: null }
        : {
            status: tries >= maxTries ? 'DEAD' : 'PENDING',
            tries,
            nextAttemptAt: new Date(now.getTime() + webhookRetryDelayMs(tries, opts.retryBaseMs)),
            lastAttemptAt: now,
            lastStatusCode: outcome.statusCode,
            lastError: outcome.error?.slice(0, 500) ?? null,
          },
    })
  })
}
