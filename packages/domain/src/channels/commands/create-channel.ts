import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { createUnique, userError } from '../../shared/errors.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'

export const createChannelInput = z.object({
  code: codeSchema,
  name: z.string().trim().min(1, 'Name is required').max(200),
  kind: z.enum(['STOREFRONT', 'MARKETPLACE', 'WHOLESALE']),
  priority: z.number().int().min(0).max(1000).nullish(),
})

/** Registers a sales channel (storefront, marketplace, wholesale) whose orders the hub accepts. */
export async function createChannel(tx: Tx, rawInput: z.input<typeof createChannelInput>, actor: Actor) {
  const input = parseInput(createChannelInput, rawInput)
  const data = { code: input.code, name: input.name, kind: input.kind, priority: input.priority ?? 100 }
  const channel = await createUnique(() => tx.channel.create({ data }), () => userError('ALREADY_EXISTS', `Channel ${input.code} already exists`, ['input', 'code']))
  await recordEvents(tx, [{ topic: 'network.changed', aggregateType: 'Channel', aggregateId: channel.id, payload: { by: actor.id } }])
  return channel
}
