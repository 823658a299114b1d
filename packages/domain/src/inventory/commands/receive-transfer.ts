import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { DomainError, type UserErrorData } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { moveStock } from '../ledger.ts'
import { transitionTransfer } from './approve-transfer.ts'
import { stockAvailableEvent } from '../stock-available.ts'

export const receiveTransferInput = z.object({
  id: z.number().int().positive(),
  /** Omit to receive every line in full; a short line leaves the missing units out of stock (recorded as TRANSFER_SHORT). */
  lines: z.array(z.object({ sku: codeSchema, receivedQuantity: z.number().int().min(0) })).nullish(),
})

/** Receives a transfer at its destination: in transit becomes on hand; units that never arrived leave in transit with a reason. */
export async function receiveTransfer(tx: Tx, rawInput: z.input<typeof receiveTransferInput>, actor: Actor, now = new Date()) {
  const input = parseInput(receiveTransferInput, rawInput)
  const transfer = await transitionTransfer(tx, input.id, 'RECEIVED', { receivedAt: now })
  const skus = await tx.sku.findMany({ where: { id: { in: transfer.lines.map((l) => l.skuId) } }, select: { id: true, code: true } })
  const codeOf = new Map(skus.map((s) => [s.id, s.code]))
  const given = new Map((input.lines ?? []).map((l) => [l.sku, l.receivedQuantity]))
  const errors: UserErrorData[] = []
  for (const [i, l] of (input.lines ?? []).entries()) {
    const line = transfer.lines.find((x) => codeOf.get(x.skuId) === l.sku)
    if (!line) errors.push({ code: 'INVALID_INPUT', message: `${l.sku} is not on this transfer`, field: ['input', 'lines', String(i), 'sku'] })
    else if (l.receivedQuantity > line.quantity) {
      errors.push({ code: 'INVALID_INPUT', message: `Cannot receive more than the ${line.quantity} shipped`, field: ['input', 'lines', String(i), 'receivedQuantity'] })
    }
  }
  if (errors.length) throw new DomainError(errors)
  const reference = `transfer:${transfer.number}`
  const arrived: number[] = []
  for (const line of transfer.lines) {
    const received = given.get(codeOf.get(line.skuId)!) ?? line.quantity
    await moveStock(tx, {
      skuId: line.skuId, locationId: transfer.toLocationId, type: 'TRANSFERRED_IN', deltas: { inTransit: -line.quantity, onHand: received },
      actor, reasonCode: received === line.quantity ? 'TRANSFER_RECEIVED' : 'TRANSFER_SHORT', referenceDocumentUri: reference,
      metadata: { transferId: transfer.id, shipped: line.quantity, received },
    })
    await tx.transferLine.update({ where: { id: line.id }, data: { receivedQuantity: received } })
    if (received > 0) arrived.push(line.skuId)
  }
  await recordEvents(tx, [
    { topic: 'stock.changed', aggregateType: 'Transfer', aggregateId: transfer.id, payload: { status: 'RECEIVED', locationId: transfer.toLocationId } },
    ...(arrived.length ? [stockAvailableEvent(transfer.toLocationId, arrived, 'TRANSFER_RECEIPT', reference)] : []),
  ])
  return tx.transfer.findUniqueOrThrow({ where: { id: transfer.id } })
}
