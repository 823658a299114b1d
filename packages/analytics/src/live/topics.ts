/** The live metrics; each has one snapshot per scope (a node, a team, or the whole network). */
export type MetricName = 'orderAging' | 'inventoryConfidence' | 'pickBacklog' | 'exceptions' | 'kpis' | 'replenishmentRisk'

export type TopicSpec =
  | { metric: 'orderAging' | 'inventoryConfidence' | 'pickBacklog' | 'replenishmentRisk'; locationId: number | null; locationCode: string | null }
  | { metric: 'exceptions'; ownerRole: string | null }
  /** Today's KPIs at a node (or the network), "today" being the calendar day in `timeZone`. */
  | { metric: 'kpis'; locationId: number | null; locationCode: string | null; timeZone: string }

/** Pub/sub topic a snapshot is published on; every instance subscribed to it receives the same payload. */
export function topicKey(spec: TopicSpec): string {
  if (spec.metric === 'exceptions') return `live:exceptions:${spec.ownerRole ?? 'all'}`
  if (spec.metric === 'kpis') return `live:kpis:${spec.locationId ?? 'all'}:${spec.timeZone}`
  return `live:${spec.metric}:${spec.locationId ?? 'all'}`
}

/** A committed domain event as the outbox relay publishes it. */
export interface OutboxEventLike {
  id: number
  topic: string
  aggregateType: string
  aggregateId: number
  payload: Record<string, unknown>
}

/**
 * What an event may have changed. `locations`/`owners` name the affected scopes; `everyScope` when the event
 * does not say (every scope of that metric is then refreshed); `orderIds` are resolved to their nodes later
 * in one batched lookup. The network-wide snapshot ("all") of a touched metric is always refreshed.
 */
export interface Dirt {
  metric: MetricName
  locations?: number[]
  owners?: string[]
  orderIds?: number[]
  everyScope?: boolean
}

const ORDER_METRICS: MetricName[] = ['orderAging', 'pickBacklog']
/**
 * Today's KPIs move with orders placed, cancelled and shipped, returns settled, adjustments and counts booked and
 * purchase orders received. Every watched KPI topic is refreshed (their count is small: the network and a few nodes),
 * at most once a second each (see LiveMetrics), rather than resolving which node an event belongs to.
 */
const KPIS: Dirt = { metric: 'kpis', everyScope: true }

function ids(...values: unknown[]): number[] {
  return values.flat().filter((v): v is number => typeof v === 'number' && Number.isInteger(v))
}

/** Routes an outbox event to the snapshots it can change (the incremental part: nothing else is recomputed). */
export function dirtFor(event: OutboxEventLike): Dirt[] {
  const p = event.payload ?? {}
  const [area] = event.topic.split('.')
  switch (area) {
    case 'order':
    case 'fulfillment':
    case 'shipment': {
      const orderIds = event.aggregateType === 'Order' ? [event.aggregateId, ...ids(p.orderId)] : ids(p.orderId, p.orderIds)
      const locations = ids(p.locationId, p.locationIds, p.fromLocationId)
      return [...ORDER_METRICS.map((metric) => ({ metric, locations, orderIds })), KPIS]
    }
    case 'stock': {
      const locations = ids(p.locationId, p.locationIds)
      const confidence: Dirt = { metric: 'inventoryConfidence', locations, everyScope: locations.length === 0 }
      // Reservations, receipts, sent and cancelled POs move the inventory position, hence the stockout risk.
      const risk: Dirt = { metric: 'replenishmentRisk', locations, everyScope: locations.length === 0 }
      const movesKpis = event.aggregateType === 'CycleCount' || p.adjustmentId !== undefined || p.cause === 'PURCHASE_ORDER_RECEIPT'
      return movesKpis ? [confidence, risk, KPIS] : [confidence, risk]
    }
    case 'procurement': {
      const locations = ids(p.locationId, p.locationIds)
      return [{ metric: 'replenishmentRisk', locations, everyScope: locations.length === 0 }]
    }
    case 'return':
      return [KPIS]
    case 'exception': {
      const owners = [p.ownerRole, p.previousOwnerRole].filter((r): r is string => typeof r === 'string')
      return [{ metric: 'exceptions', owners, everyScope: owners.length === 0 }]
    }
    case 'network':
      return [...ORDER_METRICS, 'inventoryConfidence' as const, 'replenishmentRisk' as const].map((metric) => ({ metric, everyScope: true }))
    default:
      return []
  }
}
