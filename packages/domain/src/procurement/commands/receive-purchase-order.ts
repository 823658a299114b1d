import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { DomainError, userError, type UserErrorData } from '../../shared/errors.ts'
import { idempotent } from '../../shared/idempotency.ts'
import { recordEvents, type OutboxMessage } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'
import { getSetting } from '../../settings/settings.ts'
import { moveStock } from '../../inventory/ledger.ts'
import { stockAvailableEvent } from '../../inventory/stock-available.ts'
import { resolveExceptions } from '../../inventory/resolve-exceptions.ts'
import { purchaseOrderMachine } from '../purchase-order.machine.ts'
import { lockPurchaseOrder, purchaseOrderChanged, purchaseOrderIdSchema, purchaseOrderReference } from '../purchase-orders.ts'
import { latePurchaseOrderKey } from './flag-late-purchase-orders.ts'

export const receivePurchaseOrderInput = z.object({
  purchaseOrderId: purchaseOrderIdSchema,
  lines: z
    .array(
      z
        .object({
          sku: codeSchema,
          quantity: z.number().int('Whole units only').positive('A received quantity is more than 0').max(1_000_000),
          damagedQuantity: z.number().int('Whole units only').min(0, 'A damaged quantity cannot be negative').max(1_000_000).nullish(),
        })
        .refine((l) => (l.damagedQuantity ?? 0) <= l.quantity, { message: 'Damaged units are part of the received quantity: at most that many', path: ['damagedQuantity'] }),
    )
    .min(1, 'A receipt needs at least one line')
    .max(500),
  idempotencyKey: z.string().trim().min(1).max(200).nullish(),
})

/**
 * Books a delivery against a sent purchase order: per line on hand +quantity (damaged +damagedQuantity, still on hand
 * but not sellable), incoming −(what was outstanding of it), RECEIVED ledger events, a receipt for lead-time learning,
 * and the stock.available signal so waiting backorders are served first. A line may exceed what is outstanding by
 * `procurement.overReceiptTolerance` of its ordered quantity; beyond it nothing is booked (OVER_RECEIPT).
 */
export async function receivePurchaseOrder(tx: Tx, rawInput: z.input<typeof receivePurchaseOrderInput>, actor: Actor, now = new Date()) {
  const input = parseInput(receivePurchaseOrderInput, rawInput)
  const { idempotencyKey, ...request } = input
  return idempotent(
    tx,
    {
      scope: 'receivePurchaseOrder',
      owner: actor.id,
      now,
      key: idempotencyKey,
      request: { ...request, lines: request.lines.map((l) => ({ ...l, damagedQuantity: l.damagedQuantity ?? 0 })) },
      toResponse: (r) => ({ purchaseOrderId: r.purchaseOrder.id, receiptId: r.receipt.id }),
      replay: async (r) => ({
        purchaseOrder: await tx.purchaseOrder.findUniqueOrThrow({ where: { id: Number(r.purchaseOrderId) } }),
        receipt: await tx.receipt.findUniqueOrThrow({ where: { id: Number(r.receiptId) } }),
      }),
    },
    async () => {
      const po = await lockPurchaseOrder(tx, input.purchaseOrderId, null)
      if (po.status !== 'SENT' && po.status !== 'PARTIALLY_RECEIVED') {
        throw userError('ILLEGAL_TRANSITION', `${po.number} is ${po.status}: only a sent or partly received purchase order takes receipts`, ['input', 'purchaseOrderId'])
      }
      const tolerance = Math.max(0, Number(await getSetting(tx, 'procurement.overReceiptTolerance')))
      const byCode = new Map(po.lines.map((l) => [l.sku.code, l]))
      const errors: UserErrorData[] = []
      const seen = new Set<string>()
      input.lines.forEach((l, i) => {
        const at = (f: string) => ['input', 'lines', String(i), f]
        if (seen.has(l.sku)) errors.push({ code: 'INVALID_INPUT', message: `${l.sku} appears twice`, field: at('sku') })
        seen.add(l.sku)
        const line = byCode.get(l.sku)
        if (!line) return errors.push({ code: 'NOT_FOUND', message: `${l.sku} is not on ${po.number}`, field: at('sku') })
        const allowed = Math.floor(line.quantity * (1 + tolerance) + 1e-9) - line.receivedQuantity
        if (l.quantity > allowed) {
          errors.push({
            code: 'OVER_RECEIPT',
            message: `${l.sku}: ${line.receivedQuantity} of ${line.quantity} already received; at most ${Math.max(0, allowed)} more (tolerance ${(tolerance * 100).toFixed(1)}%)`,
            field: at('quantity'),
          })
        }
      })
      if (errors.length) throw new DomainError(errors)

      const receipt = await tx.receipt.create({ data: { purchaseOrderId: po.id, locationId: po.locationId, receivedBy: actor.id, receivedAt: now } })
      const reference = purchaseOrderReference(po.number)
      const events: OutboxMessage[] = []
      const sellable: number[] = []
      for (const l of input.lines) {
        const line = byCode.get(l.sku)!
        const damaged = l.damagedQuantity ?? 0
        const outstanding = Math.max(0, line.quantity - line.receivedQuantity)
        const moved = await moveStock(tx, {
          skuId: line.skuId, locationId: po.locationId, type: 'RECEIVED',
          deltas: { onHand: l.quantity, damaged, incoming: -Math.min(l.quantity, outstanding) }, actor,
          reasonCode: 'PO_RECEIPT', referenceDocumentUri: reference,
          metadata: { purchaseOrderId: po.id, purchaseOrderLineId: line.id, receiptId: receipt.id, damaged },
        })
        await tx.receiptLine.create({ data: { receiptId: receipt.id, purchaseOrderLineId: line.id, skuId: line.skuId, quantity: l.quantity, damagedQuantity: damaged } })
        await tx.purchaseOrderLine.update({ where: { id: line.id }, data: { receivedQuantity: { increment: l.quantity }, damagedQuantity: { increment: damaged } } })
        line.receivedQuantity += l.quantity
        events.push({ topic: 'stock.changed', aggregateType: 'StockPosition', aggregateId: moved.id, payload: { skuId: line.skuId, locationId: po.locationId, onHandDelta: l.quantity, purchaseOrderId: po.id } })
        if (l.quantity > damaged) sellable.push(line.skuId)
      }
      const complete = po.lines.every((l) => l.receivedQuantity >= l.quantity)
      const to = complete ? 'RECEIVED' : 'PARTIALLY_RECEIVED'
      purchaseOrderMachine.assertTransition(po.status, to, ['input', 'purchaseOrderId'])
      const purchaseOrder = await tx.purchaseOrder.update({ where: { id: po.id }, data: { status: to, ...(complete ? { receivedAt: now } : {}) } })
      if (sellable.length) events.push(stockAvailableEvent(po.locationId, sellable, 'PURCHASE_ORDER_RECEIPT', reference))
      await recordEvents(tx, events)
      if (complete) await resolveExceptions(tx, [latePurchaseOrderKey(po.id)], actor, `Received in full by ${now.toISOString()}`, now)
      await purchaseOrderChanged(tx, purchaseOrder, to, actor.id)
      return { purchaseOrder, receipt }
    },
  )
}
