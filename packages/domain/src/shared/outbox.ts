import { Prisma, type Tx } from '@ops-hub/db'

/** Topics published after commit; subscribers and live metrics key off these. */
export type EventTopic =
  | 'order.placed'
  | 'order.status_changed'
  | 'order.cancelled'
  | 'stock.changed'
  /** Units became promisable at a node (see stockAvailableEvent): backorders of those SKUs may now be served. */
  | 'stock.available'
  | 'exception.opened'
  | 'exception.changed'
  | 'fulfillment.released'
  | 'fulfillment.changed'
  | 'shipment.changed'
  | 'return.changed'
  | 'catalog.changed'
  | 'network.changed'
  // orchestration: payment updates and holds that change no status still reach orderUpdated and live metrics
  | 'order.payment_changed'
  | 'order.hold_changed'
  // Order maintenance: an order edited without a status change (ship-to corrected, lines cancelled, work moved or merged).
  | 'order.changed'
  /** Suppliers, purchase orders and replenishment suggestions (issue 15). */
  | 'procurement.changed'
  /** A scenario run was queued, claimed, progressed or finished (issue 20). */
  | 'scenario.changed'

export interface OutboxMessage {
  topic: EventTopic
  aggregateType: string
  aggregateId: number
  payload?: Record<string, unknown>
}

/** Writes events in the caller's transaction; the relay publishes them only after commit. */
export async function recordEvents(tx: Tx, events: OutboxMessage[]): Promise<void> {
  if (events.length === 0) return
  // Raw SQL: every command calls this, and Prisma's model layer costs several round trips' worth per call.
  await tx.$executeRaw(outboxInsertSql(events))
}

/**
 * The INSERT behind `recordEvents`, for commands that fold it into one larger statement (a data-modifying
 * CTE) so fewer round trips happen while they hold row locks. `events` must not be empty.
 */
export function outboxInsertSql(events: OutboxMessage[], at = new Date()): Prisma.Sql {
  return Prisma.sql`INSERT INTO outbox_events (topic, aggregate_type, aggregate_id, payload, created_at) VALUES ${Prisma.join(
    events.map((e) => Prisma.sql`(${e.topic}, ${e.aggregateType}, ${e.aggregateId}::int, ${JSON.stringify(e.payload ?? {})}::jsonb, ${at}::timestamptz)`),
  )}`
}
