import type { FulfillmentStatus, Tx } from '@ops-hub/db'
import type { OutboxMessage } from '../shared/outbox.ts'
import { fulfillmentMachine } from './fulfillment.machine.ts'
import type { TimelineEntry } from './order-timeline.ts'
import { returnReleaseCapacity } from './commands/cancel-order.ts'

/** Work that has not reached the pickers: its reservations can still be handed back or moved. */
export const BEFORE_PICK: FulfillmentStatus[] = ['OPEN', 'ON_HOLD', 'RELEASED']

/**
 * After an edit took units off some of an order's fulfillment orders (`touched`), those not yet picked that have no
 * RESERVED or PICKED allocation left are cancelled, and a released one gives its slot of the node's day back. Returns
 * them with their `fulfillment.changed` events and timeline entries, for the caller to record with its own.
 */
export async function cancelEmptiedWork<F extends { id: number; number: string; status: FulfillmentStatus; locationId: number; releasedAt: Date | null; location: { code: string } }>(
  tx: Tx,
  orderId: number,
  fos: F[],
  touched: Set<number>,
  now: Date,
): Promise<{ emptied: F[]; events: OutboxMessage[]; timeline: TimelineEntry[] }> {
  const remaining = await tx.allocation.groupBy({ by: ['fulfillmentOrderId'], where: { orderLine: { orderId }, status: { in: ['RESERVED', 'PICKED'] } }, _count: true })
  const working = new Set(remaining.map((r) => r.fulfillmentOrderId))
  const emptied = fos.filter((f) => touched.has(f.id) && BEFORE_PICK.includes(f.status) && !working.has(f.id))
  for (const f of emptied) fulfillmentMachine.assertTransition(f.status, 'CANCELLED')
  if (emptied.length) await tx.fulfillmentOrder.updateMany({ where: { id: { in: emptied.map((f) => f.id) } }, data: { status: 'CANCELLED', cancelledAt: now } })
  const capacityReturned = await returnReleaseCapacity(tx, emptied, now)
  return {
    emptied,
    events: emptied.map((f) => ({ topic: 'fulfillment.changed' as const, aggregateType: 'FulfillmentOrder', aggregateId: f.id, payload: { from: f.status, to: 'CANCELLED', locationId: f.locationId, orderId } })),
    timeline: [
      ...emptied.map((f) => ({ kind: 'fulfillment_status', title: `${f.number} cancelled`, detail: `${f.number} at ${f.location.code}: ${f.status} -> CANCELLED, no lines left to ship` })),
      ...capacityReturned.map((c) => ({ kind: 'warehouse', title: `Release capacity returned to ${c.code}`, detail: `${c.count} slot(s) of ${c.day} free again: released, not yet picked` })),
    ],
  }
}
