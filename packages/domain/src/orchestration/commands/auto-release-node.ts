import type { Tx } from '@ops-hub/db'
import { releasableWork, releaseOrders, type ReleaseResult } from '../../orders/commands/release-orders.ts'
import { automationActor, automationOf, lockNodeAutomation, releaseSlot } from '../node-automation.ts'

export interface AutoReleaseOutcome {
  /** Why nothing ran, when nothing did. */
  skipped: 'OFF' | 'NOTHING_OPEN' | 'SLOT_ALREADY_RELEASED' | null
  trigger: string | null
  released: number
  capacityLeft: number | null
}

// Enough for a day at any node we know; releaseOrders keeps its own per-call ceiling.
const RELEASE_BATCH = 1000

/**
 * The node's automatic release: with `releaseEveryMinutes` 0 it releases whenever it runs (the worker runs it on
 * every allocation event, and on a timer as a backstop); with N it releases once per N-minute slot of the node's
 * local day, claimed on the automation row so two instances never release one slot twice. Either way it is the
 * same `releaseOrders` as the manual mutation - same priority queue, same pick and pack capacity, same cut-off
 * rule - and every released order's timeline says which trigger released it and what capacity was left.
 */
export async function autoReleaseNode(tx: Tx, input: { locationId: number }, now = new Date()): Promise<AutoReleaseOutcome> {
  await lockNodeAutomation(tx, input.locationId)
  const location = await tx.location.findUnique({ where: { id: input.locationId }, include: { automation: true } })
  const automation = automationOf(location?.automation)
  if (!location || !location.active || !location.isFulfillmentNode || !automation.autoRelease) {
    return { skipped: 'OFF', trigger: null, released: 0, capacityLeft: null }
  }
  const [{ open }] = await tx.$queryRaw<Array<{ open: boolean }>>`
    SELECT EXISTS (
      SELECT 1 FROM fulfillment_orders fo JOIN orders o ON o.id = fo.order_id
      WHERE ${releasableWork(location.id)}) AS open`
  if (!open) return { skipped: 'NOTHING_OPEN', trigger: null, released: 0, capacityLeft: null }

  let trigger = 'automatic release on allocation'
  if (automation.releaseEveryMinutes > 0) {
    const slot = releaseSlot(now, location.timezone, automation.releaseEveryMinutes)
    const claimed = await tx.nodeAutomation.updateMany({
      where: { locationId: location.id, OR: [{ lastReleaseSlotAt: null }, { lastReleaseSlotAt: { lt: slot.start } }] },
      data: { lastReleaseSlotAt: slot.start },
    })
    if (claimed.count === 0) return { skipped: 'SLOT_ALREADY_RELEASED', trigger: null, released: 0, capacityLeft: null }
    trigger = `automatic release, slot ${slot.label} local (every ${automation.releaseEveryMinutes} min)`
  }

  const actor = automationActor(location.code)
  let released = 0
  let last: ReleaseResult
  do {
    last = await releaseOrders(tx, { locationCode: location.code, limit: RELEASE_BATCH }, actor, now, { reason: trigger })
    released += last.released.length
  } while (last.released.length === RELEASE_BATCH)
  return { skipped: null, trigger, released, capacityLeft: Math.max(0, last.capacity - last.releasedBefore - last.released.length) }
}
