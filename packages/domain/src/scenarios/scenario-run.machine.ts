import type { ScenarioRunStatus } from '@ops-hub/db'
import { defineStateMachine } from '../shared/state-machine.ts'

/**
 * A scenario run waits QUEUED until a runner (one per API instance, one run at a time) claims it, RUNNING while the
 * simulator works, then SUCCEEDED with its report or FAILED with the reason (the simulator refused or crashed, or the
 * instance running it stopped), or CANCELLED by a user while QUEUED or RUNNING (the runner stops its simulator at the
 * next heartbeat). Finished runs are kept as they are.
 */
export const scenarioRunMachine = defineStateMachine<ScenarioRunStatus>('ScenarioRun', 'QUEUED', {
  QUEUED: ['RUNNING', 'FAILED', 'CANCELLED'],
  RUNNING: ['SUCCEEDED', 'FAILED', 'CANCELLED'],
  SUCCEEDED: [],
  FAILED: [],
  CANCELLED: [],
})
