import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { idempotent } from '../../shared/idempotency.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { moveStock } from '../../inventory/ledger.ts'
import { supplierSkuLeadTimes } from '../queries/lead-times.ts'
import { lockPurchaseOrder, purchaseOrderChanged, purchaseOrderIdSchema, purchaseOrderReference } from '../purchase-orders.ts'

const DAY_MS = 86_400_000

export const sendPurchaseOrderInput = z.object({
  purchaseOrderId: purchaseOrderIdSchema,
  /** When the supplier is expected to deliver; default: now + the longest learned lead time of its lines. */
  expectedArrival: z.date().nullish(),
  idempotencyKey: z.string().trim().min(1).max(200).nullish(),
})

/**
 * Sends an approved purchase order to its supplier: from this moment (`orderedAt`) its lead time runs, and every line
 * is added to the destination position's `incoming` through the ledger (INCOMING_CHANGED).
 */
export async function sendPurchaseOrder(tx: Tx, rawInput: z.input<typeof sendPurchaseOrderInput>, actor: Actor, now = new Date()) {
  const input = parseInput(sendPurchaseOrderInput, rawInput)
  return idempotent(
    tx,
    {
      scope: 'sendPurchaseOrder',
      owner: actor.id,
      now,
      key: input.idempotencyKey,
      request: { purchaseOrderId: input.purchaseOrderId, expectedArrival: input.expectedArrival?.toISOString() ?? null },
      toResponse: (po) => ({ purchaseOrderId: po.id }),
      replay: async (r) => tx.purchaseOrder.findUniqueOrThrow({ where: { id: Number(r.purchaseOrderId) } }),
    },
    async () => {
      const po = await lockPurchaseOrder(tx, input.purchaseOrderId, 'SENT')
      let expectedAt = input.expectedArrival ?? null
      if (expectedAt && expectedAt.getTime() <= now.getTime()) {
        throw userError('INVALID_INPUT', 'The expected arrival must be after the moment the order is sent', ['input', 'expectedArrival'])
      }
      if (expectedAt && expectedAt.getTime() > now.getTime() + 730 * DAY_MS) {
        throw userError('INVALID_INPUT', 'The expected arrival is at most two years ahead', ['input', 'expectedArrival'])
      }
      if (!expectedAt) {
        const sources = await tx.supplierSku.findMany({ where: { supplierId: po.supplierId, skuId: { in: po.lines.map((l) => l.skuId) } }, select: { id: true } })
        const leadTimes = await supplierSkuLeadTimes(tx, sources.map((s) => s.id), now)
        const days = Math.max(1, ...[...leadTimes.values()].map((l) => l.meanDays))
        expectedAt = new Date(now.getTime() + days * DAY_MS)
      }
      const reference = purchaseOrderReference(po.number)
      for (const line of po.lines) {
        const moved = await moveStock(tx, {
          skuId: line.skuId, locationId: po.locationId, type: 'INCOMING_CHANGED', deltas: { incoming: line.quantity }, actor,
          reasonCode: 'PO_SENT', referenceDocumentUri: reference, metadata: { purchaseOrderId: po.id, purchaseOrderLineId: line.id },
        })
        await recordEvents(tx, [
          { topic: 'stock.changed', aggregateType: 'StockPosition', aggregateId: moved.id, payload: { skuId: line.skuId, locationId: po.locationId, incomingDelta: line.quantity, purchaseOrderId: po.id } },
        ])
      }
      const updated = await tx.purchaseOrder.update({ where: { id: po.id }, data: { status: 'SENT', orderedAt: now, expectedAt } })
      await purchaseOrderChanged(tx, updated, 'SENT', actor.id)
      return updated
    },
  )
}
