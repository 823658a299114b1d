import type { Database } from '@ops-hub/db'
import { allocateBackorders, BACKORDER_SKUS_PER_RUN, backorderedSkusWithStock, inTransaction, type Actor, type StockArrivalCause } from '@ops-hub/domain'
import type { PubSub } from '@ops-hub/schema'
import type { Logger } from '../logger.ts'
import { startOutboxWorker } from './outbox-worker.ts'

const actor: Actor = { id: 'backorder-allocation', role: 'OPERATIONS' }

interface Arrival {
  locationId: number | null
  cause: StockArrivalCause | null
  reference: string | null
  skuIds: Set<number>
}

/**
 * Serves backorders from arriving stock: every `stock.available` outbox event (a receipt, a transfer received, a
 * restocked return, an adjustment or 3PL feed that raised a position, a released reservation) queues its SKUs, and
 * `allocateBackorders` serves the waiting lines of those SKUs in priority order, in runs of at most
 * BACKORDER_SKUS_PER_RUN SKUs. Every instance hears every event: runs for the same SKUs serialize on their advisory
 * locks and the second finds nothing left to serve. A backstop on start and every `backstopMs` re-tries every SKU
 * with backorders and available stock, for events lost in a crash between commit and this worker.
 */
export function startBackorderWorker(db: Database, pubsub: PubSub, topic: string, logger: Logger, backstopMs = 30_000) {
  const queue = new Map<string, Arrival>()
  let sweep = true

  const serve = async (arrival: Arrival) => {
    const skus = [...arrival.skuIds].sort((a, b) => a - b)
    for (let i = 0; i < skus.length; i += BACKORDER_SKUS_PER_RUN) {
      const skuIds = skus.slice(i, i + BACKORDER_SKUS_PER_RUN)
      for (let more = true; more; ) {
        const result = await inTransaction(db.prisma, (tx) =>
          allocateBackorders(tx, { locationId: arrival.locationId, skuIds, cause: arrival.cause, reference: arrival.reference }, actor, new Date()),
        )
        more = result.more && result.served.length > 0
        if (result.served.length) {
          logger.info({ cause: arrival.cause ?? 'backstop', reference: arrival.reference, served: result.served.map((s) => `${s.number} ${s.from}->${s.to} +${s.reservedUnits}`) }, 'backorders served from arriving stock')
        }
      }
    }
  }

  return startOutboxWorker({
    name: 'backorder allocation',
    pubsub,
    topic,
    logger,
    everyMs: backstopMs,
    onTick: () => (sweep = true),
    onEvent(event) {
      if (event.topic !== 'stock.available') return false
      const p = event.payload as { locationId?: number; skuIds?: number[]; cause?: StockArrivalCause; reference?: string }
      if (!Array.isArray(p.skuIds) || p.skuIds.length === 0) return false
      const key = `${p.locationId ?? ''}|${p.cause ?? ''}|${p.reference ?? ''}`
      const arrival = queue.get(key) ?? { locationId: p.locationId ?? null, cause: p.cause ?? null, reference: p.reference ?? null, skuIds: new Set<number>() }
      for (const s of p.skuIds) if (Number.isInteger(s)) arrival.skuIds.add(s)
      // Re-inserted, so the queue stays in order of each arrival's latest event.
      queue.delete(key)
      queue.set(key, arrival)
      return true
    },
    async work() {
      // Newest arrival first: when events pile up (a burst from the relay, or a pass still busy), an older arrival's
      // units may already be taken, and the stock a pass finds is most likely the newest arrival's - so the order's
      // timeline names the arrival that made its units available. Every queued arrival is still served.
      while (queue.size > 0) {
        const [key, arrival] = [...queue.entries()][queue.size - 1]
        queue.delete(key)
        await serve(arrival)
      }
      if (sweep) {
        sweep = false
        const skuIds = await backorderedSkusWithStock(db.prisma)
        if (skuIds.length) await serve({ locationId: null, cause: null, reference: null, skuIds: new Set(skuIds) })
      }
    },
  })
}
