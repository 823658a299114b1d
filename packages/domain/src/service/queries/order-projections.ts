import type { FulfillmentStatus, Prisma, PrismaClient, Tx } from '@ops-hub/db'
import { addBusinessDays, localParts, workingDay, zonedInstant } from '../../orders/business-calendar.ts'
import { releaseCapacity } from '../../orders/release-capacity.ts'
import { DELIVERY_DAY_END_MINUTES, holidaysForNodes } from '../../shipments/delivery-projection.ts'
import { getSetting } from '../../settings/settings.ts'

export interface OrderProjection {
  projectedShipDate: Date | null
  projectedDeliveryDate: Date | null
  /** Plain-language reasons, one per fulfillment order or blocker, for the agent to read out. */
  basis: string[]
}

// Further along the pipeline = ahead in the node's queue.
const STAGE: Partial<Record<FulfillmentStatus, number>> = { PACKED: 0, PICKING: 1, RELEASED: 2, OPEN: 3 }

/**
 * Projected ship and delivery dates of an order, from where each of its fulfillment orders stands:
 * - shipped: the actual ship time; delivery from the shipment (delivered time, else its carrier projection).
 * - PICKING or PACKED: ships on the node's working day (today if before cut-off on a business day, else the next
 *   business day), at the cut-off.
 * - RELEASED or OPEN: behind the node's queue. Work ahead = unshipped fulfillment orders at the node further along,
 *   or at the same stage with higher priority (or same priority, older). It ships floor(ahead / daily pick capacity)
 *   business days after the working day, at the cut-off.
 * - ON_HOLD fulfillment orders, orders on hold and backordered units have no date until the blocker clears.
 * An order ships when its last fulfillment order ships; unshipped parts are delivered the service level's default
 * transit days (setting shipments.defaultTransitDays) after their projected ship date.
 */
export async function projectOrder(db: Tx | PrismaClient, orderId: number, now = new Date()): Promise<OrderProjection> {
  const projection = (await projectOrders(db, [orderId], now)).get(orderId)
  if (!projection) throw new Error(`No order ${orderId}`)
  return projection
}

const PROJECTION_SOURCES = {
  id: true, status: true, serviceLevel: true, deliveredAt: true, shippedAt: true, holds: true,
  lines: { select: { backorderedQuantity: true, sku: { select: { code: true } } } },
  fulfillmentOrders: {
    where: { status: { not: 'CANCELLED' } },
    select: {
      id: true, number: true, status: true, priority: true, shippedAt: true,
      location: { select: { id: true, code: true, timezone: true, cutoffMinutes: true, dailyPickCapacity: true, dailyPackCapacity: true } },
      shipments: { select: { deliveredAt: true, projectedDeliveryAt: true, trackingNumber: true } },
    },
  },
} satisfies Prisma.OrderSelect
type ProjectionSources = Prisma.OrderGetPayload<{ select: typeof PROJECTION_SOURCES }>

/**
 * The projections of many orders (see projectOrder) in a fixed number of statements, however many orders: the
 * orders with their fulfillment orders, then - only when some order has a date to project - the transit setting,
 * the nodes' holidays and the queue ahead of every waiting fulfillment order. Missing orders are absent from the map.
 */
export async function projectOrders(db: Tx | PrismaClient, orderIds: readonly number[], now = new Date()): Promise<Map<number, OrderProjection>> {
  const projections = new Map<number, OrderProjection>()
  if (orderIds.length === 0) return projections
  const orders = await db.order.findMany({ where: { id: { in: [...new Set(orderIds)] } }, select: PROJECTION_SOURCES })
  const dated: ProjectionSources[] = []
  for (const order of orders) {
    const settled = undatedProjection(order)
    if (settled) projections.set(order.id, settled)
    else dated.push(order)
  }
  if (dated.length === 0) return projections

  const working = dated.flatMap((o) => o.fulfillmentOrders).filter((fo) => fo.status !== 'SHIPPED' && fo.status !== 'ON_HOLD')
  const queued = working.filter((fo) => fo.status === 'RELEASED' || fo.status === 'OPEN')
  const [transitDefaults, holidays, ahead] = await Promise.all([
    getSetting(db, 'shipments.defaultTransitDays'),
    working.length ? holidaysForNodes(db, working.map((fo) => fo.location.id)) : new Map<number, Set<string>>(),
    countAhead(db, queued.map((fo) => ({ id: fo.id, status: fo.status, priority: fo.priority, locationId: fo.location.id }))),
  ])
  for (const order of dated) {
    projections.set(order.id, datedProjection(order, (transitDefaults as Record<string, number>)[order.serviceLevel] ?? 3, holidays, ahead, now))
  }
  return projections
}

/** The projection of an order that has no date to work out (cancelled, delivered, on hold, unrouted), else null. */
function undatedProjection(order: ProjectionSources): OrderProjection | null {
  if (order.status === 'CANCELLED') return { projectedShipDate: null, projectedDeliveryDate: null, basis: ['Cancelled'] }
  if (order.deliveredAt && ['DELIVERED', 'RETURN_REQUESTED', 'RETURNED'].includes(order.status)) {
    return { projectedShipDate: order.shippedAt, projectedDeliveryDate: order.deliveredAt, basis: ['Delivered'] }
  }
  if (order.status === 'ON_HOLD') return { projectedShipDate: null, projectedDeliveryDate: null, basis: [`On hold (${order.holds.join(', ') || 'review'}): no date until released`] }
  if (order.fulfillmentOrders.length === 0) {
    return { projectedShipDate: null, projectedDeliveryDate: null, basis: [`${order.status}: not yet assigned to a fulfilment node`] }
  }
  return null
}

