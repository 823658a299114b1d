import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { parseInput } from '../../shared/validation.ts'
import { scenarioParamsSchema } from '../scenario-params.ts'
import { scenarioRunChanged } from '../scenario-runs.ts'

export const startScenarioRunInput = scenarioParamsSchema

/** Queues a simulator run with bounded parameters; a runner of the API claims it, one run at a time per instance. */
export async function startScenarioRun(tx: Tx, rawInput: z.input<typeof startScenarioRunInput>, actor: Actor) {
  const params = parseInput(startScenarioRunInput, rawInput)
  const run = await tx.scenarioRun.create({
    data: { scenario: params.scenario, params, status: 'QUEUED', progressDays: params.days, requestedBy: actor.id },
  })
  await scenarioRunChanged(tx, run, actor.id)
  return run
}
