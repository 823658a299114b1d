import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { createUnique, userError } from '../../shared/errors.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'

export const createBinInput = z.object({
  locationCode: z.string().trim().min(1, 'Location code is required'),
  code: codeSchema,
  zone: z.string().trim().max(64).nullish(),
  sequence: z.number().int('Sequence is a whole number').min(0, 'Sequence cannot be negative').max(1_000_000_000),
})

/** Adds a bin at a location; its code is unique per location and its sequence sets the pickers' walk order. */
export async function createBin(tx: Tx, rawInput: z.input<typeof createBinInput>, actor: Actor) {
  const input = parseInput(createBinInput, rawInput)
  const location = await tx.location.findUnique({ where: { code: input.locationCode }, select: { id: true } })
  if (!location) throw userError('NOT_FOUND', `Location ${input.locationCode} does not exist`, ['input', 'locationCode'])
  const data = { locationId: location.id, code: input.code, zone: input.zone || null, sequence: input.sequence }
  const bin = await createUnique(() => tx.bin.create({ data }), () => userError('ALREADY_EXISTS', `Bin ${input.code} already exists at ${input.locationCode}`, ['input', 'code']))
  await recordEvents(tx, [{ topic: 'network.changed', aggregateType: 'Bin', aggregateId: bin.id, payload: { locationId: location.id, code: bin.code, by: actor.id } }])
  return bin
}
