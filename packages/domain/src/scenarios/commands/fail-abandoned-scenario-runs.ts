import type { Tx } from '@ops-hub/db'
import { failScenarioRun } from './finish-scenario-run.ts'

/**
 * RUNNING runs whose runner fell silent (no heartbeat since `staleBefore`: the instance crashed or was killed) are
 * FAILED, so nobody waits on them forever; their parameters are kept, to be started again.
 */
export async function failAbandonedScenarioRuns(tx: Tx, input: { staleBefore: Date; by: string; exceptRunnerId?: string }, now = new Date()): Promise<number[]> {
  // A runner never fails its own run this way: it knows its simulator is alive, even when its heartbeat ran late.
  const stale = await tx.$queryRaw<Array<{ id: number }>>`
    SELECT id FROM scenario_runs
    WHERE status = 'RUNNING' AND (heartbeat_at IS NULL OR heartbeat_at < ${input.staleBefore})
      AND runner_id IS DISTINCT FROM ${input.exceptRunnerId ?? null}::text
    ORDER BY id FOR UPDATE SKIP LOCKED`
  for (const { id } of stale) {
    await failScenarioRun(tx, { runId: id, error: 'Interrupted: the API instance running it stopped before it finished. Start it again.', by: input.by }, now)
  }
  return stale.map((r) => r.id)
}
