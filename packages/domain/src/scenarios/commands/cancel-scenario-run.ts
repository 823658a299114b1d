import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { parseInput } from '../../shared/validation.ts'
import { lockScenarioRun, scenarioRunChanged } from '../scenario-runs.ts'
import { scenarioRunMachine } from '../scenario-run.machine.ts'

export const cancelScenarioRunInput = z.object({ runId: z.number().int().positive() })

/**
 * Cancels a QUEUED or RUNNING run: no runner claims it any more, and the runner working it stops its simulator at its
 * next heartbeat (a few seconds). A finished run cannot be cancelled (ILLEGAL_TRANSITION).
 */
export async function cancelScenarioRun(tx: Tx, rawInput: z.input<typeof cancelScenarioRunInput>, actor: Actor, now = new Date()) {
  const input = parseInput(cancelScenarioRunInput, rawInput)
  const run = await lockScenarioRun(tx, input.runId, ['input', 'id'])
  scenarioRunMachine.assertTransition(run.status, 'CANCELLED', ['input', 'id'])
  const updated = await tx.scenarioRun.update({ where: { id: run.id }, data: { status: 'CANCELLED', cancelledBy: actor.id, finishedAt: now } })
  await scenarioRunChanged(tx, updated, actor.id)
  return updated
}
