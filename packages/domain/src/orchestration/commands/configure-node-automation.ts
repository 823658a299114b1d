import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'
import { automationOf } from '../node-automation.ts'

export const configureNodeAutomationInput = z.object({
  locationCode: codeSchema,
  autoRelease: z.boolean().nullish(),
  releaseEveryMinutes: z.number().int('Whole minutes').min(0, 'releaseEveryMinutes is 0 (on every allocation) or more').max(1440, 'A slot is at most a day (1440 minutes)').nullish(),
  autoWave: z.boolean().nullish(),
  /** Null turns the count trigger off; omitted keeps it. */
  waveAtOrders: z.number().int().min(1, 'Wave at 1 waiting order or more').max(10_000).nullish(),
  /** Null turns the timer off; omitted keeps it. */
  waveEveryMinutes: z.number().int('Whole minutes').min(1, 'Wave at most every minute').max(1440, 'Wave at least once a day (1440 minutes)').nullish(),
  maxLinesPerWave: z.number().int().min(1, 'A wave holds at least one line').max(10_000, 'A wave holds at most 10000 lines').nullish(),
})

/**
 * Sets how a fulfilment node runs by itself: automatic release (releaseEveryMinutes 0 releases on every allocation
 * event, N once per N-minute slot) within its daily pick and pack capacity, and automatic waves when `waveAtOrders`
 * released orders wait or every `waveEveryMinutes`, at most `maxLinesPerWave` order lines each. Fields left out keep
 * their value; an automatic wave needs at least one trigger.
 */
export async function configureNodeAutomation(tx: Tx, rawInput: z.input<typeof configureNodeAutomationInput>, actor: Actor, now = new Date()) {
  const input = parseInput(configureNodeAutomationInput, rawInput)
  const location = await tx.location.findUnique({ where: { code: input.locationCode }, include: { automation: true } })
  if (!location || !location.active || !location.isFulfillmentNode) {
    throw userError('NOT_FOUND', `No active fulfilment node ${input.locationCode}`, ['input', 'locationCode'])
  }
  const current = automationOf(location.automation)
  // Absent (undefined) keeps a value; null clears the optional wave triggers and keeps the others.
  const keep = <T>(given: T | null | undefined, was: T): T => (given === undefined || given === null ? was : given)
  const next = {
    autoRelease: keep(input.autoRelease, current.autoRelease),
    releaseEveryMinutes: keep(input.releaseEveryMinutes, current.releaseEveryMinutes),
    autoWave: keep(input.autoWave, current.autoWave),
    waveAtOrders: input.waveAtOrders === undefined ? current.waveAtOrders : input.waveAtOrders,
    waveEveryMinutes: input.waveEveryMinutes === undefined ? current.waveEveryMinutes : input.waveEveryMinutes,
    maxLinesPerWave: keep(input.maxLinesPerWave, current.maxLinesPerWave),
  }
  if (next.autoWave && next.waveAtOrders === null && next.waveEveryMinutes === null) {
    throw userError('INVALID_INPUT', 'An automatic wave needs a trigger: waveAtOrders, waveEveryMinutes or both', ['input', 'autoWave'])
  }
  // A changed slot length starts counting afresh; a timer restarted from now.
  const slotChanged = next.releaseEveryMinutes !== current.releaseEveryMinutes || (next.autoRelease && !current.autoRelease)
  const automation = await tx.nodeAutomation.upsert({
    where: { locationId: location.id },
    create: { locationId: location.id, ...next, lastWaveAt: next.autoWave ? now : null, updatedBy: actor.id, updatedAt: now },
    update: {
      ...next,
      ...(slotChanged ? { lastReleaseSlotAt: null } : {}),
      ...(next.autoWave && !current.autoWave ? { lastWaveAt: now } : {}),
      updatedBy: actor.id,
      updatedAt: now,
    },
  })
  // The automation worker hears this and runs the node at once with its new settings.
  await recordEvents(tx, [{ topic: 'network.changed', aggregateType: 'Location', aggregateId: location.id, payload: { locationId: location.id, automation: next, by: actor.id } }])
  return { location, automation }
}
