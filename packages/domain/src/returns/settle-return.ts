import type { Prisma, Tx } from '@ops-hub/db'
import type { Actor } from '../shared/actor.ts'
import { recordEvents } from '../shared/outbox.ts'
import { moveOrderStatusIfAllowed } from '../warehouse/status-moves.ts'
import { refundMachine, returnMachine } from './return.machine.ts'

/** Refund owed for a return: every received unit at the price the customer paid. */
export async function refundAmountOf(tx: Tx, returnId: number): Promise<Prisma.Decimal | number> {
  const lines = await tx.returnLine.findMany({ where: { returnId }, select: { receivedQuantity: true, orderLine: { select: { unitPrice: true } } } })
  return lines.reduce((sum, l) => sum + Number(l.orderLine.unitPrice) * l.receivedQuantity, 0)
}

export async function markRefunded(
  tx: Tx,
  rma: { id: number; number: string; orderId: number; refundStatus: 'NOT_STARTED' | 'PENDING' | 'REFUNDED' | 'DENIED' },
  actor: Actor,
  now = new Date(),
) {
  refundMachine.assertTransition(rma.refundStatus, 'REFUNDED')
  const amount = await refundAmountOf(tx, rma.id)
  await tx.return.update({ where: { id: rma.id }, data: { refundStatus: 'REFUNDED', refundAmount: amount, refundedAt: now } })
  await tx.orderEvent.create({ data: { orderId: rma.orderId, kind: 'return', title: `Refund issued (${rma.number})`, detail: `${Number(amount).toFixed(2)} refunded`, actor: actor.id } })
}

/**
 * Once every received line is inspected the return is INSPECTED, the refund (if still pending) is issued, and the
 * return CLOSED: its processing time runs from request to this moment. The order becomes RETURNED when no other
 * return of it is still open.
 */
export async function settleIfInspected(tx: Tx, returnId: number, actor: Actor, now = new Date()) {
  const rma = await tx.return.findUniqueOrThrow({ where: { id: returnId }, include: { lines: { select: { receivedQuantity: true, disposition: true } } } })
  if (rma.lines.some((l) => l.receivedQuantity > 0 && !l.disposition)) return rma
  returnMachine.assertTransition(rma.status, 'INSPECTED')
  if (rma.refundStatus === 'PENDING') await markRefunded(tx, rma, actor, now)
  returnMachine.assertTransition('INSPECTED', 'CLOSED')
  const closedAt = now
  const closed = await tx.return.update({ where: { id: rma.id }, data: { status: 'CLOSED', closedAt } })
  const hours = (closedAt.getTime() - rma.requestedAt.getTime()) / 3_600_000
  await tx.orderEvent.create({
    data: { orderId: rma.orderId, kind: 'return', title: `Return closed (${rma.number})`, detail: `Processed in ${hours.toFixed(1)} h`, actor: actor.id },
  })
  const stillOpen = await tx.return.count({ where: { orderId: rma.orderId, status: { in: ['REQUESTED', 'RECEIVED', 'INSPECTED'] } } })
  if (stillOpen === 0) await moveOrderStatusIfAllowed(tx, rma.orderId, 'RETURNED', actor, { title: 'Returned', detail: `${rma.number} closed` })
  await recordEvents(tx, [{ topic: 'return.changed', aggregateType: 'Return', aggregateId: rma.id, payload: { status: 'CLOSED', orderId: rma.orderId } }])
  return closed
}
