import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { moveStock } from '../../inventory/ledger.ts'
import { announceStock } from '../../warehouse/stock-events.ts'
import { refundMachine, returnMachine } from '../return.machine.ts'

export const receiveReturnInput = z.object({
  returnId: z.number().int().positive(),
  locationCode: codeSchema,
  /** What actually arrived per SKU; omitted = everything requested. */
  lines: z.array(z.object({ sku: codeSchema, quantity: z.number().int('Whole units only').min(0) })).max(200).nullish(),
})

/**
 * The parcel is back at a node: received units go on hand but into quality control (not sellable) until each line
 * is inspected; the refund becomes PENDING. A line may arrive short, never over what was requested.
 */
export async function receiveReturn(tx: Tx, rawInput: z.input<typeof receiveReturnInput>, actor: Actor, now = new Date()) {
  const input = parseInput(receiveReturnInput, rawInput)
  await tx.$queryRaw`SELECT id FROM returns WHERE id = ${input.returnId} FOR UPDATE`
  const rma = await tx.return.findUnique({ where: { id: input.returnId }, include: { lines: { include: { sku: { select: { code: true } } }, orderBy: { id: 'asc' } } } })
  if (!rma) throw userError('NOT_FOUND', 'Return not found', ['input', 'returnId'])
  returnMachine.assertTransition(rma.status, 'RECEIVED', ['input', 'returnId'])
  const location = await tx.location.findUnique({ where: { code: input.locationCode }, select: { id: true, code: true, active: true } })
  if (!location || !location.active) throw userError('NOT_FOUND', `Location ${input.locationCode} does not exist`, ['input', 'locationCode'])

  const arrived = new Map<string, number>()
  if (input.lines) {
    input.lines.forEach((l, i) => {
      if (!rma.lines.some((r) => r.sku.code === l.sku)) throw userError('INVALID_INPUT', `${l.sku} is not on ${rma.number}`, ['input', 'lines', String(i), 'sku'])
      arrived.set(l.sku, (arrived.get(l.sku) ?? 0) + l.quantity)
    })
  }
  let total = 0
  for (const line of rma.lines) {
    // Several lines of one SKU share what arrived, in line order.
    const wanted = input.lines ? Math.min(line.quantity, arrived.get(line.sku.code) ?? 0) : line.quantity
    if (input.lines) arrived.set(line.sku.code, (arrived.get(line.sku.code) ?? 0) - wanted)
    if (wanted === 0) continue
    await tx.returnLine.update({ where: { id: line.id }, data: { receivedQuantity: wanted } })
    await tx.orderLine.update({ where: { id: line.orderLineId }, data: { returnedQuantity: { increment: wanted } } })
    const position = await moveStock(tx, {
      skuId: line.skuId, locationId: location.id, type: 'RETURNED', reasonCode: 'RETURN_RECEIVED', deltas: { onHand: wanted, qualityControl: wanted },
      actor, orderId: rma.orderId, referenceDocumentUri: `return:${rma.number}`,
    })
    await announceStock(tx, position, 'return_received')
    total += wanted
  }
  const over = [...arrived].find(([, left]) => left > 0)
  if (over) throw userError('INVALID_INPUT', `More ${over[0]} arrived than ${rma.number} requested`, ['input', 'lines'])
  if (total === 0) throw userError('INVALID_INPUT', 'Nothing arrived: receive at least one unit, or reject the return', ['input', 'lines'])

  refundMachine.assertTransition(rma.refundStatus, 'PENDING')
  const updated = await tx.return.update({
    where: { id: rma.id },
    data: { status: 'RECEIVED', refundStatus: 'PENDING', receivedAt: now, locationId: location.id },
  })
  await tx.orderEvent.create({
    data: { orderId: rma.orderId, kind: 'return', title: `Return received (${rma.number})`, detail: `${total} unit(s) at ${location.code}, awaiting inspection; refund pending`, actor: actor.id },
  })
  await recordEvents(tx, [{ topic: 'return.changed', aggregateType: 'Return', aggregateId: rma.id, payload: { status: 'RECEIVED', orderId: rma.orderId, units: total } }])
  return updated
}
