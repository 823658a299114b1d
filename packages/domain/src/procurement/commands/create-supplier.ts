import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { createUnique, userError } from '../../shared/errors.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'

export const createSupplierInput = z.object({
  code: codeSchema,
  name: z.string().trim().min(1, 'Name is required').max(200),
  contactEmail: z.string().trim().email('contactEmail is not an email address').max(320).nullish(),
})

/** Registers a supplier under a unique code; what it supplies is added with upsertSupplierSku. */
export async function createSupplier(tx: Tx, rawInput: z.input<typeof createSupplierInput>, actor: Actor) {
  const input = parseInput(createSupplierInput, rawInput)
  const supplier = await createUnique(
    () => tx.supplier.create({ data: { code: input.code, name: input.name, contactEmail: input.contactEmail ?? null } }),
    () => userError('ALREADY_EXISTS', `Supplier ${input.code} already exists`, ['input', 'code']),
  )
  await recordEvents(tx, [{ topic: 'procurement.changed', aggregateType: 'Supplier', aggregateId: supplier.id, payload: { by: actor.id } }])
  return supplier
}
