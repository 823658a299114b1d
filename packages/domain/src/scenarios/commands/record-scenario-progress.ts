import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import { parseInput } from '../../shared/validation.ts'
import { SCENARIO_POLICIES } from '../scenario-report.ts'
import { scenarioRunChanged } from '../scenario-runs.ts'

export const recordScenarioProgressInput = z.object({
  runId: z.number().int().positive(),
  runnerId: z.string().min(1),
  policy: z.enum(SCENARIO_POLICIES),
  day: z.number().int().min(0),
  days: z.number().int().min(1),
  /** Share of the whole run done, both policies together. */
  fraction: z.number().min(0).max(1),
})

/**
 * Records how far a RUNNING run is (and that its runner is alive). False when the run is no longer this runner's to
 * report on (failed as abandoned meanwhile): the runner then stops the simulator.
 */
export async function recordScenarioProgress(tx: Tx, rawInput: z.input<typeof recordScenarioProgressInput>, now = new Date()): Promise<boolean> {
  const input = parseInput(recordScenarioProgressInput, rawInput)
  const updated = await tx.scenarioRun.updateMany({
    where: { id: input.runId, status: 'RUNNING', runnerId: input.runnerId },
    data: { progressPolicy: input.policy, progressDay: Math.min(input.day, input.days), progressDays: input.days, progress: input.fraction, heartbeatAt: now },
  })
  if (updated.count === 0) return false
  await scenarioRunChanged(tx, { id: input.runId, status: 'RUNNING', progress: input.fraction }, input.runnerId)
  return true
}

/** The runner's sign of life between progress lines (a long simulated day); false as for recordScenarioProgress. */
export async function beatScenarioRun(tx: Tx, input: { runId: number; runnerId: string }, now = new Date()): Promise<boolean> {
  const updated = await tx.scenarioRun.updateMany({ where: { id: input.runId, status: 'RUNNING', runnerId: input.runnerId }, data: { heartbeatAt: now } })
  return updated.count > 0
}
