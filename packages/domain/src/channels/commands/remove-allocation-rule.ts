import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'

export const removeAllocationRuleInput = z.object({ id: z.number().int().positive() })

/** Removes a channel allocation rule; stock it fenced or capped becomes available to every channel again. */
export async function removeAllocationRule(tx: Tx, rawInput: z.input<typeof removeAllocationRuleInput>, actor: Actor) {
  const input = parseInput(removeAllocationRuleInput, rawInput)
  const rule = await tx.allocationRule.findUnique({ where: { id: input.id } })
  if (!rule) throw userError('NOT_FOUND', `Allocation rule ${input.id} not found`, ['input', 'id'])
  await tx.allocationRule.delete({ where: { id: rule.id } })
  await recordEvents(tx, [{ topic: 'network.changed', aggregateType: 'AllocationRule', aggregateId: rule.id, payload: { channelId: rule.channelId, skuId: rule.skuId, removed: true, by: actor.id } }])
  return rule
}
