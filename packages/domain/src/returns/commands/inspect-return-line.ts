import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { moveStock } from '../../inventory/ledger.ts'
import { dispositionReturnedUnits } from '../../inventory/commands/disposition-returned-units.ts'
import { announceStock } from '../../warehouse/stock-events.ts'
import { illegal } from '../../warehouse/status-moves.ts'
import { settleIfInspected } from '../settle-return.ts'

export const inspectReturnLineInput = z.object({
  returnLineId: z.number().int().positive(),
  disposition: z.enum(['RESTOCK', 'DAMAGED', 'SCRAP', 'RETURN_TO_VENDOR']),
  note: z.string().trim().max(1000).nullish(),
})

/**
 * Inspects one received return line once. Its units were received into quality control (on hand, not sellable);
 * they leave QC and go where inventory's dispositionReturnedUnits puts them: RESTOCK -> available, DAMAGED -> the
 * damaged bucket, SCRAP and RETURN_TO_VENDOR -> off hand. The last inspection settles the return.
 */
export async function inspectReturnLine(tx: Tx, rawInput: z.input<typeof inspectReturnLineInput>, actor: Actor, now = new Date()) {
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
  const ref = `return:${rma.number}/line/${line.id}`
  // The units leave the quality-control area they were received into...
  const released = await moveStock(tx, {
    skuId: line.skuId, locationId: rma.locationId!, type: 'QUALITY_RELEASED', reasonCode: 'RETURN_INSPECTED', deltas: { onHand: -n, qualityControl: -n },
    actor, orderId: rma.orderId, referenceDocumentUri: ref, metadata: { returnLineId: line.id, note: input.note ?? null },
  })
  await announceStock(tx, released, 'return_inspected')
  // ...and land where the disposition says (inventory's rule: RESTOCK sellable, DAMAGED segregated, SCRAP/RTV gone).
  const position = await dispositionReturnedUnits(tx, {
    skuId: line.skuId, locationId: rma.locationId!, quantity: n, disposition: input.disposition, actor, reference: ref, orderId: rma.orderId,
  })
  const inspected = await tx.returnLine.update({
    where: { id: line.id },
    data: { disposition: input.disposition, inspectionNote: input.note ?? null, inspectedBy: actor.id, inspectedAt: now },
  })
  await tx.orderEvent.create({
    data: { orderId: rma.orderId, kind: 'return', title: `Return inspected: ${n} x ${line.sku.code} ${input.disposition.replaceAll('_', ' ').toLowerCase()}`, detail: input.note ?? null, actor: actor.id },
  })
  await recordEvents(tx, [{ topic: 'return.changed', aggregateType: 'Return', aggregateId: rma.id, payload: { returnLineId: line.id, disposition: input.disposition, orderId: rma.orderId } }])
  const settled = await settleIfInspected(tx, rma.id, actor, now)
  return { line: inspected, return: settled, stockPosition: position }
}
