import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { markRefunded } from '../settle-return.ts'

export const issueRefundInput = z.object({ returnId: z.number().int().positive() })

/** Refunds a received return before inspection finishes (goodwill, or a trusted customer); once only. */
export async function issueRefund(tx: Tx, rawInput: z.input<typeof issueRefundInput>, actor: Actor, now = new Date()) {
  const input = parseInput(issueRefundInput, rawInput)
  await tx.$queryRaw`SELECT id FROM returns WHERE id = ${input.returnId} FOR UPDATE`
  const rma = await tx.return.findUnique({ where: { id: input.returnId } })
  if (!rma) throw userError('NOT_FOUND', 'Return not found', ['input', 'returnId'])
  await markRefunded(tx, rma, actor, now)
  await recordEvents(tx, [{ topic: 'return.changed', aggregateType: 'Return', aggregateId: rma.id, payload: { refundStatus: 'REFUNDED', orderId: rma.orderId } }])
  return tx.return.findUniqueOrThrow({ where: { id: rma.id } })
}
