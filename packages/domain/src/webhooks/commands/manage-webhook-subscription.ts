import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'

/** The subscription, if the actor may manage it: staff any, a partner those of its own channel. */
export async function ownedSubscription(tx: Tx, id: number, actor: Actor) {
  const sub = await tx.webhookSubscription.findUnique({ where: { id }, include: { channel: true } })
  if (!sub || sub.deletedAt || (actor.role === 'PARTNER' && sub.channel?.code !== actor.channelCode)) {
    throw userError('NOT_FOUND', 'No such webhook subscription', ['input', 'id'])
  }
  return sub
}

export const setWebhookSubscriptionActiveInput = z.object({ id: z.number().int().positive(), active: z.boolean() })

/** Pauses or resumes a subscription: while paused its deliveries wait (they are sent once it is active again). */
export async function setWebhookSubscriptionActive(tx: Tx, rawInput: z.input<typeof setWebhookSubscriptionActiveInput>, actor: Actor, now = new Date()) {
  const input = parseInput(setWebhookSubscriptionActiveInput, rawInput)
  await ownedSubscription(tx, input.id, actor)
  return tx.webhookSubscription.update({ where: { id: input.id }, data: { active: input.active, updatedAt: now } })
}

export const deleteWebhookSubscriptionInput = z.object({ id: z.number().int().positive() })

/** Ends a subscription: nothing more is sent to it (its delivery log is kept). */
export async function deleteWebhookSubscription(tx: Tx, rawInput: z.input<typeof deleteWebhookSubscriptionInput>, actor: Actor, now = new Date()) {
  const input = parseInput(deleteWebhookSubscriptionInput, rawInput)
  await ownedSubscription(tx, input.id, actor)
  return tx.webhookSubscription.update({ where: { id: input.id }, data: { active: false, deletedAt: now, updatedAt: now } })
}
