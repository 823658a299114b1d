import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { lockPurchaseOrder, purchaseOrderChanged, purchaseOrderIdSchema } from '../purchase-orders.ts'

export const approvePurchaseOrderInput = z.object({ purchaseOrderId: purchaseOrderIdSchema })

/** Approves a submitted purchase order: a FINANCE (or ADMIN) user, never the person who submitted it. */
export async function approvePurchaseOrder(tx: Tx, rawInput: z.input<typeof approvePurchaseOrderInput>, actor: Actor, now = new Date()) {
  const input = parseInput(approvePurchaseOrderInput, rawInput)
  if (actor.role !== 'FINANCE' && actor.role !== 'ADMIN') {
    throw userError('FORBIDDEN', 'Purchase orders are approved by FINANCE (or ADMIN)', ['input', 'purchaseOrderId'])
  }
  const po = await lockPurchaseOrder(tx, input.purchaseOrderId, 'APPROVED')
  if (po.submittedBy === actor.id) {
    throw userError('SELF_APPROVAL', `${actor.id} submitted ${po.number}: another person must approve it`, ['input', 'purchaseOrderId'])
  }
  const updated = await tx.purchaseOrder.update({ where: { id: po.id }, data: { status: 'APPROVED', approvedBy: actor.id, approvedAt: now } })
  await purchaseOrderChanged(tx, updated, 'APPROVED', actor.id)
  return updated
}
