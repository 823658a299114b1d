import type { Database } from '@ops-hub/db'
import { inTransaction, planReplenishment, type Actor } from '@ops-hub/domain'
import type { PubSub } from '@ops-hub/schema'
import type { Logger } from '../logger.ts'
import type { OutboxEnvelope } from '../realtime/outbox-relay.ts'

export const replenishmentActor: Actor = { id: 'system:replenishment', role: 'ADMIN' }

/** Most positions one pass plans; a burst naming more is planned in several passes. */
const BATCH = 500

export interface ReplenishmentWorkerOptions {
  /** How often positions changed since the last sweep are re-planned, for events lost in a crash. */
  backstopMs?: number
}

/**
 * Re-plans the positions that stock events name, right after they commit: a reservation (or any movement) that takes a
 * position below its reorder point yields its OPEN suggestion within a moment, a receipt that lifts it above expires
 * it, and the REPLENISHMENT_RISK exceptions follow. Every instance hears every event and the planning pass is keyed on
 * the database's unique keys (one OPEN suggestion per SKU × node, one open exception per position), so running it on
 * two instances at once is safe. A backstop sweep re-plans positions whose stock changed since its previous sweep.
 */
export function startReplenishmentWorker(db: Database, pubsub: PubSub, topic: string, logger: Logger, options: ReplenishmentWorkerOptions = {}) {
  let stopped = false
  let running: Promise<void> | null = null
  const pending = new Map<string, { skuId: number; locationId: number }>()
  let sweptAt = new Date()

  const plan = async (pairs: Array<{ skuId: number; locationId: number }>) => {
    const run = await inTransaction(db.prisma, (tx) => planReplenishment(tx, { pairs }, replenishmentActor, new Date()))
    if (run.created || run.expired || run.risksOpened || run.risksResolved) logger.info({ ...run, positions: pairs.length }, 'replenishment re-planned')
  }

  const kick = () => {
    if (stopped || running) return
    running = (async () => {
      while (pending.size && !stopped) {
        const batch = [...pending.entries()].slice(0, BATCH)
        for (const [key] of batch) pending.delete(key)
        try {
          await plan(batch.map(([, pair]) => pair))
        } catch (err) {
          if (!stopped) logger.error({ err, positions: batch.length }, 'replenishment re-plan failed; the backstop sweep retries it')
        }
      }
    })().finally(() => {
      running = null
      if (pending.size && !stopped) kick()
    })
  }

  const events = pubsub.subscribe(topic)[Symbol.asyncIterator]()
  void (async () => {
    for (;;) {
      const next = await events.next()
      if (next.done || stopped) return
      const event = next.value as OutboxEnvelope
      if (event.topic !== 'stock.changed') continue
      const { skuId, locationId } = event.payload ?? {}
      if (!Number.isInteger(skuId) || !Number.isInteger(locationId)) continue
      pending.set(`${skuId}:${locationId}`, { skuId: skuId as number, locationId: locationId as number })
      kick()
    }
  })().catch((err) => logger.error({ err }, 'replenishment listener stopped'))

  const sweep = async () => {
    if (stopped) return
    const since = new Date(sweptAt.getTime() - 60_000)
    sweptAt = new Date()
    try {
      const changed = await db.prisma.stockPosition.findMany({ where: { updatedAt: { gte: since } }, select: { skuId: true, locationId: true }, take: 50_000 })
      for (const p of changed) pending.set(`${p.skuId}:${p.locationId}`, p)
      kick()
    } catch (err) {
      if (!stopped) logger.error({ err }, 'replenishment backstop sweep failed')
    }
  }
  const timer = setInterval(() => void sweep(), options.backstopMs ?? 5 * 60_000).unref()

  return {
    async stop() {
      stopped = true
      clearInterval(timer)
      await events.return?.()
      await running
    },
  }
}
