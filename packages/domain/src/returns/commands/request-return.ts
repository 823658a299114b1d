import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { orderMachine } from '../../orders/order.machine.ts'
import { illegal, moveOrderStatus } from '../../warehouse/status-moves.ts'

export const requestReturnInput = z.object({
  orderId: z.number().int().positive(),
  lines: z
    .array(
      z.object({
        sku: codeSchema,
        quantity: z.number().int('Whole units only').min(1, 'Return at least one unit'),
        reason: z.string().trim().min(1, 'Give a reason').max(500),
      }),
    )
    .min(1, 'A return needs at least one line')
    .max(200),
})

/**
 * Opens an RMA (number from the database sequence) for units the customer received: per SKU at most what was
 * shipped minus what other returns already claim. Only a delivered order (or one with a return already open) can
 * be returned; the order moves to RETURN_REQUESTED.
 */
export async function requestReturn(tx: Tx, rawInput: z.input<typeof requestReturnInput>, actor: Actor, now = new Date()) {
  const input = parseInput(requestReturnInput, rawInput)
  await tx.$queryRaw`SELECT id FROM orders WHERE id = ${input.orderId} FOR UPDATE`
  const order = await tx.order.findUnique({
    where: { id: input.orderId },
    include: { lines: { include: { sku: { select: { code: true } }, returnLines: { where: { return: { status: { not: 'REJECTED' } } }, select: { quantity: true } } } } },
  })
  if (!order) throw userError('NOT_FOUND', 'Order not found', ['input', 'orderId'])
  if (order.status !== 'RETURN_REQUESTED' && !orderMachine.can(order.status, 'RETURN_REQUESTED')) {
    throw illegal(`Order ${order.number} is ${order.status}: returns open once it is delivered`, ['input', 'orderId'])
  }

  const claimed = new Map<number, number>()
  const rows = input.lines.map((line, i) => {
    const orderLine = order.lines.find((l) => l.sku.code === line.sku)
    if (!orderLine) throw userError('INVALID_INPUT', `${line.sku} is not on order ${order.number}`, ['input', 'lines', String(i), 'sku'])
    const already = orderLine.returnLines.reduce((s, r) => s + r.quantity, 0) + (claimed.get(orderLine.id) ?? 0)
    const returnable = orderLine.shippedQuantity - already
    if (line.quantity > returnable) {
      throw userError('INVALID_INPUT', `Only ${Math.max(returnable, 0)} x ${line.sku} can be returned (shipped ${orderLine.shippedQuantity}, already returning ${already})`, [
        'input', 'lines', String(i), 'quantity',
      ])
    }
    claimed.set(orderLine.id, (claimed.get(orderLine.id) ?? 0) + line.quantity)
    return { orderLineId: orderLine.id, skuId: orderLine.skuId, quantity: line.quantity, reason: line.reason }
  })

  const rma = await tx.return.create({ data: { orderId: order.id, requestedBy: actor.id, requestedAt: now, lines: { create: rows } }, include: { lines: true } })
  const units = rows.reduce((s, r) => s + r.quantity, 0)
  if (order.status !== 'RETURN_REQUESTED') {
    await moveOrderStatus(tx, order.id, 'RETURN_REQUESTED', actor, { title: `Return requested (${rma.number})`, detail: `${units} unit(s): ${rows.map((r) => r.reason).join('; ')}` })
  } else {
    await tx.orderEvent.create({ data: { orderId: order.id, kind: 'return', title: `Return requested (${rma.number})`, detail: `${units} unit(s)`, actor: actor.id } })
  }
  await recordEvents(tx, [{ topic: 'return.changed', aggregateType: 'Return', aggregateId: rma.id, payload: { status: 'REQUESTED', orderId: order.id, units } }])
  return rma
}
