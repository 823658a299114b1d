import type { Database } from '@ops-hub/db'
import { automatedNodeIds, autoReleaseNode, autoWaveNode, inTransaction, pullQueuedWork } from '@ops-hub/domain'
import type { PubSub } from '@ops-hub/schema'
import type { Logger } from '../logger.ts'
import { startOutboxWorker } from './outbox-worker.ts'

// Statuses an allocation leaves an order in: the signal that open work may be waiting for release.
const ALLOCATED = new Set(['ALLOCATED', 'PARTIALLY_ALLOCATED'])

/**
 * Runs each automated node (configureNodeAutomation): work balancing (it pulls waiting work another node will not
 * release today, when it has room and the stock), its automatic release, then its automatic waves, each in its
 * own transaction through the same domain commands the mutations use. Woken by the outbox events that can make work
 * due - an allocation (reservations taken, an order ALLOCATED, a fulfillment order reopened), a release, a changed
 * setting - and by a timer every `tickMs` for release slots, wave timers and events lost in a crash. Every instance
 * hears every event; each node's automation serializes on its advisory lock, so a second run finds nothing due.
 */
export function startNodeAutomationWorker(db: Database, pubsub: PubSub, topic: string, logger: Logger, tickMs = 15_000) {
  const due = new Set<number>()
  let everyNode = true

  const wake = (locationId: unknown) => {
    if (typeof locationId === 'number' && Number.isInteger(locationId)) due.add(locationId)
    else everyNode = true
    return true
  }
  return startOutboxWorker({
    name: 'node automation',
    pubsub,
    topic,
    logger,
    everyMs: tickMs,
    onTick: () => (everyNode = true),
    onEvent(e) {
      const p = e.payload ?? {}
      if (e.topic === 'stock.changed' && typeof p.reservedDelta === 'number' && p.reservedDelta > 0 && p.orderId) return wake(p.locationId)
      if (e.topic === 'order.status_changed' && ALLOCATED.has(String(p.to))) return wake(null)
      if (e.topic === 'fulfillment.changed' && p.to === 'OPEN') return wake(p.locationId)
      if (e.topic === 'fulfillment.released') return wake(p.locationId)
      if (e.topic === 'network.changed' && e.aggregateType === 'Location') return wake(e.aggregateId)
      return false
    },
    async work() {
      const nodes = everyNode ? await automatedNodeIds(db.prisma) : []
      everyNode = false
      for (const id of nodes) due.add(id)
      while (due.size > 0) {
        const locationId = due.values().next().value!
        due.delete(locationId)
        const pulled = await pullQueuedWork(db.prisma, { locationId }, new Date())
        if (pulled.pulled.length) logger.info({ locationId, pulled: pulled.pulled.map((p) => `${p.number} from ${p.from}`) }, 'work balancing')
        const released = await inTransaction(db.prisma, (tx) => autoReleaseNode(tx, { locationId }, new Date()))
        if (released.released) logger.info({ locationId, released: released.released, trigger: released.trigger, capacityLeft: released.capacityLeft }, 'automatic release')
        const waved = await inTransaction(db.prisma, (tx) => autoWaveNode(tx, { locationId }, new Date()))
        if (waved.waves.length) logger.info({ locationId, waves: waved.waves.map((w) => `${w.number}: ${w.fulfillmentOrders} FO, ${w.lines} lines`) }, 'automatic wave')
      }
    },
  })
}
