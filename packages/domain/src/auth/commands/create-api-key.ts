import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { generateApiKey, hashSecret } from '../api-keys.ts'
import { ROLES } from '../tokens.ts'

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1, 'Name is required').max(100),
  role: z.enum(ROLES as [string, ...string[]]),
  channelCode: z.string().trim().min(1).nullish(),
  expiresAt: z.date().nullish(),
})

/** Issues an API key for an integration; a PARTNER key is bound to one channel. The secret is shown once. */
export async function createApiKey(tx: Tx, rawInput: z.input<typeof createApiKeyInput>, actor: Actor, now = new Date()) {
  const input = parseInput(createApiKeyInput, rawInput)
  if (input.role === 'PARTNER' && !input.channelCode) {
    throw userError('INVALID_INPUT', 'A PARTNER key must be bound to a channel', ['input', 'channelCode'])
  }
  if (input.expiresAt && input.expiresAt <= now) throw userError('INVALID_INPUT', 'Expiry must be in the future', ['input', 'expiresAt'])
  let channelId: number | null = null
  if (input.channelCode) {
    const channel = await tx.channel.findUnique({ where: { code: input.channelCode }, select: { id: true } })
    if (!channel) throw userError('NOT_FOUND', `Channel ${input.channelCode} does not exist`, ['input', 'channelCode'])
    channelId = channel.id
  }
  const { prefix, secret, key } = generateApiKey()
  const apiKey = await tx.apiKey.create({
    data: {
      name: input.name,
      prefix,
      secretHash: hashSecret(secret),
      role: input.role as never,
      channelId,
      createdBy: actor.id,
      expiresAt: input.expiresAt ?? null,
    },
  })
  return { apiKey, key }
}
