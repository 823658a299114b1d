import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'

/** Revokes an API key at once; requests with it are refused from then on. */
export async function revokeApiKey(tx: Tx, input: { id: number }, _actor: Actor, now = new Date()) {
  const key = await tx.apiKey.findUnique({ where: { id: input.id } })
  if (!key) throw userError('NOT_FOUND', 'API key not found', ['input', 'id'])
  const alreadyRevoked = () => userError('ILLEGAL_TRANSITION', 'API key is already revoked', ['input', 'id'])
  if (key.revokedAt) throw alreadyRevoked()
  // Conditional, so of two revocations at once one wins and the time recorded is the first.
  const won = await tx.apiKey.updateMany({ where: { id: key.id, revokedAt: null }, data: { revokedAt: now } })
  if (won.count === 0) throw alreadyRevoked()
  return tx.apiKey.findUniqueOrThrow({ where: { id: key.id } })
}
