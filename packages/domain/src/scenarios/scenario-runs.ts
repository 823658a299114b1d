import type { ScenarioRunModel as ScenarioRun, Tx } from '@ops-hub/db'
import { recordEvents } from '../shared/outbox.ts'
import { userError } from '../shared/errors.ts'

/** The one event of a run's every change (queued, claimed, progress, finished): `scenarioRunUpdated` pushes on it. */
export async function scenarioRunChanged(tx: Tx, run: Pick<ScenarioRun, 'id' | 'status' | 'progress'>, by: string) {
  await recordEvents(tx, [{ topic: 'scenario.changed', aggregateType: 'ScenarioRun', aggregateId: run.id, payload: { status: run.status, progress: run.progress, by } }])
}

/** The run, locked for a change of status (the runner and a user may race to finish and to cancel it). */
export async function lockScenarioRun(tx: Tx, runId: number, field?: string[]): Promise<ScenarioRun> {
  const [row] = await tx.$queryRaw<Array<{ id: number }>>`SELECT id FROM scenario_runs WHERE id = ${runId} FOR UPDATE`
  if (!row) throw userError('NOT_FOUND', `Scenario run ${runId} does not exist`, field)
  return tx.scenarioRun.findUniqueOrThrow({ where: { id: runId } })
}
