import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError, type UserErrorData } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { codeSchema } from '../../shared/codes.ts'
import { openException } from '../../exceptions/commands/open-exception.ts'
import { exceptionMachine } from '../../exceptions/exception.machine.ts'
import { fulfillmentMachine } from '../../orders/fulfillment.machine.ts'
import { illegal, moveFulfillmentStatus } from '../status-moves.ts'
import { lockFulfillmentOrder } from '../locks.ts'
import { countNodeWork } from '../day-load.ts'

export const verifyPackInput = z.object({
  fulfillmentOrderId: z.number().int().positive(),
  scannedItems: z
    .array(z.object({ sku: codeSchema, quantity: z.number().int('Whole units only').min(1, 'Scan at least one unit') }))
    .min(1, 'Scan at least one item')
    .max(1000),
})

export interface PackMismatch {
  sku: string
  picked: number
  scanned: number
}

/**
 * Pack verification: the scanned SKUs and quantities must equal what was picked for the fulfillment order.
 * A match packs it (PACKED). A mismatch advances nothing, yet is not rolled back: the MISMATCH verification
 * and a PACK_MISMATCH exception for operations are recorded, and the caller reports a PACK_MISMATCH user error.
 */
export async function verifyPack(tx: Tx, rawInput: z.input<typeof verifyPackInput>, actor: Actor) {
  const input = parseInput(verifyPackInput, rawInput)
  await lockFulfillmentOrder(tx, input.fulfillmentOrderId)
  const fo = await tx.fulfillmentOrder.findUnique({
    where: { id: input.fulfillmentOrderId },
    include: {
      order: { select: { status: true, number: true } },
      pickTasks: { select: { status: true, pickedQuantity: true, sku: { select: { code: true } } } },
    },
  })
  if (!fo) throw userError('NOT_FOUND', 'Fulfillment order not found', ['input', 'fulfillmentOrderId'])
  if (fo.order.status === 'CANCELLED') throw illegal(`Order ${fo.order.number} was cancelled`, ['input', 'fulfillmentOrderId'])
  fulfillmentMachine.assertTransition(fo.status, 'PACKED', ['input', 'fulfillmentOrderId'])
  const open = fo.pickTasks.filter((t) => t.status === 'OPEN').length
  if (open > 0) throw illegal(`${fo.number} still has ${open} open pick task(s); confirm them before packing`, ['input', 'fulfillmentOrderId'])

  const picked = new Map<string, number>()
  for (const t of fo.pickTasks) if (t.pickedQuantity > 0) picked.set(t.sku.code, (picked.get(t.sku.code) ?? 0) + t.pickedQuantity)
  const scanned = new Map<string, number>()
  for (const s of input.scannedItems) scanned.set(s.sku, (scanned.get(s.sku) ?? 0) + s.quantity)
  const mismatches: PackMismatch[] = [...new Set([...picked.keys(), ...scanned.keys()])]
    .sort()
    .map((sku) => ({ sku, picked: picked.get(sku) ?? 0, scanned: scanned.get(sku) ?? 0 }))
    .filter((m) => m.picked !== m.scanned)
  const scannedItems = [...scanned].map(([sku, quantity]) => ({ sku, quantity }))

  if (mismatches.length > 0) {
    const verification = await tx.packVerification.create({
      data: { fulfillmentOrderId: fo.id, result: 'MISMATCH', scannedItems, mismatches: mismatches as object, verifiedBy: actor.id },
    })
    const exception = await openException(tx, {
      type: 'PACK_MISMATCH',
      severity: 'MEDIUM',
      ownerRole: 'OPERATIONS',
      subjectType: 'FulfillmentOrder',
      subjectId: fo.id,
      orderId: fo.orderId,
      title: `Pack mismatch on ${fo.number}`,
      detail: mismatches.map((m) => `${m.sku}: picked ${m.picked}, scanned ${m.scanned}`).join('; '),
      data: { mismatches },
      dedupeKey: `PACK_MISMATCH:${fo.id}`,
    })
    await recordEvents(tx, [
      { topic: 'fulfillment.changed', aggregateType: 'FulfillmentOrder', aggregateId: fo.id, payload: { packVerification: 'MISMATCH', orderId: fo.orderId } },
    ])
    const errors: UserErrorData[] = mismatches.map((m) => ({
      code: 'PACK_MISMATCH',
      field: ['input', 'scannedItems'],
      message: `${m.sku}: picked ${m.picked} but scanned ${m.scanned}`,
    }))
    return { fulfillmentOrderId: fo.id, verification, mismatches, exceptionId: exception.id, userErrors: errors }
  }

  const verification = await tx.packVerification.create({
    data: { fulfillmentOrderId: fo.id, result: 'VERIFIED', scannedItems, verifiedBy: actor.id },
  })
  const units = [...picked.values()].reduce((s, n) => s + n, 0)
  await moveFulfillmentStatus(tx, fo.id, 'PACKED', actor, {
    title: 'Packed',
    detail: `${fo.number}: ${units} unit(s) scanned and verified`,
    data: { packedAt: new Date() },
  })
  await countNodeWork(tx, fo.locationId, 'packed', new Date())
  // A good re-scan settles an earlier mismatch on the same fulfillment order.
  const earlier = await tx.exception.findMany({ where: { dedupeKey: `PACK_MISMATCH:${fo.id}`, status: { not: 'RESOLVED' } } })
  for (const e of earlier) {
    exceptionMachine.assertTransition(e.status, 'RESOLVED')
    await tx.exception.update({
      where: { id: e.id },
      data: { status: 'RESOLVED', resolvedAt: new Date(), resolvedBy: actor.id, resolution: 'Re-scanned and verified at pack' },
    })
    await recordEvents(tx, [{ topic: 'exception.changed', aggregateType: 'Exception', aggregateId: e.id, payload: { status: 'RESOLVED' } }])
  }
  return { fulfillmentOrderId: fo.id, verification, mismatches, exceptionId: null, userErrors: [] as UserErrorData[] }
}
