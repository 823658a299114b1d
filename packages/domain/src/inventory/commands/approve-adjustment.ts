import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { adjustmentMachine } from '../adjustment.machine.ts'
import { applyToLedger } from '../adjustments.ts'
import { refreshConfidence } from '../confidence.ts'
import { resolveExceptions } from '../resolve-exceptions.ts'

export const decideAdjustmentInput = z.object({
  id: z.number().int().positive(),
  note: z.string().trim().max(1000).nullish(),
})

/** Loads a pending adjustment for a decision by someone other than its requester (four-eyes rule). */
async function claimPending(tx: Tx, id: number, actor: Actor, to: 'APPLIED' | 'REJECTED') {
  const adjustment = await tx.adjustment.findUnique({ where: { id } })
  if (!adjustment) throw userError('NOT_FOUND', `No adjustment ${id}`, ['input', 'id'])
  adjustmentMachine.assertTransition(adjustment.status, to, ['input', 'id'])
  if (adjustment.requestedBy === actor.id) {
    throw userError('SELF_APPROVAL', 'The person who requested an adjustment cannot decide it; another approver must', ['input', 'id'])
  }
  return adjustment
}

/** Applies a pending adjustment through the ledger; only a different person than the requester may approve it. */
export async function approveAdjustment(tx: Tx, rawInput: z.input<typeof decideAdjustmentInput>, actor: Actor, now = new Date()) {
  const input = parseInput(decideAdjustmentInput, rawInput)
  const adjustment = await claimPending(tx, input.id, actor, 'APPLIED')
  // The conditional update is the race guard: of two concurrent approvers exactly one moves the stock.
  const won = await tx.adjustment.updateMany({
    where: { id: adjustment.id, status: 'PENDING_APPROVAL' },
    data: { status: 'APPLIED', decidedBy: actor.id, decidedAt: now, decisionNote: input.note ?? null, appliedAt: now },
  })
  if (won.count === 0) throw userError('ILLEGAL_TRANSITION', 'The adjustment was decided meanwhile', ['input', 'id'])
  // The delta was approved as a quantity of units, so it applies to the book as it is now (no compare-and-swap).
  await applyToLedger(tx, adjustment, actor)
  // A count variance completes with its adjustment: the position is now verified.
  const counts = await tx.cycleCount.updateMany({
    where: { adjustmentId: adjustment.id, status: 'PENDING_APPROVAL' },
    data: { status: 'COMPLETED' },
  })
  if (counts.count > 0) {
    await tx.stockPosition.update({ where: { id: adjustment.stockPositionId }, data: { lastCountedAt: now } })
  }
  await resolveExceptions(tx, [`adjustment:${adjustment.id}`, `count-variance:adjustment:${adjustment.id}`], actor, `Approved${input.note ? `: ${input.note}` : ''}`)
  await refreshConfidence(tx, { positionIds: [adjustment.stockPositionId] }, now)
  return tx.adjustment.findUniqueOrThrow({ where: { id: adjustment.id } })
}

/** Rejects a pending adjustment: nothing moves; only a different person than the requester may reject it. */
export async function rejectAdjustment(tx: Tx, rawInput: z.input<typeof decideAdjustmentInput>, actor: Actor, now = new Date()) {
  const input = parseInput(decideAdjustmentInput, rawInput)
  const adjustment = await claimPending(tx, input.id, actor, 'REJECTED')
  const won = await tx.adjustment.updateMany({
    where: { id: adjustment.id, status: 'PENDING_APPROVAL' },
    data: { status: 'REJECTED', decidedBy: actor.id, decidedAt: now, decisionNote: input.note ?? null },
  })
  if (won.count === 0) throw userError('ILLEGAL_TRANSITION', 'The adjustment was decided meanwhile', ['input', 'id'])
  // A rejected count variance means the book stands: the count is closed without changing stock.
  await tx.cycleCount.updateMany({ where: { adjustmentId: adjustment.id, status: 'PENDING_APPROVAL' }, data: { status: 'CANCELLED' } })
  await resolveExceptions(tx, [`adjustment:${adjustment.id}`, `count-variance:adjustment:${adjustment.id}`], actor, `Rejected${input.note ? `: ${input.note}` : ''}`)
  await refreshConfidence(tx, { positionIds: [adjustment.stockPositionId] }, now)
  return tx.adjustment.findUniqueOrThrow({ where: { id: adjustment.id } })
}
