import type { Database } from '@ops-hub/db'
import { fanOutWebhooks } from '@ops-hub/domain'
import type { PubSub } from '@ops-hub/schema'
import type { Logger } from '../logger.ts'

export interface OutboxEnvelope {
  id: number
  topic: string
  aggregateType: string
  aggregateId: number
  payload: Record<string, unknown>
  createdAt: string
}

/** The pub/sub topic every committed domain event is published on. */
export const OUTBOX_TOPIC = 'outbox'

/**
 * Publishes committed outbox events (at least once). Rows are claimed with FOR UPDATE SKIP LOCKED, so
 * several API instances share the work without publishing the same event twice in the normal case.
 */
export function startOutboxRelay(db: Database, pubsub: PubSub, logger: Logger, intervalMs = 100, topic = OUTBOX_TOPIC) {
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()

  async function drainOnce(): Promise<number> {
    return db.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<Array<{ id: number; topic: string; aggregate_type: string; aggregate_id: number; payload: unknown; created_at: Date }>>`
        SELECT id, topic, aggregate_type, aggregate_id, payload, created_at FROM outbox_events
        WHERE published_at IS NULL ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED`
      if (rows.length === 0) return 0
      for (const r of rows) {
        const event: OutboxEnvelope = {
          id: r.id,
          topic: r.topic,
          aggregateType: r.aggregate_type,
          aggregateId: r.aggregate_id,
          payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
          createdAt: new Date(r.created_at).toISOString(),
        }
        pubsub.publish(topic, event)
      }
      const ids = rows.map((r) => r.id)
      await tx.$executeRaw`UPDATE outbox_events SET published_at = now() WHERE id = ANY(${ids}::int[])`
      // Webhook deliveries are created with the publication, in this transaction: none is lost, none made twice.
      await fanOutWebhooks(tx, rows.map((r) => ({ id: r.id, topic: r.topic, aggregateType: r.aggregate_type, aggregateId: r.aggregate_id, payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>, createdAt: r.created_at })))
      return rows.length
    })
  }

  /**
   * Whether any event waits, in one statement outside a transaction (the partial index on unpublished ids answers it):
   * an idle instance polls with this alone instead of BEGIN, a locking read and COMMIT ten times a second.
   */
  async function anyPending(): Promise<boolean> {
    const [row] = await db.prisma.$queryRaw<Array<{ pending: boolean }>>`SELECT EXISTS (SELECT 1 FROM outbox_events WHERE published_at IS NULL) AS pending`
    return row.pending
  }

  async function loop() {
    if (stopped) return
    try {
      // Drain a backlog in consecutive batches before sleeping.
      while (!stopped && (await anyPending()) && (await drainOnce()) === 500) {}
    } catch (err) {
      if (!stopped) logger.error({ err }, 'outbox relay failed; retrying')
    }
    if (!stopped) timer = setTimeout(() => void (running = loop()), intervalMs)
  }
  running = loop()

  return {
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running.catch(() => {})
    },
  }
}
