import { z } from 'zod'
import type { ReturnDisposition, Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { moveStock, type StockMovement } from '../../inventory/ledger.ts'
import { announceStock } from '../../warehouse/stock-events.ts'
import { illegal } from '../../warehouse/status-moves.ts'
import { settleIfInspected } from '../settle-return.ts'

export const inspectReturnLineInput = z.object({
  returnLineId: z.number().int().positive(),
  disposition: z.enum(['RESTOCK', 'DAMAGED', 'SCRAP', 'RETURN_TO_VENDOR']),
  note: z.string().trim().max(1000).nullish(),
})

/**
 * Where inspected units go. They were received into quality control (on hand, not sellable): RESTOCK releases them
 * to available; DAMAGED moves them to the damaged bucket (still on hand, never sold); SCRAP and RETURN_TO_VENDOR
 * take them off hand.
 */
export const DISPOSITION_MOVES: Record<ReturnDisposition, Pick<StockMovement, 'type' | 'reasonCode' | 'deltas'>> = {
  RESTOCK: { type: 'QUALITY_RELEASED', reasonCode: 'RETURN_RESTOCK', deltas: { qualityControl: -1 } },
  DAMAGED: { type: 'DAMAGED', reasonCode: 'RETURN_DAMAGED', deltas: { qualityControl: -1, damaged: 1 } },
  SCRAP: { type: 'ADJUSTED', reasonCode: 'RETURN_SCRAP', deltas: { qualityControl: -1, onHand: -1 } },
  RETURN_TO_VENDOR: { type: 'ADJUSTED', reasonCode: 'RETURN_TO_VENDOR', deltas: { qualityControl: -1, onHand: -1 } },
}

/** Inspects one received return line once, moving its units into the bucket its disposition dictates; the last inspection settles the return. */
export async function inspectReturnLine(tx: Tx, rawInput: z.input<typeof inspectReturnLineInput>, actor: Actor) {
  const input = parseInput(inspectReturnLineInput, rawInput)
  const line = await tx.returnLine.findUnique({ where: { id: input.returnLineId }, include: { return: true, sku: { select: { code: true } } } })
  if (!line) throw userError('NOT_FOUND', 'Return line not found', ['input', 'returnLineId'])
  await tx.$queryRaw`SELECT id FROM returns WHERE id = ${line.returnId} FOR UPDATE`
  const rma = await tx.return.findUniqueOrThrow({ where: { id: line.returnId } })
  if (rma.status !== 'RECEIVED') throw illegal(`${rma.number} is ${rma.status}: only a received return can be inspected`, ['input', 'returnLineId'])
  const fresh = await tx.returnLine.findUniqueOrThrow({ where: { id: line.id } })
  if (fresh.disposition) throw illegal(`This line was already inspected as ${fresh.disposition}`, ['input', 'returnLineId'])
  if (fresh.receivedQuantity === 0) throw illegal('Nothing of this line was received, so there is nothing to inspect', ['input', 'returnLineId'])

  const n = fresh.receivedQuantity
  const move = DISPOSITION_MOVES[input.disposition]
  const deltas = Object.fromEntries(Object.entries(move.deltas).map(([k, v]) => [k, (v ?? 0) * n]))
  const position = await moveStock(tx, {
    skuId: line.skuId, locationId: rma.locationId!, type: move.type, reasonCode: move.reasonCode, deltas, actor, orderId: rma.orderId,
    referenceDocumentUri: `return:${rma.number}`, metadata: { returnLineId: line.id, note: input.note ?? null },
  })
  await announceStock(tx, position, `return_${input.disposition.toLowerCase()}`)
  const inspected = await tx.returnLine.update({
    where: { id: line.id },
    data: { disposition: input.disposition, inspectionNote: input.note ?? null, inspectedBy: actor.id, inspectedAt: new Date() },
  })
  await tx.orderEvent.create({
    data: { orderId: rma.orderId, kind: 'RETURN', title: `Return inspected: ${n} x ${line.sku.code} ${input.disposition.replaceAll('_', ' ').toLowerCase()}`, detail: input.note ?? null, actor: actor.id },
  })
  await recordEvents(tx, [{ topic: 'return.changed', aggregateType: 'Return', aggregateId: rma.id, payload: { returnLineId: line.id, disposition: input.disposition, orderId: rma.orderId } }])
  const settled = await settleIfInspected(tx, rma.id, actor)
  return { line: inspected, return: settled, stockPosition: position }
}
