import type { ExceptionStatus } from '@ops-hub/db'
import { defineStateMachine } from '../shared/state-machine.ts'

/**
 * An exception is worked by someone (IN_PROGRESS, re-assignable) and then resolved with a resolution.
 * OPEN -> RESOLVED directly covers automatic resolution (e.g. the order it was about got cancelled).
 */
export const exceptionMachine = defineStateMachine<ExceptionStatus>('Exception', 'OPEN', {
  OPEN: ['IN_PROGRESS', 'RESOLVED'],
  IN_PROGRESS: ['IN_PROGRESS', 'RESOLVED'],
  RESOLVED: [],
})
