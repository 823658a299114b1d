import type { Tx } from '@ops-hub/db'
import { userError } from '../shared/errors.ts'

/**
 * Row-locks an order and loads it with its lines: hold releases, cancellations and releases of the same
 * order queue behind each other instead of interleaving.
 */
export async function lockOrder(tx: Tx, orderId: number) {
  await tx.$queryRaw`SELECT id FROM orders WHERE id = ${orderId} FOR UPDATE`
  const order = await tx.order.findUnique({ where: { id: orderId }, include: { lines: { orderBy: { lineNumber: 'asc' } }, channel: true } })
  if (!order) throw userError('NOT_FOUND', `Order ${orderId} not found`, ['input', 'orderId'])
  return order
}
