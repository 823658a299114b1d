import type { Database, PrismaClient } from '@ops-hub/db'
import type { Actor } from '@ops-hub/domain'
import type { PubSub } from './pubsub.ts'
import type { LiveMetrics } from '@ops-hub/analytics'

/** Per-request context handed to every resolver. */
export interface Context {
  db: Database
  prisma: PrismaClient
  /** Null when the request carried no token: only `__typename` is answerable then. */
  actor: Actor | null
  /** For PARTNER actors, the id of the one channel they may see (resolved once per request). */
  partnerChannelId: number | null
  pubsub: PubSub
  /** Live metric snapshots of this instance (cached while watched, pushed to subscribers). */
  live: LiveMetrics
  /** Webhook receivers on loopback or private addresses allowed (HUB_WEBHOOKS_ALLOW_PRIVATE=1). */
  allowPrivateWebhooks?: boolean
}