function datedProjection(
  order: ProjectionSources,
  transitDays: number,
  holidaysByNode: Map<number, Set<string>>,
  aheadOf: Map<number, number>,
  now: Date,
): OrderProjection {
  const basis: string[] = []
  const backordered = order.lines.filter((l) => l.backorderedQuantity > 0)
  if (backordered.length) basis.push(`Backordered: ${backordered.map((l) => `${l.backorderedQuantity} x ${l.sku.code}`).join(', ')} (no date until restocked; dates below cover the allocated units)`)

  let ship: Date | null = null
  let delivery: Date | null = null
  let unknown = false
  for (const fo of order.fulfillmentOrders) {
    const node = fo.location
    let foShip: Date | null = null
    let foDelivery: Date | null = null
    if (fo.status === 'SHIPPED') {
      foShip = fo.shippedAt
      const s = fo.shipments[0]
      foDelivery = s?.deliveredAt ?? s?.projectedDeliveryAt ?? null
      basis.push(`${fo.number} shipped from ${node.code}${s ? ` (${s.trackingNumber}): ${s.deliveredAt ? 'delivered' : 'carrier transit time'}` : ''}`)
    } else if (fo.status === 'ON_HOLD') {
      basis.push(`${fo.number} at ${node.code} is on hold: no date until released`)
      unknown = true
      continue
    } else {
      const holidays = holidaysByNode.get(node.id)!
      const { day } = workingDay(now, { timezone: node.timezone, cutoffMinutes: node.cutoffMinutes }, holidays)
      let daysBehind = 0
      if (fo.status === 'RELEASED' || fo.status === 'OPEN') {
        const ahead = aheadOf.get(fo.id) ?? 0
        // The queue drains at what release lets through a day.
        const { capacity, boundBy } = releaseCapacity(node)
        const bound = boundBy === 'PACK' ? ' (packing)' : ''
        daysBehind = Math.floor(ahead / Math.max(1, capacity))
        basis.push(`${fo.number} ${fo.status.toLowerCase()} at ${node.code}: ${ahead} order(s) ahead, capacity ${capacity}/day${bound} -> ships ${daysBehind === 0 ? 'on the working day' : `${daysBehind} business day(s) after the working day`}`)
      } else {
        basis.push(`${fo.number} ${fo.status.toLowerCase()} at ${node.code}: ships by today's cut-off (next business day if past it)`)
      }
      const shipDay = addBusinessDays(day, daysBehind, holidays)
      foShip = zonedInstant(shipDay, node.cutoffMinutes, node.timezone)
      foDelivery = zonedInstant(addBusinessDays(localParts(foShip, node.timezone).date, transitDays, holidays), DELIVERY_DAY_END_MINUTES, node.timezone)
    }
    if (foShip && (!ship || foShip > ship)) ship = foShip
    if (foDelivery && (!delivery || foDelivery > delivery)) delivery = foDelivery
  }
  if (unknown) return { projectedShipDate: null, projectedDeliveryDate: null, basis }
  return { projectedShipDate: ship, projectedDeliveryDate: delivery, basis }
}

/**
 * Work ahead of each waiting fulfillment order in its node's queue, in one statement: the node's other unshipped
 * fulfillment orders further along (PACKED < PICKING < RELEASED < OPEN), or at the same stage with a lower priority
 * number, or the same priority and older. Fulfillment order id -> count; nothing waiting, no statement.
 */
async function countAhead(db: Tx | PrismaClient, waiting: Array<{ id: number; status: FulfillmentStatus; priority: number; locationId: number }>): Promise<Map<number, number>> {
  if (waiting.length === 0) return new Map()
  const stage = (s: FulfillmentStatus) => STAGE[s] ?? 3
  const rows = await db.$queryRaw<Array<{ id: number; ahead: number }>>`
    WITH waiting AS (
      SELECT * FROM unnest(${waiting.map((w) => w.id)}::int[], ${waiting.map((w) => w.locationId)}::int[], ${waiting.map((w) => stage(w.status))}::int[], ${waiting.map((w) => w.priority)}::int[])
        AS w(id, location_id, stage, priority)
    ), queue AS (
      SELECT f.id, f.location_id, f.priority,
             CASE f.status::text WHEN 'PACKED' THEN 0 WHEN 'PICKING' THEN 1 WHEN 'RELEASED' THEN 2 WHEN 'OPEN' THEN 3 END AS stage
        FROM fulfillment_orders f
       WHERE f.location_id IN (SELECT location_id FROM waiting) AND f.status::text IN ('PACKED', 'PICKING', 'RELEASED', 'OPEN')
    )
    SELECT w.id, count(q.id)::int AS ahead
      FROM waiting w
      JOIN queue q ON q.location_id = w.location_id AND q.id <> w.id
       AND (q.stage < w.stage OR (q.stage = w.stage AND (q.priority < w.priority OR (q.priority = w.priority AND q.id < w.id))))
     GROUP BY w.id`
  return new Map(rows.map((r) => [Number(r.id), Number(r.ahead)]))
}
