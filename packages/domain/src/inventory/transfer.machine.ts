import type { TransferStatus } from '@ops-hub/db'
import { defineStateMachine } from '../shared/state-machine.ts'

/** Transfers need a second person's approval before stock leaves; once shipped they can only be received. */
export const transferMachine = defineStateMachine<TransferStatus>('Transfer', 'REQUESTED', {
  REQUESTED: ['APPROVED', 'REJECTED', 'CANCELLED'],
  APPROVED: ['IN_TRANSIT', 'CANCELLED'],
  IN_TRANSIT: ['RECEIVED'],
  RECEIVED: [],
  REJECTED: [],
  CANCELLED: [],
})
