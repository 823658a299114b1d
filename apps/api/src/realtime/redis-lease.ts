import crypto from 'node:crypto'
import type { Redis } from 'ioredis'
import type { TopicLease } from '@ops-hub/analytics'

// Take the lease if free, or extend it if this instance already holds it; atomic in Redis.
const CLAIM = `
local v = redis.call('GET', KEYS[1])
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0`
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`

/**
 * One instance at a time computes and publishes a given live topic, so subscribers behind a load balancer
 * get one push per change instead of one per instance. The lease lapses after `ttlMs` if its holder stops
 * watching or dies; the others then take over (and refresh on their slow timer meanwhile).
 */
export function redisTopicLease(redis: Redis, ttlMs = 2000): TopicLease {
  const owner = `${process.pid}-${crypto.randomBytes(6).toString('hex')}`
  return {
    async claim(topic) {
      return (await redis.eval(CLAIM, 1, `lease:${topic}`, owner, ttlMs)) === 1
    },
    async release(topic) {
      await redis.eval(RELEASE, 1, `lease:${topic}`, owner)
    },
  }
}
