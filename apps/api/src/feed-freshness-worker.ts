import type { Database } from '@ops-hub/db'
import { applyFeedFreshness } from '@ops-hub/domain'
import type { PubSub } from '@ops-hub/schema'
import type { Logger } from './logger.ts'
import { startOutboxWorker } from './workers/outbox-worker.ts'

/**
 * Catches up the confidence of the positions a 3PL feed covered, after the import commits (see applyFeedFreshness):
 * woken by the import's outbox event (every instance hears it; the feed row's lock gives each page to one of them),
 * and on start and every `backstopMs` for feeds left pending by a crash, a lost event or a CLI import with the hub down.
 * Until it runs, those positions keep their older, lower scores: the hub promises less, never more.
 */
export function startFeedFreshnessWorker(db: Database, pubsub: PubSub, topic: string, logger: Logger, backstopMs = 60_000) {
  return startOutboxWorker({
    name: 'feed freshness',
    pubsub,
    topic,
    logger,
    everyMs: backstopMs,
    onEvent: (event) => event.topic === 'stock.changed' && event.aggregateType === 'InventoryFeed',
    async work() {
      const report = await applyFeedFreshness(db)
      if (report.feeds.length) logger.info({ feeds: report.feeds, positions: report.positions }, 'feed freshness applied')
    },
  })
}
