import type { OutboxMessage } from '../shared/outbox.ts'
import { workingDay, type IsoDate } from './business-calendar.ts'
import type { AllocatableLine, AllocatableOrder, PositionRow } from './allocate-order.ts'
import type { RoutingAssignment, RoutingDecision, RoutingNode } from './routing.ts'
import { computePriority, computeShipBy } from './ship-by.ts'
import type { TimelineEntry } from './order-timeline.ts'

/**
 * The pure parts of allocation, shared by the locking path (allocateOrder) and the order-intake fast path
 * (intake/plan-order.ts): which nodes can take what, and what a set of reservations means for the order -
 * fulfillment orders, ship-by, priority, line quantities, channel counters, events and the timeline entry.
 * Both paths must tell the same story for the same reservations, so they compute it here, once.
 */

/**
 * Candidate nodes with promisable stock per SKU and how full their release queue is: a node is at capacity when what
 * it released for its working day plus the work already waiting for release fills that day's capacity (a new order
 * would not be released before the next working day), and `queueDays` says how many working days of queue stand
 * ahead of a new order. `plannedWaiting` adds fulfillment orders planned but not yet written (the intake fast path's
 * batch), so a batch routes as the same orders placed one by one would. With `byCapacity` off (the setting
 * `orders.routeByCapacity`) no node is ever at capacity.
 */
export function routingNodes(
  positions: PositionRow[],
  promisable: (p: PositionRow) => number,
  holidaysFor: (locationId: number) => Set<IsoDate>,
  now: Date,
  options: { byCapacity: boolean; plannedWaiting?: (locationId: number) => number },
): RoutingNode[] {
  const plannedWaiting = options.plannedWaiting ?? (() => 0)
  const byLocation = new Map<number, PositionRow[]>()
  for (const p of positions) byLocation.set(p.location_id, [...(byLocation.get(p.location_id) ?? []), p])
  return [...byLocation].map(([locationId, ps]) => {
    const p = ps[0]
    const day = workingDay(now, { timezone: p.timezone, cutoffMinutes: p.cutoff_minutes }, holidaysFor(locationId)).day
    const released = Number(p.released_by_day[day] ?? 0)
    const waiting = Number(p.waiting ?? 0) + plannedWaiting(locationId)
    // Release is bounded by the smaller of pick and pack capacity (see releaseOrders).
    const capacity = Math.max(1, Math.min(p.daily_pick_capacity, p.daily_pack_capacity ?? p.daily_pick_capacity))
    return {
      locationId,
      code: p.code,
      country: p.country,
      region: p.region,
      postalCode: p.postal_code,
      shippingCost: Number(p.shipping_cost),
      atCapacity: options.byCapacity && released + waiting >= capacity,
      queueDays: options.byCapacity ? Math.floor((released + waiting) / capacity) : 0,
      capacityNote: `released ${released} of ${capacity} for ${day}${waiting > 0 ? `, ${waiting} more waiting for release` : ''}`,
      stock: new Map(ps.map((x) => [x.sku_id, Math.max(0, promisable(x))])),
    }
  })
}

/** Units reserved at one position for the order, with the position as read (for its node clock and code). */
export interface PlacedAtPosition {
  skuId: number
  locationId: number
  code: string
  quantity: number
  clock: PositionRow
}

export interface SettledAllocation {
  status: 'ALLOCATED' | 'PARTIALLY_ALLOCATED' | 'BACKORDERED'
  reservedUnits: number
  backorderedUnits: number
  /** One fulfillment order per node, with its own ship-by and priority. */
  fulfillment: Array<{ locationId: number; shipBy: Date; priority: number }>
  /** The earliest ship-by of the order's fulfillment orders (or the order's own when nothing was placed). */
  shipBy: Date | null
  priority: number
  /** Allocations per (line, node). */
  allocations: RoutingAssignment[]
  lineUpdates: Array<{ lineId: number; allocated: number; backordered: number }>
  /** Units the order's channel now holds more of, per SKU. */
  perSku: Map<number, number>
  events: OutboxMessage[]
  timeline: TimelineEntry[]
}

