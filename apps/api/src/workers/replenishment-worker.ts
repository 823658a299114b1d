import type { Database } from '@ops-hub/db'
import { inTransaction, planReplenishment, type Actor } from '@ops-hub/domain'
import type { PubSub } from '@ops-hub/schema'
import type { Logger } from '../logger.ts'
import { startOutboxWorker } from './outbox-worker.ts'

export const replenishmentActor: Actor = { id: 'system:replenishment', role: 'ADMIN' }

/** Most positions one pass plans; a burst naming more is planned in several passes. */
const BATCH = 500
const BACKORDER_STATUSES = new Set(['BACKORDERED', 'PARTIALLY_ALLOCATED'])

export interface ReplenishmentWorkerOptions {
  /** How often positions changed since the last sweep are re-planned, for events lost in a crash. */
  backstopMs?: number
}

/**
 * Re-plans the positions that stock events name, right after they commit: a reservation (or any movement) that takes a
 * position below its reorder point yields its OPEN suggestion within a moment, a receipt that lifts it above expires
 * it, and the REPLENISHMENT_RISK exceptions follow. An order that goes BACKORDERED or PARTIALLY_ALLOCATED reserves
 * nothing for its shortfall, so its backordered SKUs are re-planned at every node (the backorder counts against one). Every instance hears every event and the planning pass is keyed on
 * the database's unique keys (one OPEN suggestion per SKU × node, one open exception per position), so running it on
 * two instances at once is safe. A backstop sweep re-plans positions whose stock changed since its previous sweep.
 */
export function startReplenishmentWorker(db: Database, pubsub: PubSub, topic: string, logger: Logger, options: ReplenishmentWorkerOptions = {}) {
  const pending = new Map<string, { skuId: number; locationId: number }>()
  /** SKUs of orders just backordered: they reserve nothing (no stock event), yet lower the position they are charged to. */
  const backorderedSkus = new Set<number>()
  let sweptAt = new Date()
  let sweepDue = false

  const backorderedSkusOf = async (orderId: number) =>
    (await db.prisma.orderLine.findMany({ where: { orderId, backorderedQuantity: { gt: 0 }, sku: { isBundle: false } }, select: { skuId: true } })).map((l) => l.skuId)

  const plan = async (pairs: Array<{ skuId: number; locationId: number }>) => {
    const run = await inTransaction(db.prisma, (tx) => planReplenishment(tx, { pairs }, replenishmentActor, new Date()))
    if (run.created || run.expired || run.risksOpened || run.risksResolved) logger.info({ ...run, positions: pairs.length }, 'replenishment re-planned')
  }

  /** The backstop: positions whose stock changed since the previous sweep (with a minute of overlap). */
  const sweep = async () => {
    const since = new Date(sweptAt.getTime() - 60_000)
    sweptAt = new Date()
    const changed = await db.prisma.stockPosition.findMany({ where: { updatedAt: { gte: since } }, select: { skuId: true, locationId: true }, take: 50_000 })
    for (const p of changed) pending.set(`${p.skuId}:${p.locationId}`, p)
  }

  const worker = startOutboxWorker({
    name: 'replenishment re-planning',
    pubsub,
    topic,
    logger,
    everyMs: options.backstopMs ?? 5 * 60_000,
    onTick: () => (sweepDue = true),
    onEvent(event) {
      if (event.topic === 'order.status_changed' && BACKORDER_STATUSES.has(String(event.payload?.to)) && Number.isInteger(event.aggregateId)) {
        void backorderedSkusOf(event.aggregateId).then((ids) => {
          for (const id of ids) backorderedSkus.add(id)
          if (ids.length) worker.kick()
        }, (err) => logger.error({ err }, 'replenishment: reading a backordered order failed'))
        return false
      }
      if (event.topic !== 'stock.changed') return false
      const { skuId, locationId } = event.payload ?? {}
      if (!Number.isInteger(skuId) || !Number.isInteger(locationId)) return false
      pending.set(`${skuId}:${locationId}`, { skuId: skuId as number, locationId: locationId as number })
      return true
    },
    async work() {
      if (sweepDue) {
        sweepDue = false
        await sweep()
      }
      if (backorderedSkus.size) {
        const skuIds = [...backorderedSkus]
        backorderedSkus.clear()
        try {
          const run = await inTransaction(db.prisma, (tx) => planReplenishment(tx, { skuIds }, replenishmentActor, new Date()))
          if (run.created || run.updated) logger.info({ ...run, skus: skuIds.length }, 'replenishment re-planned after backorders')
        } catch (err) {
          logger.error({ err, skus: skuIds.length }, 'replenishment re-plan after backorders failed; the nightly run covers it')
        }
      }
      while (pending.size) {
        const batch = [...pending.entries()].slice(0, BATCH)
        for (const [key] of batch) pending.delete(key)
        try {
          await plan(batch.map(([, pair]) => pair))
        } catch (err) {
          logger.error({ err, positions: batch.length }, 'replenishment re-plan failed; the backstop sweep retries it')
        }
      }
    },
  })
  return worker
}
