import { z } from 'zod'
import type { PurchaseOrderStatus, Tx } from '@ops-hub/db'
import { userError } from '../shared/errors.ts'
import { recordEvents } from '../shared/outbox.ts'
import { purchaseOrderMachine } from './purchase-order.machine.ts'

export const purchaseOrderIdSchema = z.number().int().positive()

/**
 * Loads a purchase order with its lines under a row lock, so concurrent decisions and receipts on one PO take turns
 * (each then sees the other's outcome), and checks that `to` is a legal next state.
 */
export async function lockPurchaseOrder(tx: Tx, id: number, to: PurchaseOrderStatus | null) {
  const locked = await tx.$queryRaw<Array<{ id: number }>>`SELECT id FROM purchase_orders WHERE id = ${id} FOR UPDATE`
  if (locked.length === 0) throw userError('NOT_FOUND', `No purchase order ${id}`, ['input', 'purchaseOrderId'])
  const po = await tx.purchaseOrder.findUniqueOrThrow({
    where: { id },
    include: { lines: { orderBy: { id: 'asc' }, include: { sku: { select: { id: true, code: true } } } }, supplier: true, location: true },
  })
  if (to) purchaseOrderMachine.assertTransition(po.status, to, ['input', 'purchaseOrderId'])
  return po
}

/** Sum of quantity × unit cost over the lines, in the PO's currency. */
export function purchaseOrderValue(lines: Array<{ quantity: number; unitCost: { toString(): string } | number }>): number {
  return lines.reduce((s, l) => s + l.quantity * Number(l.unitCost.toString()), 0)
}

/** Announces a purchase-order change after commit (webhooks, live views). */
export function purchaseOrderChanged(tx: Tx, po: { id: number; number: string; locationId: number; supplierId: number }, status: PurchaseOrderStatus, by: string) {
  return recordEvents(tx, [
    { topic: 'procurement.changed', aggregateType: 'PurchaseOrder', aggregateId: po.id, payload: { number: po.number, status, locationId: po.locationId, supplierId: po.supplierId, by } },
  ])
}

/** The reference document every ledger movement of a purchase order carries. */
export const purchaseOrderReference = (number: string) => `purchase-order:${number}`
