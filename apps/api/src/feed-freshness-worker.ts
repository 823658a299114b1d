import type { Database } from '@ops-hub/db'
import { applyFeedFreshness } from '@ops-hub/domain'
import type { PubSub } from '@ops-hub/schema'
import type { Logger } from './logger.ts'
import type { OutboxEnvelope } from './realtime/outbox-relay.ts'

/**
 * Catches up the confidence of the positions a 3PL feed covered, after the import commits (see applyFeedFreshness):
 * woken by the import's outbox event (every instance hears it; the feed row's lock gives each page to one of them),
 * and on start and every `backstopMs` for feeds left pending by a crash, a lost event or a CLI import with the hub down.
 * Until it runs, those positions keep their older, lower scores: the hub promises less, never more.
 */
export function startFeedFreshnessWorker(db: Database, pubsub: PubSub, topic: string, logger: Logger, backstopMs = 60_000) {
  let stopped = false
  let running: Promise<void> | null = null
  let again = false
  const kick = () => {
    if (stopped) return
    if (running) {
      again = true
      return
    }
    running = (async () => {
      do {
        again = false
        try {
          const report = await applyFeedFreshness(db)
          if (report.feeds.length) logger.info({ feeds: report.feeds, positions: report.positions }, 'feed freshness applied')
        } catch (err) {
          if (!stopped) logger.error({ err }, 'feed freshness failed; retried on the next event or backstop tick')
        }
      } while (again && !stopped)
    })().finally(() => (running = null))
  }
  const events = pubsub.subscribe(topic)[Symbol.asyncIterator]()
  void (async () => {
    for (;;) {
      const next = await events.next()
      if (next.done || stopped) return
      const event = next.value as OutboxEnvelope
      if (event.topic === 'stock.changed' && event.aggregateType === 'InventoryFeed') kick()
    }
  })().catch((err) => logger.error({ err }, 'feed freshness listener stopped'))
  const timer = setInterval(kick, backstopMs).unref()
  kick()
  return {
    async stop() {
      stopped = true
      clearInterval(timer)
      await events.return?.()
      await running
    },
  }
}
