import type { OrderStatus, Tx } from '@ops-hub/db'
import type { Actor } from '../shared/actor.ts'

export interface TimelineEntry {
  kind: string
  fromStatus?: OrderStatus | null
  toStatus?: OrderStatus | null
  title: string
  detail?: string | null
}

/** Appends to the order's audit trail (the customer-service timeline) in the caller's transaction. */
export async function recordOrderEvents(tx: Tx, orderId: number, entries: TimelineEntry[], actor: Actor): Promise<void> {
  if (entries.length === 0) return
  await tx.orderEvent.createMany({
    data: entries.map((e) => ({
      orderId,
      kind: e.kind,
      fromStatus: e.fromStatus ?? null,
      toStatus: e.toStatus ?? null,
      title: e.title,
      detail: e.detail ?? null,
      actor: actor.id,
    })),
  })
}
