import { createPubSub } from 'graphql-yoga'
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target'
import { Redis } from 'ioredis'
import type { PubSub, PubSubChannels } from '@ops-hub/schema'

export interface PubSubHandle {
  pubsub: PubSub
  /** A command connection to Redis (leases, counters) when REDIS_URL is set. */
  redis?: Redis
  close(): Promise<void>
}

/**
 * In-memory pub/sub for the single-process default; with REDIS_URL, events travel through Redis so
 * every API instance behind a load balancer pushes the same live data.
 */
export function createHubPubSub(redisUrl?: string): PubSubHandle {
  if (!redisUrl) return { pubsub: createPubSub<PubSubChannels>(), close: async () => {} }
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 })
  // No ready check on the subscriber connection: ioredis sends it (INFO) after an asynchronous step at connect, and a
  // SUBSCRIBE that got through first puts the connection in subscriber mode, where ioredis refuses the check, drops
  // the connection and reconnects, losing what was published meanwhile (seen once in CI under load).
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3, enableReadyCheck: false })
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient })
  return {
    pubsub: createPubSub<PubSubChannels>({ eventTarget }),
    redis: publishClient,
    async close() {
      publishClient.disconnect()
      subscribeClient.disconnect()
    },
  }
}
