import type { Tx } from '@ops-hub/db'

/** Topics published after commit; subscribers and live metrics key off these. */
export type EventTopic =
  | 'order.placed'
  | 'order.status_changed'
  | 'order.cancelled'
  | 'stock.changed'
  | 'exception.opened'
  | 'exception.changed'
  | 'fulfillment.released'
  | 'fulfillment.changed'
  | 'shipment.changed'
  | 'return.changed'
  | 'catalog.changed'
  | 'network.changed'

export interface OutboxMessage {
  topic: EventTopic
  aggregateType: string
  aggregateId: number
  payload?: Record<string, unknown>
}

/** Writes events in the caller's transaction; the relay publishes them only after commit. */
export async function recordEvents(tx: Tx, events: OutboxMessage[]): Promise<void> {
  if (events.length === 0) return
  await tx.outboxEvent.createMany({
    data: events.map((e) => ({
      topic: e.topic,
      aggregateType: e.aggregateType,
      aggregateId: e.aggregateId,
      payload: (e.payload ?? {}) as object,
    })),
  })
}
