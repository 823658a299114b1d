import crypto from 'node:crypto'
import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { parseInput } from '../../shared/validation.ts'

export const registerPersistedOperationInput = z.object({
  /** The operation exactly as the client will hash it (the API checks it against the schema first). */
  document: z.string().min(1).max(100_000),
  name: z.string().trim().max(200).nullish(),
})

/**
 * Adds an operation to the persisted-operation allow-list under the sha256 of its text, so a client held to
 * persisted operations (a partner key, say) may run it by hash. The same document twice is the same entry.
 */
export async function registerPersistedOperation(tx: Tx, rawInput: z.input<typeof registerPersistedOperationInput>, actor: Actor, now = new Date()) {
  const input = parseInput(registerPersistedOperationInput, rawInput)
  const hash = crypto.createHash('sha256').update(input.document).digest('hex')
  return tx.persistedOperation.upsert({
    where: { hash },
    create: { hash, document: input.document, name: input.name ?? null, createdBy: actor.id, createdAt: now },
    update: { name: input.name ?? undefined },
  })
}
