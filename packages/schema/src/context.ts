import type { Database, PrismaClient } from '@ops-hub/db'
import type { Actor } from '@ops-hub/domain'
import type { PubSub } from './pubsub.ts'

/** Per-request context handed to every resolver. */
export interface Context {
  db: Database
  prisma: PrismaClient
  /** Null when the request carried no token: only `__typename` is answerable then. */
  actor: Actor | null
  /** For PARTNER actors, the id of the one channel they may see (resolved once per request). */
  partnerChannelId: number | null
  pubsub: PubSub
}
