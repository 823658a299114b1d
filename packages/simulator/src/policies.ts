// The two policies differ only in settings and configuration of the same hub: the naive baseline is common
// practice written down (README "Scenario lab (promo-spike)"), run through the same commands. The engine reads
// `engine.policy` only where the choice is an operating habit rather than a setting: how the 3PL's file is taken
// (as of its snapshot, or as current) and how often the buyer reviews (daily, or Mondays).
import type { Prisma } from '@ops-hub/db'
import type { ScenarioEngine } from './engine.ts'
import type { Policy } from './params.ts'

async function setSetting(engine: ScenarioEngine, key: string, value: Prisma.InputJsonValue) {
  await engine.db.prisma.setting.upsert({ where: { key }, create: { key, value, updatedBy: 'sim:policy' }, update: { value, updatedBy: 'sim:policy' } })
}

/** The naive baseline's settings, each one stated in the README. */
export const NAIVE_SETTINGS: Record<string, Prisma.InputJsonValue> = {
  // Promise what the books say, however stale or doubtful: no confidence threshold, so no low-confidence buffer.
  'inventory.confidenceThreshold': 0,
  // Every 3PL file is applied as it comes: nothing is held for review (no exception routing of feed discrepancies).
  'inventory.feedToleranceUnits': 1_000_000_000,
  'inventory.feedToleranceRatio': 1_000_000,
  // Release everything first-in-first-out, whatever the day's capacity, ship-by or priority.
  'orders.releasePolicy': 'FIFO_UNBOUNDED',
  // ...and route regardless of capacity: the node with stock nearest the customer (then the cheaper) takes the order,
  // however long its queue.
  'orders.routeByCapacity': false,
  // ...and work stays where it was routed: no node pulls another's queue when it has room.
  'orders.balanceQueues': false,
  // No exception routing: a short pick is not re-sourced from another node; what its node cannot find is backordered.
  'fulfillment.shortPickReroute': false,
  // Reorder from average demand: no safety stock (a 50% cycle service level is z = 0) and the supplier's promised
  // lead time always (observed lead-time variability ignored); the review stays weekly (reviewPeriodDays 7).
  'procurement.serviceLevels': { A: 0.5, B: 0.5, C: 0.5 },
  'procurement.leadTimeMinReceipts': 1_000_000,
}

export async function applyPolicy(engine: ScenarioEngine, policy: Policy): Promise<void> {
  if (policy === 'hub') return
  for (const [key, value] of Object.entries(NAIVE_SETTINGS)) await setSetting(engine, key, value)
  // No channel allocation: every rule off.
  await engine.db.prisma.allocationRule.updateMany({ data: { active: false } })
}
