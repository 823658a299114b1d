import type { Database } from '@ops-hub/db'
import { checkWebhookUrl, claimDueWebhookDeliveries, DomainError, recordWebhookAttempt, SIGNATURE_HEADER, TIMESTAMP_HEADER, webhookBody, webhookSignature } from '@ops-hub/domain'
import type { PubSub } from '@ops-hub/schema'
import type { Logger } from '../logger.ts'
import { startOutboxWorker } from './outbox-worker.ts'

export interface WebhookWorkerOptions {
  /** HUB_WEBHOOKS_ALLOW_PRIVATE=1: loopback and private receivers allowed (tests, receivers on the same network). */
  allowPrivate: boolean
  /** How often due retries are looked for (new deliveries wake the worker at once). */
  pollMs?: number
  /** Scales the retry schedule (5 s, 20 s, 80 s... by default); tests shorten it. */
  retryBaseMs?: number
  /** How long a receiver may take to answer. */
  timeoutMs?: number
}

const TOPICS_WITH_WEBHOOKS = new Set(['order.status_changed', 'shipment.changed', 'stock.changed', 'stock.available'])

/**
 * Sends webhook deliveries: claims due rows (SKIP LOCKED, leased, so instances share them and a crash mid-send only
 * delays a try), renders the body at the first try, POSTs it signed (x-ops-hub-timestamp, x-ops-hub-signature) and
 * records the outcome: delivered on a 2xx, else retried with exponential backoff, dead-lettered after the setting's
 * number of tries. Woken by the outbox events that fan out to webhooks, and by a timer for retries.
 */
export function startWebhookWorker(db: Database, pubsub: PubSub, topic: string, logger: Logger, options: WebhookWorkerOptions) {
  let stopped = false

  async function send(d: Awaited<ReturnType<typeof claimDueWebhookDeliveries>>[number]) {
    const started = performance.now()
    let outcome: { ok: boolean; statusCode: number | null; error: string | null }
    try {
      // Checked again before every try: the name may resolve elsewhere now than when the subscription was made.
      await checkWebhookUrl(d.url, { allowPrivate: options.allowPrivate })
      const body = await webhookBody(db.prisma, d)
      const timestamp = Math.floor(Date.now() / 1000)
      const res = await fetch(d.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'ops-hub-webhooks/1',
          'x-ops-hub-topic': d.topic,
          'x-ops-hub-delivery': String(d.id),
          'x-ops-hub-event': String(d.outboxEventId),
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: webhookSignature(d.secret, timestamp, body),
        },
        body,
      })
      await res.body?.cancel().catch(() => {})
      outcome = { ok: res.status >= 200 && res.status < 300, statusCode: res.status, error: res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}` }
    } catch (err) {
      outcome = { ok: false, statusCode: null, error: err instanceof DomainError ? err.message : `${(err as Error).name}: ${(err as Error).message}` }
    }
    await recordWebhookAttempt(db.prisma, d.id, { ...outcome, durationMs: performance.now() - started }, { retryBaseMs: options.retryBaseMs })
    if (!outcome.ok) logger.warn({ delivery: d.id, subscription: d.subscriptionId, error: outcome.error }, 'webhook delivery failed; retried later')
  }

  const worker = startOutboxWorker({
    name: 'webhook delivery',
    pubsub,
    topic,
    logger,
    everyMs: options.pollMs ?? 1_000,
    onEvent: (event) => TOPICS_WITH_WEBHOOKS.has(event.topic),
    async work() {
      while (!stopped) {
        const due = await claimDueWebhookDeliveries(db.prisma, { limit: 20 })
        if (due.length === 0) break
        await Promise.all(due.map(send))
      }
    },
  })
  return {
    kick: worker.kick,
    async stop() {
      stopped = true
      await worker.stop()
    },
  }
}
