import type { AdjustmentStatus } from '@ops-hub/db'
import { defineStateMachine } from '../shared/state-machine.ts'

/** An adjustment is decided once: applied (stock moved) or rejected (nothing moved). Small ones are born APPLIED. */
export const adjustmentMachine = defineStateMachine<AdjustmentStatus>('Adjustment', 'PENDING_APPROVAL', {
  PENDING_APPROVAL: ['APPLIED', 'REJECTED'],
  APPLIED: [],
  REJECTED: [],
})
