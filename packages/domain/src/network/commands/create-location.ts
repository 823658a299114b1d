import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { createUnique, userError } from '../../shared/errors.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Cut-off is HH:MM (24h)')

export const createLocationInput = z.object({
  code: codeSchema,
  name: z.string().trim().min(1, 'Name is required').max(200),
  kind: z.enum(['WAREHOUSE', 'THIRD_PARTY', 'STORE', 'SUPPLIER_DOCK']),
  dailyPickCapacity: z.number().int().min(0).max(1_000_000).nullish(),
  dailyPackCapacity: z.number().int().min(0).max(1_000_000).nullish(),
  cutoffTime: hhmm.nullish(),
  timezone: z.string().min(1).nullish(),
  region: z.string().max(64).nullish(),
  postalCode: z.string().max(16).nullish(),
  country: z.string().length(2).nullish(),
  shippingCostPerOrder: z.number().min(0).nullish(),
})

/** Adds a stocking or fulfilment location; 3PL locations are feed-managed (their stock arrives by batch file). */
export async function createLocation(tx: Tx, rawInput: z.input<typeof createLocationInput>, actor: Actor) {
  const input = parseInput(createLocationInput, rawInput)
  if (input.timezone && !isValidTimeZone(input.timezone)) {
    throw userError('INVALID_INPUT', `Unknown time zone ${input.timezone}`, ['input', 'timezone'])
  }
  const [h, m] = (input.cutoffTime ?? '15:00').split(':').map(Number)
  const create = () => tx.location.create({
    data: {
      code: input.code,
      name: input.name,
      kind: input.kind,
      isFulfillmentNode: input.kind !== 'SUPPLIER_DOCK',
      feedManaged: input.kind === 'THIRD_PARTY',
      dailyPickCapacity: input.dailyPickCapacity ?? 1000,
      dailyPackCapacity: input.dailyPackCapacity ?? input.dailyPickCapacity ?? 1000,
      cutoffMinutes: h * 60 + m,
      timezone: input.timezone ?? 'UTC',
      region: input.region ?? null,
      postalCode: input.postalCode ?? null,
      country: (input.country ?? 'US').toUpperCase(),
      shippingCostPerOrder: input.shippingCostPerOrder ?? 0,
    },
  })
  const location = await createUnique(create, () => userError('ALREADY_EXISTS', `Location ${input.code} already exists`, ['input', 'code']))
  await recordEvents(tx, [{ topic: 'network.changed', aggregateType: 'Location', aggregateId: location.id, payload: { by: actor.id } }])
  return location
}

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}
