import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { shipmentMachine } from '../shipment.machine.ts'

export const handToCarrierInput = z
  .object({
    shipmentId: z.number().int().positive().nullish(),
    trackingNumber: z.string().trim().min(1).max(64).nullish(),
  })
  .refine((v) => Boolean(v.shipmentId) !== Boolean(v.trackingNumber), { message: 'Give either shipmentId or trackingNumber', path: ['shipmentId'] })

/** The parcel left the dock with the carrier: LABEL_CREATED -> HANDED_TO_CARRIER, recorded as a milestone. */
export async function handToCarrier(tx: Tx, rawInput: z.input<typeof handToCarrierInput>, actor: Actor) {
  const input = parseInput(handToCarrierInput, rawInput)
  const where = input.shipmentId ? { id: input.shipmentId } : { trackingNumber: input.trackingNumber! }
  const found = await tx.shipment.findUnique({ where, select: { id: true } })
  if (!found) throw userError('NOT_FOUND', 'Shipment not found', ['input', input.shipmentId ? 'shipmentId' : 'trackingNumber'])
  await tx.$queryRaw`SELECT id FROM shipments WHERE id = ${found.id} FOR UPDATE`
  const shipment = await tx.shipment.findUniqueOrThrow({ where: { id: found.id } })
  shipmentMachine.assertTransition(shipment.status, 'HANDED_TO_CARRIER')
  const at = new Date()
  await tx.shipmentMilestone.create({
    data: { shipmentId: shipment.id, status: 'HANDED_TO_CARRIER', occurredAt: at, source: 'warehouse', description: `Handed to ${shipment.carrier} by ${actor.id}` },
  })
  const updated = await tx.shipment.update({ where: { id: shipment.id }, data: { status: 'HANDED_TO_CARRIER', statusAt: at, handedToCarrierAt: at } })
  await recordEvents(tx, [
    { topic: 'shipment.changed', aggregateType: 'Shipment', aggregateId: shipment.id, payload: { status: 'HANDED_TO_CARRIER', orderId: shipment.orderId } },
  ])
  return updated
}
