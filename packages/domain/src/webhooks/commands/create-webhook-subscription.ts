import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'
import { checkWebhookUrl, type WebhookUrlOptions } from '../webhook-url.ts'
import { newWebhookSecret } from '../signature.ts'

export const WEBHOOK_TOPICS = ['ORDER_STATUS_CHANGED', 'SHIPMENT_MILESTONE', 'INVENTORY_AVAILABILITY_CHANGED'] as const

export const createWebhookSubscriptionInput = z.object({
  topic: z.enum(WEBHOOK_TOPICS),
  url: z.string().trim().min(1, 'A URL is required'),
  /** A partner's own channel when omitted; staff may leave it empty for every channel (not for inventory). */
  channelCode: codeSchema.nullish(),
})

/**
 * Subscribes a URL to one topic of events, signed with a new secret returned once. A partner subscribes for its own
 * channel only and receives only that channel's events; inventory availability is per channel, so it needs one.
 */
export async function createWebhookSubscription(
  tx: Tx,
  rawInput: z.input<typeof createWebhookSubscriptionInput>,
  actor: Actor,
  options: WebhookUrlOptions,
  now = new Date(),
) {
  const input = parseInput(createWebhookSubscriptionInput, rawInput)
  const channelCode = input.channelCode ?? (actor.role === 'PARTNER' ? actor.channelCode : null)
  if (actor.role === 'PARTNER' && channelCode !== actor.channelCode) {
    throw userError('FORBIDDEN', 'A partner subscribes to its own channel only', ['input', 'channelCode'])
  }
  if (!channelCode && input.topic === 'INVENTORY_AVAILABILITY_CHANGED') {
    throw userError('INVALID_INPUT', 'What may be sold is per channel: name the channel', ['input', 'channelCode'])
  }
  const url = await checkWebhookUrl(input.url, options)
  const channel = channelCode ? await tx.channel.findUnique({ where: { code: channelCode } }) : null
  if (channelCode && !channel) throw userError('NOT_FOUND', `No channel ${channelCode}`, ['input', 'channelCode'])
  return tx.webhookSubscription.create({
    data: { topic: input.topic, url: url.toString(), secret: newWebhookSecret(), channelId: channel?.id ?? null, createdBy: actor.id, createdAt: now, updatedAt: now },
  })
}
