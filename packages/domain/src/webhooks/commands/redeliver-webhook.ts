import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { ownedSubscription } from './manage-webhook-subscription.ts'

export const redeliverWebhookInput = z.object({ deliveryId: z.number().int().positive() })

/**
 * Sends a delivery again from its first try (same body, same event id, so a receiver can tell it is a repeat): a
 * dead-lettered one after the receiver is fixed, or a delivered one the receiver lost.
 */
export async function redeliverWebhook(tx: Tx, rawInput: z.input<typeof redeliverWebhookInput>, actor: Actor, now = new Date()) {
  const input = parseInput(redeliverWebhookInput, rawInput)
  const delivery = await tx.webhookDelivery.findUnique({ where: { id: input.deliveryId } })
  if (!delivery) throw userError('NOT_FOUND', 'No such webhook delivery', ['input', 'deliveryId'])
  await ownedSubscription(tx, delivery.subscriptionId, actor)
  return tx.webhookDelivery.update({
    where: { id: delivery.id },
    data: { status: 'PENDING', tries: 0, nextAttemptAt: now },
    include: { subscription: { select: { channelId: true } } },
  })
}
