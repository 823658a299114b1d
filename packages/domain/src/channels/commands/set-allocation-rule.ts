import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'

export const setAllocationRuleInput = z
  .object({
    channelCode: codeSchema,
    /** Null or absent: the rule covers every SKU of the channel (a SKU-specific rule still wins). */
    sku: codeSchema.nullish(),
    kind: z.enum(['RESERVED_POOL', 'PERCENTAGE_CAP']),
    quantity: z.number().int().min(0, 'quantity cannot be negative').max(10_000_000).nullish(),
    percentage: z.number().min(0, 'percentage is between 0 and 100').max(100, 'percentage is between 0 and 100').nullish(),
    priority: z.number().int().min(0).max(1000).nullish(),
    active: z.boolean().nullish(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'RESERVED_POOL' && (v.quantity === null || v.quantity === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['quantity'], message: 'A reserved pool needs a quantity' })
    }
    if (v.kind === 'PERCENTAGE_CAP' && (v.percentage === null || v.percentage === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['percentage'], message: 'A percentage cap needs a percentage' })
    }
  })

/**
 * Sets a channel allocation rule (one per channel x SKU-or-all x kind; setting again replaces it): a reserved
 * pool only that channel may use, or a cap on the share of a SKU's sellable stock the channel may hold.
 */
export async function setAllocationRule(tx: Tx, rawInput: z.input<typeof setAllocationRuleInput>, actor: Actor) {
  const input = parseInput(setAllocationRuleInput, rawInput)
  const channel = await tx.channel.findUnique({ where: { code: input.channelCode }, select: { id: true } })
  if (!channel) throw userError('NOT_FOUND', `Unknown channel ${input.channelCode}`, ['input', 'channelCode'])
  let skuId: number | null = null
  if (input.sku) {
    const sku = await tx.sku.findUnique({ where: { code: input.sku }, select: { id: true } })
    if (!sku) throw userError('NOT_FOUND', `Unknown SKU ${input.sku}`, ['input', 'sku'])
    skuId = sku.id
  }
  const data = {
    quantity: input.kind === 'RESERVED_POOL' ? input.quantity! : null,
    percentage: input.kind === 'PERCENTAGE_CAP' ? input.percentage! : null,
    priority: input.priority ?? 100,
    active: input.active ?? true,
    createdBy: actor.id,
  }
  // Setters of one channel's rules take turns, so two at once replace one rule instead of creating two (the NO KEY
  // kind: orders of the channel, whose foreign keys check the channel row, do not wait).
  await tx.$queryRaw`SELECT id FROM channels WHERE id = ${channel.id} FOR NO KEY UPDATE`
  const existing = await tx.allocationRule.findFirst({ where: { channelId: channel.id, skuId, kind: input.kind } })
  const rule = existing
    ? await tx.allocationRule.update({ where: { id: existing.id }, data })
    : await tx.allocationRule.create({ data: { channelId: channel.id, skuId, kind: input.kind, ...data } })
  await recordEvents(tx, [{ topic: 'network.changed', aggregateType: 'AllocationRule', aggregateId: rule.id, payload: { channelId: channel.id, skuId, kind: rule.kind, by: actor.id } }])
  return rule
}
