import crypto from 'node:crypto'
import type http from 'node:http'
import type { Database } from '@ops-hub/db'
import { DomainError, inTransaction, recordCarrierEvent, type Actor, type RecordCarrierEventInput } from '@ops-hub/domain'
import type { Logger } from '../logger.ts'
import { readBody, type HttpRoute } from './router.ts'

export const CARRIER_SIGNATURE_HEADER = 'x-ops-hub-signature'

/** `sha256=<hex HMAC-SHA256 of the raw body>` with the shared secret, as carriers are told to send it. */
export function signCarrierPayload(secret: string, rawBody: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`
}

/** Constant-time comparison, so the response time does not reveal how much of a forged signature was right. */
export function verifyCarrierSignature(secret: string, rawBody: string, header: string | undefined): boolean {
  if (!header) return false
  const expected = Buffer.from(signCarrierPayload(secret, rawBody), 'utf8')
  const given = Buffer.from(header.trim(), 'utf8')
  return given.length === expected.length && crypto.timingSafeEqual(given, expected)
}

const carrierActor: Actor = { id: 'carrier-webhook', role: 'OPERATIONS' }

function send(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body))
}

/**
 * POST /webhooks/carrier: one milestone `{ trackingNumber, status, occurredAt, location?, description?, externalEventId? }`
 * (or an array of them), signed with `X-Ops-Hub-Signature: sha256=<hex HMAC of the raw body>`. 401 on a missing or
 * bad signature (nothing read further), 400 on bad JSON, 422 when an event is refused (unknown tracking number,
 * invalid status), 200 with per-event results otherwise; a duplicate answers 200 with `duplicate: true`, so carrier
 * retries are harmless. Without a configured secret the route is not served at all.
 */
export function carrierWebhookRoutes(db: Database, secret: string | undefined, logger: Logger): HttpRoute[] {
  if (!secret) return []
  return [
    {
      method: 'POST',
      path: '/webhooks/carrier',
      async handle(req, res) {
        let raw: string
        try {
          raw = await readBody(req, 256_000)
        } catch {
          return send(res, 413, { error: 'Body too large' })
        }
        const header = req.headers[CARRIER_SIGNATURE_HEADER]
        if (!verifyCarrierSignature(secret, raw, Array.isArray(header) ? header[0] : header)) {
          return send(res, 401, { error: 'Missing or invalid X-Ops-Hub-Signature' })
        }
        let json: unknown
        try {
          json = JSON.parse(raw)
        } catch {
          return send(res, 400, { error: 'Body must be JSON' })
        }
        const events = (Array.isArray(json) ? json : [json]) as RecordCarrierEventInput[]
        if (events.length === 0 || events.length > 100 || events.some((e) => typeof e !== 'object' || e === null)) {
          return send(res, 400, { error: 'Send one event object or an array of 1..100' })
        }
        const results = []
        for (const event of events) {
          try {
            // One transaction per event: a bad event does not undo the good ones before it.
            const r = await inTransaction(db.prisma, (tx) => recordCarrierEvent(tx, event, carrierActor, 'webhook'))
            results.push({ trackingNumber: r.shipment.trackingNumber, status: r.shipment.status, duplicate: r.duplicate, applied: r.applied })
          } catch (err) {
            if (!(err instanceof DomainError)) throw err
            results.push({ trackingNumber: (event as { trackingNumber?: unknown }).trackingNumber ?? null, errors: err.errors })
          }
        }
        const refused = results.filter((r) => 'errors' in r).length
        if (refused) logger.warn({ refused }, 'carrier webhook events refused')
        send(res, refused === results.length ? 422 : 200, Array.isArray(json) ? { results } : results[0])
      },
    },
  ]
}