/** What the reservations made (`assignmentsDone`, `placedAt`) mean for the order. */
export function settleAllocation(a: {
  order: AllocatableOrder
  lines: AllocatableLine[]
  need: Map<number, number>
  placedByLine: Map<number, number>
  assignmentsDone: RoutingAssignment[]
  placedAt: PlacedAtPosition[]
  nodeInfo: Map<number, PositionRow>
  holidaysFor: (locationId: number) => Set<IsoDate>
  now: Date
  decision: RoutingDecision
}): SettledAllocation {
  const { order, need, placedByLine } = a
  const reservedUnits = a.assignmentsDone.reduce((s, x) => s + x.quantity, 0)
  const perSku = new Map<number, number>()
  for (const x of a.assignmentsDone) perSku.set(x.skuId, (perSku.get(x.skuId) ?? 0) + x.quantity)

  let shipBy: Date | null = order.shipBy
  const priorityNow = (sb: Date | null) => computePriority({ serviceLevel: order.serviceLevel, placedAt: order.placedAt, shipBy: sb, now: a.now })
  const locationIds = [...new Set(a.assignmentsDone.map((x) => x.locationId))].sort((x, y) => x - y)
  const fulfillment = locationIds.map((locationId) => {
    const node = a.nodeInfo.get(locationId)!
    const foShipBy = computeShipBy({
      placedAt: order.placedAt,
      serviceLevel: order.serviceLevel,
      node: { timezone: node.timezone, cutoffMinutes: node.cutoff_minutes },
      holidays: a.holidaysFor(locationId),
    })
    if (!shipBy || foShipBy < shipBy) shipBy = foShipBy
    return { locationId, shipBy: foShipBy, priority: priorityNow(foShipBy) }
  })
  const merged = new Map<string, RoutingAssignment>()
  for (const x of a.assignmentsDone) {
    const k = `${x.lineId}:${x.locationId}`
    const m = merged.get(k)
    merged.set(k, m ? { ...m, quantity: m.quantity + x.quantity } : { ...x })
  }
  const lineUpdates = a.lines
    .filter((l) => need.get(l.id)! > 0)
    .map((l) => ({ lineId: l.id, allocated: placedByLine.get(l.id) ?? 0, backordered: need.get(l.id)! - (placedByLine.get(l.id) ?? 0) }))

  const events: OutboxMessage[] = a.placedAt.map((p) => ({
    topic: 'stock.changed',
    aggregateType: 'StockPosition',
    aggregateId: p.clock.id,
    payload: { skuId: p.skuId, locationId: p.locationId, reservedDelta: p.quantity, orderId: order.id },
  }))
  const totalNeed = [...need.values()].reduce((s, q) => s + q, 0)
  const backorderedUnits = totalNeed - reservedUnits
  const previouslyAllocated = a.lines.some((l) => l.allocatedQuantity > 0)
  const status: SettledAllocation['status'] =
    backorderedUnits === 0 ? 'ALLOCATED' : reservedUnits > 0 || previouslyAllocated ? 'PARTIALLY_ALLOCATED' : 'BACKORDERED'
  const timeline: TimelineEntry[] = []
  if (reservedUnits > 0) {
    timeline.push({
      kind: 'allocation',
      title: `Reserved ${reservedUnits} unit${reservedUnits === 1 ? '' : 's'} at ${a.placedAt.map((p) => `${p.code} (${p.quantity})`).join(', ')}`,
      detail: a.decision.summary,
    })
  }
  return {
    status,
    reservedUnits,
    backorderedUnits,
    fulfillment,
    shipBy,
    priority: priorityNow(shipBy),
    allocations: [...merged.values()],
    lineUpdates,
    perSku,
    events,
    timeline,
  }
}
