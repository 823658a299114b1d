import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { lockWorkableException } from '../workable-exception.ts'

export const assignExceptionInput = z.object({
  id: z.number().int().positive(),
  assignee: z.string().trim().min(1, 'Name who works on it').max(200),
})

/** Puts a named person on an exception (OPEN -> IN_PROGRESS, or re-assigns one in progress). */
export async function assignException(tx: Tx, rawInput: z.input<typeof assignExceptionInput>, actor: Actor) {
  const input = parseInput(assignExceptionInput, rawInput)
  const exception = await lockWorkableException(tx, input.id, actor, 'IN_PROGRESS')
  const updated = await tx.exception.update({ where: { id: exception.id }, data: { status: 'IN_PROGRESS', assignedTo: input.assignee } })
  await recordEvents(tx, [
    {
      topic: 'exception.changed',
      aggregateType: 'Exception',
      aggregateId: exception.id,
      payload: { from: exception.status, to: 'IN_PROGRESS', assignee: input.assignee, by: actor.id, type: exception.type, ownerRole: exception.ownerRole },
    },
  ])
  return updated
}
