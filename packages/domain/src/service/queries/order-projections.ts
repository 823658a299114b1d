import type { FulfillmentStatus, PrismaClient, Tx } from '@ops-hub/db'
import { addBusinessDays, localParts, workingDay, zonedInstant } from '../../orders/business-calendar.ts'
import { DELIVERY_DAY_END_MINUTES, holidaysFor } from '../../shipments/delivery-projection.ts'
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
  const order = await db.order.findUniqueOrThrow({
    where: { id: orderId },
    select: {
      status: true, serviceLevel: true, deliveredAt: true, shippedAt: true, holds: true,
      lines: { select: { backorderedQuantity: true, sku: { select: { code: true } } } },
      fulfillmentOrders: {
        where: { status: { not: 'CANCELLED' } },
        select: {
          id: true, number: true, status: true, priority: true, shippedAt: true,
          location: { select: { id: true, code: true, timezone: true, cutoffMinutes: true, dailyPickCapacity: true } },
          shipments: { select: { deliveredAt: true, projectedDeliveryAt: true, trackingNumber: true } },
        },
      },
    },
  })
  const basis: string[] = []
  if (order.status === 'CANCELLED') return { projectedShipDate: null, projectedDeliveryDate: null, basis: ['Cancelled'] }
  if (order.deliveredAt && ['DELIVERED', 'RETURN_REQUESTED', 'RETURNED'].includes(order.status)) {
    return { projectedShipDate: order.shippedAt, projectedDeliveryDate: order.deliveredAt, basis: ['Delivered'] }
  }
  if (order.status === 'ON_HOLD') return { projectedShipDate: null, projectedDeliveryDate: null, basis: [`On hold (${order.holds.join(', ') || 'review'}): no date until released`] }
  if (order.fulfillmentOrders.length === 0) {
    return { projectedShipDate: null, projectedDeliveryDate: null, basis: [`${order.status}: not yet assigned to a fulfilment node`] }
  }
  const backordered = order.lines.filter((l) => l.backorderedQuantity > 0)
  if (backordered.length) basis.push(`Backordered: ${backordered.map((l) => `${l.backorderedQuantity} x ${l.sku.code}`).join(', ')} (no date until restocked; dates below cover the allocated units)`)

  const transitDefaults = await getSetting(db, 'shipments.defaultTransitDays')
  const transitDays = (transitDefaults as Record<string, number>)[order.serviceLevel] ?? 3
  let ship: Date | null = null
  let delivery: Date | null = null
  let unknown = false
  for (const fo of order.fulfillmentOrders) {
    const node = fo.location
    const holidays = await holidaysFor(db, node.id)
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
      const { day } = workingDay(now, { timezone: node.timezone, cutoffMinutes: node.cutoffMinutes }, holidays)
      let daysBehind = 0
      if (fo.status === 'RELEASED' || fo.status === 'OPEN') {
        const ahead = await countAhead(db, fo, node.id)
        daysBehind = Math.floor(ahead / Math.max(1, node.dailyPickCapacity))
        basis.push(`${fo.number} ${fo.status.toLowerCase()} at ${node.code}: ${ahead} order(s) ahead, capacity ${node.dailyPickCapacity}/day -> ships ${daysBehind === 0 ? 'on the working day' : `${daysBehind} business day(s) after the working day`}`)
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

async function countAhead(db: Tx | PrismaClient, fo: { id: number; status: FulfillmentStatus; priority: number }, locationId: number): Promise<number> {
  const mine = STAGE[fo.status] ?? 3
  const rows = await db.fulfillmentOrder.groupBy({
    by: ['status'],
    where: {
      locationId,
      id: { not: fo.id },
      OR: [
        { status: { in: (Object.keys(STAGE) as FulfillmentStatus[]).filter((s) => STAGE[s]! < mine) } },
        { status: fo.status, OR: [{ priority: { lt: fo.priority } }, { priority: fo.priority, id: { lt: fo.id } }] },
      ],
    },
    _count: { _all: true },
  })
  return rows.reduce((s, r) => s + r._count._all, 0)
}
