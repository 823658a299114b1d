import type { Tx } from '@ops-hub/db'
import { createPickWave } from '../../warehouse/commands/create-pick-wave.ts'
import { automationActor, automationOf, lockNodeAutomation } from '../node-automation.ts'

export interface AutoWaveOutcome {
  waves: Array<{ id: number; number: string; fulfillmentOrders: number; lines: number; tasks: number; trigger: string }>
}

// A count trigger can be met again right after a wave (a backlog); this bounds one run, the next run continues.
const MAX_WAVES_PER_RUN = 20

/**
 * The node's automatic waves: a wave as soon as `waveAtOrders` released fulfillment orders wait, and one every
 * `waveEveryMinutes` for whatever waits, each at most `maxLinesPerWave` order lines - created by `createPickWave`
 * itself (bin-walk pick tasks, fulfillment orders to PICKING, orders to IN_FULFILLMENT), so an automatic wave is
 * exactly a manual one. The trigger is on each order's timeline.
 */
export async function autoWaveNode(tx: Tx, input: { locationId: number }, now = new Date()): Promise<AutoWaveOutcome> {
  await lockNodeAutomation(tx, input.locationId)
  const location = await tx.location.findUnique({ where: { id: input.locationId }, include: { automation: true } })
  const automation = automationOf(location?.automation)
  const outcome: AutoWaveOutcome = { waves: [] }
  if (!location || !location.active || !automation.autoWave) return outcome

  let lastWaveAt = automation.lastWaveAt
  for (let i = 0; i < MAX_WAVES_PER_RUN; i++) {
    // Counted under lock: a fulfillment order a concurrent manual wave is taking is not waiting for this one.
    const [{ waiting }] = await tx.$queryRaw<Array<{ waiting: number }>>`
      SELECT count(*)::int AS waiting FROM (
        SELECT id FROM fulfillment_orders WHERE location_id = ${location.id} AND status = 'RELEASED' FOR UPDATE SKIP LOCKED) w`
    if (waiting === 0) break
    let trigger: string | null = null
    if (automation.waveAtOrders !== null && waiting >= automation.waveAtOrders) {
      trigger = `automatic wave: ${waiting} released order(s) waiting, wave at ${automation.waveAtOrders}`
    } else if (automation.waveEveryMinutes !== null && (!lastWaveAt || now.getTime() - lastWaveAt.getTime() >= automation.waveEveryMinutes * 60_000)) {
      trigger = `automatic wave: every ${automation.waveEveryMinutes} min, ${waiting} released order(s) waiting`
    }
    if (!trigger) break
    const wave = await createPickWave(
      tx,
      { locationCode: location.code, maxOrders: 500, maxLines: automation.maxLinesPerWave },
      automationActor(location.code),
      now,
      { reason: `${trigger}, at most ${automation.maxLinesPerWave} line(s)` },
    )
    lastWaveAt = now
    outcome.waves.push({ id: wave.wave.id, number: wave.wave.number, fulfillmentOrders: wave.fulfillmentOrderIds.length, lines: wave.lineCount, tasks: wave.taskCount, trigger })
  }
  if (outcome.waves.length) await tx.nodeAutomation.update({ where: { locationId: location.id }, data: { lastWaveAt } })
  return outcome
}
