import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { DomainError, userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { moveStock } from '../ledger.ts'
import { transitionTransfer, transferIdInput } from './approve-transfer.ts'

/** Ships an approved transfer: each line leaves the source's on hand and appears in the destination's in transit. */
export async function shipTransfer(tx: Tx, rawInput: z.input<typeof transferIdInput>, actor: Actor, now = new Date()) {
  const input = parseInput(transferIdInput, rawInput)
  const transfer = await transitionTransfer(tx, input.id, 'IN_TRANSIT', { shippedAt: now })
  const reference = `transfer:${transfer.number}`
  for (const [i, line] of transfer.lines.entries()) {
    try {
      // Only sellable units leave: reserved or segregated units stay for the orders and inspections that hold them.
      await moveStock(tx, {
        skuId: line.skuId, locationId: transfer.fromLocationId, type: 'TRANSFERRED_OUT', deltas: { onHand: -line.quantity },
        actor, reasonCode: 'TRANSFER_SHIPPED', referenceDocumentUri: reference, metadata: { transferId: transfer.id }, guard: 'available',
      })
    } catch (err) {
      if (err instanceof DomainError) throw userError('INSUFFICIENT_STOCK', `Line ${i + 1}: ${err.message}`, ['input', 'lines', String(i), 'quantity'])
      throw err
    }
    await moveStock(tx, {
      skuId: line.skuId, locationId: transfer.toLocationId, type: 'TRANSFERRED_IN', deltas: { inTransit: line.quantity },
      actor, reasonCode: 'TRANSFER_SHIPPED', referenceDocumentUri: reference, metadata: { transferId: transfer.id },
    })
  }
  await recordEvents(tx, [{ topic: 'stock.changed', aggregateType: 'Transfer', aggregateId: transfer.id, payload: { status: 'IN_TRANSIT' } }])
  return tx.transfer.findUniqueOrThrow({ where: { id: transfer.id } })
}
