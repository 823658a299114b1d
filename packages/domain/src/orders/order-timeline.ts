import { Prisma, type OrderStatus, type Tx } from '@ops-hub/db'
import type { Actor } from '../shared/actor.ts'

export interface TimelineEntry {
  kind: string
  fromStatus?: OrderStatus | null
  toStatus?: OrderStatus | null
  title: string
  detail?: string | null
}

/** Appends to the order's audit trail (the customer-service timeline) in the caller's transaction. */
export async function recordOrderEvents(tx: Tx, orderId: number, entries: TimelineEntry[], actor: Actor, at = new Date()): Promise<void> {
  if (entries.length === 0) return
  await tx.$executeRaw(orderEventsInsertSql(orderId, entries, actor, at))
}

/** The INSERT behind `recordOrderEvents`, to fold into a larger statement on hot paths. `entries` must not be empty. */
export function orderEventsInsertSql(orderId: number, entries: TimelineEntry[], actor: Actor, at = new Date()): Prisma.Sql {
  return Prisma.sql`INSERT INTO order_events (order_id, kind, from_status, to_status, title, detail, actor, occurred_at) VALUES ${Prisma.join(
    entries.map(
      (e) =>
        Prisma.sql`(${orderId}::int, ${e.kind}, ${e.fromStatus ?? null}::"OrderStatus", ${e.toStatus ?? null}::"OrderStatus", ${e.title}, ${e.detail ?? null}, ${actor.id}, ${at}::timestamptz)`,
    ),
  )}`
}
