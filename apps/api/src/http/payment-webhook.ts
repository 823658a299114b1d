import crypto from 'node:crypto'
import type http from 'node:http'
import { z } from 'zod'
import type { Database } from '@ops-hub/db'
import { DomainError, inTransaction, PAYMENT_STATUSES, updateOrderPayment, type Actor, type UserErrorData } from '@ops-hub/domain'
import type { Logger } from '../logger.ts'
import { readBody, type HttpRoute } from './router.ts'

export const PAYMENT_SIGNATURE_HEADER = 'x-ops-hub-signature'

/** `sha256=<hex HMAC-SHA256 of the raw body>` with the payment webhook secret (the carrier webhook's scheme). */
export function signPaymentPayload(secret: string, rawBody: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`
}

function verify(secret: string, rawBody: string, header: string | undefined): boolean {
  if (!header) return false
  const expected = Buffer.from(signPaymentPayload(secret, rawBody), 'utf8')
  const given = Buffer.from(header.trim(), 'utf8')
  return given.length === expected.length && crypto.timingSafeEqual(given, expected)
}

const paymentEvent = z
  .object({
    /** The provider's event id: a retried delivery of the same event is applied once. */
    eventId: z.string().trim().min(1).max(200),
    orderNumber: z.string().trim().min(1).max(64).optional(),
    channelCode: z.string().trim().min(1).max(64).optional(),
    externalId: z.string().trim().min(1).max(128).optional(),
    status: z.enum(PAYMENT_STATUSES),
    fraudScore: z.number().min(0).max(1).nullish(),
  })
  .refine((e) => e.orderNumber || (e.channelCode && e.externalId), { message: 'Name the order: orderNumber, or channelCode and externalId' })

const paymentActor: Actor = { id: 'payment-webhook', role: 'FINANCE' }

function send(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body))
}

/**
 * POST /webhooks/payment: one payment event `{ eventId, orderNumber | (channelCode, externalId), status, fraudScore? }`
 * signed with `X-Ops-Hub-Signature: sha256=<hex HMAC of the raw body>` (PAYMENT_WEBHOOK_SECRET). It runs
 * `updateOrderPayment` exactly as the mutation does, with the event id as idempotency key, so a provider's retries
 * are harmless. 401 on a missing or bad signature (nothing read further), 400 on a malformed body, 422 when the
 * update is refused (unknown or cancelled order; nothing written), 200 with the order's status and what the payment
 * did otherwise. Without a configured secret the route is not served.
 */
export function paymentWebhookRoutes(db: Database, secret: string | undefined, logger: Logger): HttpRoute[] {
  if (!secret) return []
  return [
    {
      method: 'POST',
      path: '/webhooks/payment',
      async handle(req, res) {
        let raw: string
        try {
          raw = await readBody(req, 64_000)
        } catch {
          return send(res, 413, { error: 'Body too large' })
        }
        const header = req.headers[PAYMENT_SIGNATURE_HEADER]
        if (!verify(secret, raw, Array.isArray(header) ? header[0] : header)) return send(res, 401, { error: 'Missing or invalid X-Ops-Hub-Signature' })
        let json: unknown
        try {
          json = JSON.parse(raw)
        } catch {
          return send(res, 400, { error: 'Body must be JSON' })
        }
        const parsed = paymentEvent.safeParse(json)
        if (!parsed.success) return send(res, 400, { error: 'Malformed payment event', issues: parsed.error.issues.map((i) => ({ path: i.path, message: i.message })) })
        const e = parsed.data
        const order = await db.prisma.order.findFirst({
          where: e.orderNumber ? { number: e.orderNumber } : { externalId: e.externalId, channel: { code: e.channelCode } },
          select: { id: true, number: true },
        })
        const refuse = (errors: UserErrorData[]) => {
          logger.warn({ eventId: e.eventId, errors }, 'payment webhook event refused')
          send(res, 422, { eventId: e.eventId, errors })
        }
        if (!order) return refuse([{ code: 'NOT_FOUND', field: ['orderNumber'], message: `No order ${e.orderNumber ?? `${e.channelCode}/${e.externalId}`}` }])
        try {
          const r = await inTransaction(db.prisma, (tx) =>
            updateOrderPayment(tx, { orderId: order.id, status: e.status, fraudScore: e.fraudScore, idempotencyKey: `webhook:${e.eventId}` }, paymentActor),
          )
          send(res, 200, { eventId: e.eventId, orderNumber: order.number, status: r.order.status, paymentStatus: r.order.paymentStatus, outcome: r.outcome, replayed: r.replayed })
        } catch (err) {
          if (!(err instanceof DomainError)) throw err
          refuse(err.errors)
        }
      },
    },
  ]
}
