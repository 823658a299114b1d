import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { idempotent } from '../../shared/idempotency.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { moveStock } from '../../inventory/ledger.ts'
import { resolveExceptions } from '../../inventory/resolve-exceptions.ts'
import { lockPurchaseOrder, purchaseOrderChanged, purchaseOrderIdSchema, purchaseOrderReference } from '../purchase-orders.ts'
import { latePurchaseOrderKey } from './flag-late-purchase-orders.ts'

export const cancelPurchaseOrderInput = z.object({
  purchaseOrderId: purchaseOrderIdSchema,
  reason: z.string().trim().max(1000).nullish(),
  idempotencyKey: z.string().trim().min(1).max(200).nullish(),
})

/** Cancels a purchase order before anything was received; a sent order's lines leave `incoming` again. */
export async function cancelPurchaseOrder(tx: Tx, rawInput: z.input<typeof cancelPurchaseOrderInput>, actor: Actor, now = new Date()) {
  const input = parseInput(cancelPurchaseOrderInput, rawInput)
  return idempotent(
    tx,
    {
      scope: 'cancelPurchaseOrder',
      owner: actor.id,
      now,
      key: input.idempotencyKey,
      request: { purchaseOrderId: input.purchaseOrderId, reason: input.reason ?? null },
      toResponse: (po) => ({ purchaseOrderId: po.id }),
      replay: async (r) => tx.purchaseOrder.findUniqueOrThrow({ where: { id: Number(r.purchaseOrderId) } }),
    },
    async () => {
      const po = await lockPurchaseOrder(tx, input.purchaseOrderId, 'CANCELLED')
      if (po.status === 'SENT') {
        const reference = purchaseOrderReference(po.number)
        for (const line of po.lines) {
          const outstanding = line.quantity - line.receivedQuantity
          if (outstanding <= 0) continue
          const moved = await moveStock(tx, {
            skuId: line.skuId, locationId: po.locationId, type: 'INCOMING_CHANGED', deltas: { incoming: -outstanding }, actor,
            reasonCode: 'PO_CANCELLED', referenceDocumentUri: reference, metadata: { purchaseOrderId: po.id, purchaseOrderLineId: line.id },
          })
          await recordEvents(tx, [
            { topic: 'stock.changed', aggregateType: 'StockPosition', aggregateId: moved.id, payload: { skuId: line.skuId, locationId: po.locationId, incomingDelta: -outstanding, purchaseOrderId: po.id } },
          ])
        }
      }
      const updated = await tx.purchaseOrder.update({
        where: { id: po.id },
        data: { status: 'CANCELLED', cancelledBy: actor.id, cancelledAt: now, cancelReason: input.reason ?? null },
      })
      await resolveExceptions(tx, [latePurchaseOrderKey(po.id)], actor, `Cancelled${input.reason ? `: ${input.reason}` : ''}`, now)
      await purchaseOrderChanged(tx, updated, 'CANCELLED', actor.id)
      return updated
    },
  )
}
