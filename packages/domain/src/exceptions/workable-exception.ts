import type { ExceptionStatus, Tx } from '@ops-hub/db'
import type { Actor } from '../shared/actor.ts'
import { userError } from '../shared/errors.ts'
import { exceptionMachine } from './exception.machine.ts'

/** The owning team works its exceptions; OPERATIONS (floor leads) and ADMIN may step in on any. */
export function assertMayWork(actor: Actor, ownerRole: string): void {
  if (actor.role !== 'ADMIN' && actor.role !== 'OPERATIONS' && actor.role !== ownerRole) {
    throw userError('FORBIDDEN', `This exception is owned by ${ownerRole}`, ['input', 'id'])
  }
}

/**
 * Locks an exception a person is about to move to `to`, after checking it exists, that the actor's team may
 * work it, and that the move is legal; concurrent assign/resolve calls on one exception serialize here.
 */
export async function lockWorkableException(tx: Tx, id: number, actor: Actor, to: ExceptionStatus) {
  await tx.$queryRaw`SELECT id FROM exceptions WHERE id = ${id} FOR UPDATE`
  const exception = await tx.exception.findUnique({ where: { id } })
  if (!exception) throw userError('NOT_FOUND', `Exception ${id} not found`, ['input', 'id'])
  assertMayWork(actor, exception.ownerRole)
  exceptionMachine.assertTransition(exception.status, to, ['input', 'id'])
  return exception
}
