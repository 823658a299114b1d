import type { Prisma, ScenarioRunModel as ScenarioRun, Tx } from '@ops-hub/db'
import { scenarioReportSchema } from '../scenario-report.ts'
import { lockScenarioRun as lockRun, scenarioRunChanged } from '../scenario-runs.ts'
import { scenarioRunMachine } from '../scenario-run.machine.ts'

/** How much of a failure's text a run keeps (the tail of the simulator's stderr, say). */
const MAX_ERROR_LENGTH = 4000

/**
 * A RUNNING run SUCCEEDED with the simulator's report, which must carry both policies' KPIs and days (checked here, so
 * the API never serves a half report). A report that does not fit fails the run instead, saying why.
 */
export async function finishScenarioRun(tx: Tx, input: { runId: number; report: unknown; by: string }, now = new Date()): Promise<ScenarioRun> {
  const run = await lockRun(tx, input.runId)
  // Cancelled while the simulator was finishing: the user's decision stands, the report is dropped.
  if (run.status === 'CANCELLED') return run
  scenarioRunMachine.assertTransition(run.status, 'SUCCEEDED')
  const parsed = scenarioReportSchema.safeParse(input.report)
  if (!parsed.success) {
    const why = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'report'}: ${i.message}`).join('; ')
    return failScenarioRun(tx, { runId: run.id, error: `The simulator's report does not fit the expected shape (${why})`, by: input.by }, now)
  }
  const updated = await tx.scenarioRun.update({
    where: { id: run.id },
    data: { status: 'SUCCEEDED', report: parsed.data as Prisma.InputJsonValue, progress: 1, progressDay: run.progressDays, finishedAt: now, heartbeatAt: now },
  })
  await scenarioRunChanged(tx, updated, input.by)
  return updated
}

/** A QUEUED or RUNNING run FAILED with the reason; a run already finished is left as it is (returned unchanged). */
export async function failScenarioRun(tx: Tx, input: { runId: number; error: string; by: string }, now = new Date()): Promise<ScenarioRun> {
  const run = await lockRun(tx, input.runId)
  if (!scenarioRunMachine.can(run.status, 'FAILED')) return run
  const error = input.error.length > MAX_ERROR_LENGTH ? `…${input.error.slice(-MAX_ERROR_LENGTH)}` : input.error
  const updated = await tx.scenarioRun.update({ where: { id: run.id }, data: { status: 'FAILED', error, finishedAt: now } })
  await scenarioRunChanged(tx, updated, input.by)
  return updated
}
