import type { ScenarioRunModel as ScenarioRun, Tx } from '@ops-hub/db'
import { recordEvents } from '../shared/outbox.ts'

/** The one event of a run's every change (queued, claimed, progress, finished): `scenarioRunUpdated` pushes on it. */
export async function scenarioRunChanged(tx: Tx, run: Pick<ScenarioRun, 'id' | 'status' | 'progress'>, by: string) {
  await recordEvents(tx, [{ topic: 'scenario.changed', aggregateType: 'ScenarioRun', aggregateId: run.id, payload: { status: run.status, progress: run.progress, by } }])
}
