import type { Redis } from 'ioredis'

/** One client's bucket: how much it holds at most and how fast it refills (points per second). */
export interface BucketLimits {
  maximumAvailable: number
  restoreRate: number
}

export interface BucketState {
  /** False: the bucket could not cover the cost and nothing was taken. */
  ok: boolean
  /** Points left after this call (fractions kept: the bucket refills continuously). */
  available: number
}

/**
 * Leaky buckets of query cost, one per client (API key or user), refilled continuously at `restoreRate` up to
 * `maximumAvailable` (Shopify's calculated-cost throttle). `take` removes the cost only if the bucket covers it;
 * `refund` gives back what a request did not use (requested minus actual cost).
 */
export interface CostBuckets {
  take(client: string, cost: number, limits: BucketLimits): Promise<BucketState>
  refund(client: string, points: number, limits: BucketLimits): Promise<BucketState>
  peek(client: string, limits: BucketLimits): Promise<BucketState>
}

/** Buckets in this process: right for one instance (the embedded default). */
export class InProcessBuckets implements CostBuckets {
  private readonly buckets = new Map<string, { level: number; at: number }>()
  constructor(private readonly clock: () => number = Date.now) {}

  private level(client: string, limits: BucketLimits, now: number) {
    const b = this.buckets.get(client)
    return b ? Math.min(limits.maximumAvailable, b.level + ((now - b.at) / 1000) * limits.restoreRate) : limits.maximumAvailable
  }

  private apply(client: string, delta: number, limits: BucketLimits, onlyIfCovered: boolean): BucketState {
    const now = this.clock()
    const level = this.level(client, limits, now)
    if (onlyIfCovered && level + delta < 0) {
      this.buckets.set(client, { level, at: now })
      return { ok: false, available: level }
    }
    const next = Math.min(limits.maximumAvailable, level + delta)
    this.buckets.set(client, { level: next, at: now })
    // Forget clients whose bucket is full again, so the map does not grow without bound.
    if (this.buckets.size > 50_000) {
      for (const [id, b] of this.buckets) if (this.level(id, limits, now) >= limits.maximumAvailable && b.at < now - 60_000) this.buckets.delete(id)
    }
    return { ok: true, available: next }
  }

  async take(client: string, cost: number, limits: BucketLimits) {
    return this.apply(client, -cost, limits, true)
  }
  async refund(client: string, points: number, limits: BucketLimits) {
    return this.apply(client, points, limits, false)
  }
  async peek(client: string, limits: BucketLimits) {
    return { ok: true, available: this.level(client, limits, this.clock()) }
  }
}

/**
 * One atomic step on a bucket kept in a Redis hash {level, at}: refill by the time passed (Redis's own clock, so
 * instances with skewed clocks agree), then add `delta` - when `covered` is 1, only if the result stays >= 0.
 * The key expires once the bucket would be full again: an idle client costs no memory.
 */
const BUCKET_SCRIPT = `
local max = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local delta = tonumber(ARGV[3])
local covered = ARGV[4] == '1'
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local level = max
local stored = redis.call('HMGET', KEYS[1], 'level', 'at')
if stored[1] then
  level = math.min(max, tonumber(stored[1]) + (now - tonumber(stored[2])) / 1000 * rate)
end
local ok = 1
if covered and level + delta < 0 then
  ok = 0
else
  level = math.min(max, level + delta)
end
redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', tostring(now))
local full_in = 1000
if rate > 0 then full_in = math.ceil((max - level) / rate * 1000) + 1000 end
redis.call('PEXPIRE', KEYS[1], full_in)
return {ok, tostring(level)}
`

/** Buckets shared by every API instance through Redis (REDIS_URL): a client cannot multiply its budget by instances. */
export class RedisBuckets implements CostBuckets {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('opsHubBucket', { numberOfKeys: 1, lua: BUCKET_SCRIPT })
  }

  private async step(client: string, delta: number, limits: BucketLimits, covered: boolean): Promise<BucketState> {
    const run = (this.redis as unknown as { opsHubBucket: (...a: Array<string | number>) => Promise<[number, string]> }).opsHubBucket
    const [ok, level] = await run.call(this.redis, `${this.prefix}:bucket:${client}`, limits.maximumAvailable, limits.restoreRate, delta, covered ? '1' : '0')
    return { ok: Number(ok) === 1, available: Number(level) }
  }

  take(client: string, cost: number, limits: BucketLimits) {
    return this.step(client, -cost, limits, true)
  }
  refund(client: string, points: number, limits: BucketLimits) {
    return this.step(client, points, limits, false)
  }
  peek(client: string, limits: BucketLimits) {
    return this.step(client, 0, limits, false)
  }
}
