import type { PurchaseOrderStatus } from '@ops-hub/db'
import { defineStateMachine } from '../shared/state-machine.ts'

/**
 * A purchase order is drafted (from approved suggestions), submitted (straight to APPROVED when its value is within
 * `procurement.poApprovalValue`, else PENDING_APPROVAL for a FINANCE approver other than the submitter), sent to the
 * supplier (its lines become `incoming`), then received, possibly in several receipts. It can be cancelled until
 * the first receipt; cancelling a sent order gives its incoming units back.
 */
export const purchaseOrderMachine = defineStateMachine<PurchaseOrderStatus>('PurchaseOrder', 'DRAFT', {
  DRAFT: ['PENDING_APPROVAL', 'APPROVED', 'CANCELLED'],
  PENDING_APPROVAL: ['APPROVED', 'CANCELLED'],
  APPROVED: ['SENT', 'CANCELLED'],
  SENT: ['PARTIALLY_RECEIVED', 'RECEIVED', 'CANCELLED'],
  PARTIALLY_RECEIVED: ['PARTIALLY_RECEIVED', 'RECEIVED'],
  RECEIVED: [],
  CANCELLED: [],
})

/** Statuses of a purchase order still expected to bring stock (covers a position's need). */
export const OPEN_PURCHASE_ORDER_STATUSES: PurchaseOrderStatus[] = ['DRAFT', 'PENDING_APPROVAL', 'APPROVED', 'SENT', 'PARTIALLY_RECEIVED']
