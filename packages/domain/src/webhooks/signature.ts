import crypto from 'node:crypto'

/** The headers that let a receiver prove a webhook came from the hub and is fresh. */
export const SIGNATURE_HEADER = 'x-ops-hub-signature'
export const TIMESTAMP_HEADER = 'x-ops-hub-timestamp'

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" keyed with the subscription's secret>` (Stripe's scheme). */
export function webhookSignature(secret: string, timestamp: number | string, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/** A new subscription secret, shown to its creator once. */
export function newWebhookSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64url')}`
}

/**
 * When the next try of a delivery that failed `tries` times is due: 5 s, 20 s, 80 s... (x4), at most 6 hours, so
 * the first three tries fall within 30 s and eight span about seven hours. `baseMs` scales it (tests).
 */
export function webhookRetryDelayMs(tries: number, baseMs = 5_000): number {
  return Math.min(baseMs * 4 ** Math.max(0, tries - 1), 6 * 3_600_000)
}
