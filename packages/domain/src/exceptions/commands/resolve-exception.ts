import { z } from 'zod'
import type { ExceptionType, Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { exceptionMachine } from '../exception.machine.ts'
import { lockWorkableException } from '../workable-exception.ts'

export const resolveExceptionInput = z.object({
  id: z.number().int().positive(),
  resolution: z.string().trim().min(1, 'Say how it was resolved').max(2000),
})

/** Closes an exception with a written resolution; only the owning team, OPERATIONS or ADMIN may. */
export async function resolveException(tx: Tx, rawInput: z.input<typeof resolveExceptionInput>, actor: Actor) {
  const input = parseInput(resolveExceptionInput, rawInput)
  const exception = await lockWorkableException(tx, input.id, actor, 'RESOLVED')
  const updated = await tx.exception.update({
    where: { id: exception.id },
    data: { status: 'RESOLVED', resolution: input.resolution, resolvedBy: actor.id, resolvedAt: new Date() },
  })
  await recordEvents(tx, [
    { topic: 'exception.changed', aggregateType: 'Exception', aggregateId: exception.id, payload: { from: exception.status, to: 'RESOLVED', type: exception.type, ownerRole: exception.ownerRole } },
  ])
  return updated
}

/**
 * Resolves an order's unresolved exceptions (of the given types, or all) when the order itself settles them:
 * a released hold, a cancellation.
 */
export async function resolveOrderExceptions(tx: Tx, orderId: number, types: ExceptionType[] | null, resolution: string, actor: Actor): Promise<number> {
  if (types && types.length === 0) return 0
  const open = await tx.exception.findMany({
    where: { orderId, status: { not: 'RESOLVED' }, ...(types ? { type: { in: types } } : {}) },
    select: { id: true, status: true, type: true, ownerRole: true },
  })
  if (open.length === 0) return 0
  for (const e of open) exceptionMachine.assertTransition(e.status, 'RESOLVED')
  await tx.exception.updateMany({
    where: { id: { in: open.map((e) => e.id) } },
    data: { status: 'RESOLVED', resolution, resolvedBy: actor.id, resolvedAt: new Date() },
  })
  await recordEvents(
    tx,
    open.map((e) => ({ topic: 'exception.changed' as const, aggregateType: 'Exception', aggregateId: e.id, payload: { from: e.status, to: 'RESOLVED', type: e.type, ownerRole: e.ownerRole } })),
  )
  return open.length
}
