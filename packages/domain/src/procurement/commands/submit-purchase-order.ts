import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { getSetting } from '../../settings/settings.ts'
import { purchaseOrderMachine } from '../purchase-order.machine.ts'
import { lockPurchaseOrder, purchaseOrderChanged, purchaseOrderIdSchema, purchaseOrderValue } from '../purchase-orders.ts'

export const submitPurchaseOrderInput = z.object({ purchaseOrderId: purchaseOrderIdSchema })

/**
 * Submits a draft: above `procurement.poApprovalValue` (default 0, so every PO with a value) it waits for a FINANCE
 * approver who is not the submitter; within it, it is approved at once.
 */
export async function submitPurchaseOrder(tx: Tx, rawInput: z.input<typeof submitPurchaseOrderInput>, actor: Actor, now = new Date()) {
  const input = parseInput(submitPurchaseOrderInput, rawInput)
  const po = await lockPurchaseOrder(tx, input.purchaseOrderId, null)
  if (po.lines.length === 0) throw userError('INVALID_INPUT', `${po.number} has no lines`, ['input', 'purchaseOrderId'])
  const limit = Number(await getSetting(tx, 'procurement.poApprovalValue'))
  const value = purchaseOrderValue(po.lines)
  const to = value > limit ? 'PENDING_APPROVAL' : 'APPROVED'
  purchaseOrderMachine.assertTransition(po.status, to, ['input', 'purchaseOrderId'])
  const updated = await tx.purchaseOrder.update({
    where: { id: po.id },
    data: {
      status: to,
      submittedBy: actor.id,
      submittedAt: now,
      ...(to === 'APPROVED' ? { approvedBy: `auto:within procurement.poApprovalValue ${limit}`, approvedAt: now } : {}),
    },
  })
  await purchaseOrderChanged(tx, updated, to, actor.id)
  return updated
}
