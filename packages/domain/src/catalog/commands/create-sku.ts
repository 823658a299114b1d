import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { createUnique, userError } from '../../shared/errors.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'

export const createSkuInput = z.object({
  code: codeSchema,
  name: z.string().trim().min(1, 'Name is required').max(200),
  unitCost: z.number().finite().min(0, 'Unit cost cannot be negative').max(1_000_000),
  unitPrice: z.number().finite().min(0, 'Unit price cannot be negative').max(1_000_000).nullish(),
  abcClass: z.enum(['A', 'B', 'C']).nullish(),
  weightGrams: z.number().int().min(0).nullish(),
})

/** Adds a sellable SKU to the catalog; codes are unique and costs never negative. */
export async function createSku(tx: Tx, rawInput: z.input<typeof createSkuInput>, actor: Actor) {
  const input = parseInput(createSkuInput, rawInput)
  const data = {
    code: input.code,
    name: input.name,
    unitCost: input.unitCost,
    unitPrice: input.unitPrice ?? null,
    abcClass: input.abcClass ?? 'C',
    weightGrams: input.weightGrams ?? null,
  }
  const sku = await createUnique(() => tx.sku.create({ data }), () => userError('ALREADY_EXISTS', `SKU ${input.code} already exists`, ['input', 'code']))
  await recordEvents(tx, [{ topic: 'catalog.changed', aggregateType: 'Sku', aggregateId: sku.id, payload: { by: actor.id } }])
  return sku
}
