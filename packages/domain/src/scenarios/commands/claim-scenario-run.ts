import type { ScenarioRunModel as ScenarioRun, Tx } from '@ops-hub/db'
import { scenarioRunChanged } from '../scenario-runs.ts'
import { scenarioRunMachine } from '../scenario-run.machine.ts'

/**
 * Takes the oldest QUEUED run for `runnerId` (RUNNING, started now, heartbeat now), or null when none waits. Queued
 * rows are claimed SKIP LOCKED, so two instances claiming at once never take the same run.
 */
export async function claimScenarioRun(tx: Tx, input: { runnerId: string }, now = new Date()): Promise<ScenarioRun | null> {
  const [next] = await tx.$queryRaw<Array<{ id: number }>>`
    SELECT id FROM scenario_runs WHERE status = 'QUEUED' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`
  if (!next) return null
  scenarioRunMachine.assertTransition('QUEUED', 'RUNNING')
  const run = await tx.scenarioRun.update({
    where: { id: next.id },
    data: { status: 'RUNNING', runnerId: input.runnerId, startedAt: now, heartbeatAt: now, progress: 0, progressDay: 0 },
  })
  await scenarioRunChanged(tx, run, input.runnerId)
  return run
}
