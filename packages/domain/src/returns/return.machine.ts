import type { RefundStatus, ReturnStatus } from '@ops-hub/db'
import { defineStateMachine } from '../shared/state-machine.ts'

/** An RMA is received at a node, every line inspected, then closed (refund settled); it can be rejected before receipt. */
export const returnMachine = defineStateMachine<ReturnStatus>('Return', 'REQUESTED', {
  REQUESTED: ['RECEIVED', 'REJECTED'],
  RECEIVED: ['INSPECTED'],
  INSPECTED: ['CLOSED'],
  CLOSED: [],
  REJECTED: [],
})

/** Refunds become due when the goods are back (PENDING) and are paid once (REFUNDED) or denied. */
export const refundMachine = defineStateMachine<RefundStatus>('Refund', 'NOT_STARTED', {
  NOT_STARTED: ['PENDING', 'DENIED'],
  PENDING: ['REFUNDED', 'DENIED'],
  REFUNDED: [],
  DENIED: [],
})
