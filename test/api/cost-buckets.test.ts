import { afterAll, describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import { InProcessBuckets, RedisBuckets, type CostBuckets } from '../../apps/api/src/rate-limit.ts'

const limits = { maximumAvailable: 1000, restoreRate: 50 }

describe('leaky bucket of query cost (in process)', () => {
  it('takes only what it holds, refills at restoreRate per second up to the maximum, and gives back refunds', async () => {
    let now = 1_000_000
    const buckets = new InProcessBuckets(() => now)
    expect(await buckets.take('k', 700, limits)).toEqual({ ok: true, available: 300 })
    expect(await buckets.take('k', 301, limits)).toEqual({ ok: false, available: 300 })
    now += 2_000 // 2 s x 50 = 100 points
    expect(await buckets.peek('k', limits)).toEqual({ ok: true, available: 400 })
    expect(await buckets.refund('k', 150, limits)).toEqual({ ok: true, available: 550 })
    now += 60_000
    expect(await buckets.peek('k', limits)).toEqual({ ok: true, available: 1000 })
    expect(await buckets.take('other', 1000, limits)).toEqual({ ok: true, available: 0 })
    expect((await buckets.peek('k', limits)).available).toBe(1000)
  })
})

const REDIS_URL = process.env.REDIS_URL
describe.skipIf(!REDIS_URL)('leaky bucket shared through Redis (needs REDIS_URL)', () => {
  const connections: Redis[] = []
  afterAll(() => connections.forEach((c) => c.disconnect()))
  const instance = (prefix: string): CostBuckets => {
    const redis = new Redis(REDIS_URL!)
    connections.push(redis)
    return new RedisBuckets(redis, prefix)
  }

  it('two instances draw from one bucket per client, atomically, and it refills from Redis time', async () => {
    const prefix = `test-${process.pid}-${Date.now()}`
    const a = instance(prefix)
    const b = instance(prefix)
    // 40 concurrent takes of 30 from two instances: exactly 33 fit in 1000 (the refill during the burst may add one).
    const takes = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).take('partner-1', 30, limits)))
    const granted = takes.filter((t) => t.ok).length
    expect(granted).toBeGreaterThanOrEqual(33)
    expect(granted).toBeLessThanOrEqual(34)
    const left = (await a.peek('partner-1', limits)).available
    expect(left).toBeLessThan(100)
    // Another client is untouched; the same client on the other instance sees the same level.
    expect((await b.peek('partner-2', limits)).available).toBe(1000)
    await new Promise((r) => setTimeout(r, 1_000))
    const later = (await b.peek('partner-1', limits)).available
    expect(later).toBeGreaterThanOrEqual(left + 45)
    expect((await a.refund('partner-1', 10_000, limits)).available).toBe(1000)
  })
})
