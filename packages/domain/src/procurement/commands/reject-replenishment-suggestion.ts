import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'

export const rejectReplenishmentSuggestionInput = z.object({
  suggestionId: z.number().int().positive(),
  reason: z.string().trim().max(1000).nullish(),
})

/** Declines an OPEN suggestion with a reason; the next planning run proposes again if the position is still due. */
export async function rejectReplenishmentSuggestion(tx: Tx, rawInput: z.input<typeof rejectReplenishmentSuggestionInput>, actor: Actor, now = new Date()) {
  const input = parseInput(rejectReplenishmentSuggestionInput, rawInput)
  const current = await tx.reorderSuggestion.findUnique({ where: { id: input.suggestionId }, select: { status: true } })
  if (!current) throw userError('NOT_FOUND', `No replenishment suggestion ${input.suggestionId}`, ['input', 'suggestionId'])
  const won = await tx.reorderSuggestion.updateMany({
    where: { id: input.suggestionId, status: 'OPEN' },
    data: { status: 'REJECTED', decidedBy: actor.id, decidedAt: now, decisionNote: input.reason ?? null },
  })
  if (won.count === 0) throw userError('ILLEGAL_TRANSITION', `The suggestion is ${current.status}, no longer OPEN`, ['input', 'suggestionId'])
  const suggestion = await tx.reorderSuggestion.findUniqueOrThrow({ where: { id: input.suggestionId } })
  await recordEvents(tx, [{ topic: 'procurement.changed', aggregateType: 'ReorderSuggestion', aggregateId: suggestion.id, payload: { status: 'REJECTED', locationId: suggestion.locationId } }])
  return suggestion
}
