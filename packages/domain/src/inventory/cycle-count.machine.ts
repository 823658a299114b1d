import type { CycleCountStatus } from '@ops-hub/db'
import { defineStateMachine } from '../shared/state-machine.ts'

/**
 * A count within tolerance completes at once; beyond it the first time asks for a recount; a recount still beyond
 * waits for approval of the variance (approved -> COMPLETED, rejected -> CANCELLED and the book stands).
 */
export const cycleCountMachine = defineStateMachine<CycleCountStatus>('CycleCount', 'SCHEDULED', {
  SCHEDULED: ['COMPLETED', 'RECOUNT_REQUESTED', 'CANCELLED'],
  RECOUNT_REQUESTED: ['COMPLETED', 'PENDING_APPROVAL', 'CANCELLED'],
  PENDING_APPROVAL: ['COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
})
