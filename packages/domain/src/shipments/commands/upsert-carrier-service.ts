import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'

export const upsertCarrierServiceInput = z.object({
  carrier: z.string().trim().min(1, 'Carrier is required').max(64),
  service: z.string().trim().min(1, 'Service is required').max(64),
  transitDaysMean: z.number().positive('Mean transit time must be more than 0 days').max(365),
  transitDaysMax: z.number().int('Whole business days').min(1, 'Maximum transit time is at least 1 day').max(365),
  costPerShipment: z.number().min(0, 'Cost cannot be negative').max(1_000_000),
})

/**
 * Creates or updates the carrier service shipments are booked with (one per carrier x service); its transit
 * times drive projected delivery dates, so the mean may not exceed the maximum.
 */
export async function upsertCarrierService(tx: Tx, rawInput: z.input<typeof upsertCarrierServiceInput>, actor: Actor) {
  const input = parseInput(upsertCarrierServiceInput, rawInput)
  if (input.transitDaysMean > input.transitDaysMax) {
    throw userError('INVALID_INPUT', `Mean transit time (${input.transitDaysMean}) exceeds the maximum (${input.transitDaysMax})`, ['input', 'transitDaysMean'])
  }
  const data = { transitDaysMean: input.transitDaysMean, transitDaysMax: input.transitDaysMax, costPerShipment: input.costPerShipment, active: true }
  const service = await tx.carrierService.upsert({
    where: { carrier_service: { carrier: input.carrier, service: input.service } },
    create: { carrier: input.carrier, service: input.service, ...data },
    update: data,
  })
  await recordEvents(tx, [
    { topic: 'network.changed', aggregateType: 'CarrierService', aggregateId: service.id, payload: { carrier: service.carrier, service: service.service, by: actor.id } },
  ])
  return service
}
