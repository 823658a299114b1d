import { GraphQLError } from 'graphql'

export interface RateLimitOptions {
  /** Requests per minute for an integration (PARTNER) or anonymous caller. */
  partnerPerMinute: number
  /** Requests per minute for a staff user or key. */
  staffPerMinute: number
}

export const DEFAULT_RATE_LIMITS: RateLimitOptions = { partnerPerMinute: 600, staffPerMinute: 3000 }

/**
 * Per-client token buckets (refilled continuously), kept in this process: behind a load balancer each
 * instance enforces its share. A client over its budget gets HTTP 429 with Retry-After, nothing executes.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()
  constructor(private readonly options: RateLimitOptions = DEFAULT_RATE_LIMITS) {}

  take(clientId: string, staff: boolean, now = Date.now()): void {
    const perMinute = staff ? this.options.staffPerMinute : this.options.partnerPerMinute
    const refillPerMs = perMinute / 60_000
    const bucket = this.buckets.get(clientId) ?? { tokens: perMinute, at: now }
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * refillPerMs)
    bucket.at = now
    if (bucket.tokens < 1) {
      const retryAfter = Math.ceil((1 - bucket.tokens) / refillPerMs / 1000)
      this.buckets.set(clientId, bucket)
      throw new GraphQLError(`Rate limit of ${perMinute} requests per minute exceeded; retry in ${retryAfter} s`, {
        extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: { 'Retry-After': String(retryAfter) } } },
      })
    }
    bucket.tokens -= 1
    this.buckets.set(clientId, bucket)
    // Forget idle clients so the map does not grow without bound.
    if (this.buckets.size > 50_000) {
      for (const [id, b] of this.buckets) if (now - b.at > 120_000) this.buckets.delete(id)
    }
  }
}
