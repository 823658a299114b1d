import { z } from 'zod'
import type { TransferStatus, Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { transferMachine } from '../transfer.machine.ts'
import { resolveExceptions } from '../resolve-exceptions.ts'

export const transferIdInput = z.object({ id: z.number().int().positive(), note: z.string().trim().max(1000).nullish() })

/** Moves a transfer to `to` if its state allows it; the conditional update makes concurrent decisions race-safe. */
export async function transitionTransfer(tx: Tx, id: number, to: TransferStatus, data: Record<string, unknown> = {}) {
  const transfer = await tx.transfer.findUnique({ where: { id }, include: { lines: true } })
  if (!transfer) throw userError('NOT_FOUND', `No transfer ${id}`, ['input', 'id'])
  transferMachine.assertTransition(transfer.status, to, ['input', 'id'])
  const won = await tx.transfer.updateMany({ where: { id, status: transfer.status }, data: { status: to, ...data } })
  if (won.count === 0) throw userError('ILLEGAL_TRANSITION', `Transfer ${transfer.number} changed meanwhile; reload`, ['input', 'id'])
  return { ...transfer, previousStatus: transfer.status, status: to }
}

/** Approves a requested transfer; the requester cannot approve their own. */
export async function approveTransfer(tx: Tx, rawInput: z.input<typeof transferIdInput>, actor: Actor) {
  const input = parseInput(transferIdInput, rawInput)
  const current = await tx.transfer.findUnique({ where: { id: input.id }, select: { requestedBy: true } })
  if (current && current.requestedBy === actor.id) {
    throw userError('SELF_APPROVAL', 'The person who requested a transfer cannot approve it; another person must', ['input', 'id'])
  }
  const transfer = await transitionTransfer(tx, input.id, 'APPROVED', { approvedBy: actor.id })
  await resolveExceptions(tx, [`transfer:${transfer.id}`], actor, `Approved${input.note ? `: ${input.note}` : ''}`)
  return tx.transfer.findUniqueOrThrow({ where: { id: transfer.id } })
}

/** Rejects a requested transfer: nothing moves. */
export async function rejectTransfer(tx: Tx, rawInput: z.input<typeof transferIdInput>, actor: Actor) {
  const input = parseInput(transferIdInput, rawInput)
  const transfer = await transitionTransfer(tx, input.id, 'REJECTED', { approvedBy: actor.id })
  await resolveExceptions(tx, [`transfer:${transfer.id}`], actor, `Rejected${input.note ? `: ${input.note}` : ''}`)
  return tx.transfer.findUniqueOrThrow({ where: { id: transfer.id } })
}

/** Cancels a transfer that has not shipped yet. */
export async function cancelTransfer(tx: Tx, rawInput: z.input<typeof transferIdInput>, actor: Actor) {
  const input = parseInput(transferIdInput, rawInput)
  const transfer = await transitionTransfer(tx, input.id, 'CANCELLED')
  await resolveExceptions(tx, [`transfer:${transfer.id}`], actor, `Cancelled${input.note ? `: ${input.note}` : ''}`)
  return tx.transfer.findUniqueOrThrow({ where: { id: transfer.id } })
}
