import { DAY, HOUR, MINUTE, dayOfWeek } from './calendar.ts'
import { CARRIER_SERVICES, type CarrierService } from './network.ts'
import type { Row } from './bulk-insert.ts'
import type { FoState } from './fulfilment.ts'
import type { Simulation } from './simulation.ts'

const EXCEPTION_REASONS = ['Weather delay in carrier network', 'Address issue: carrier attempting to contact recipient', 'Package missed scheduled trailer', 'Damaged label, re-labelled at hub']
const HUBS: Record<string, string[]> = {
  UPS: ['Hodgkins, IL', 'Louisville, KY', 'Ontario, CA', 'Dallas, TX'],
  USPS: ['Chicago NDC', 'Los Angeles NDC', 'Atlanta NDC', 'Denver NDC'],
  FEDEX: ['Memphis, TN', 'Indianapolis, IN', 'Reno, NV', 'Newark, NJ'],
}

/** Carrier shipments with their milestone history (only what has happened by now) and projected delivery. */
export class Shipments {
  constructor(private readonly sim: Simulation) {}

  private service(fo: FoState): CarrierService {
    const rng = this.sim.rng
    const level = fo.order.plan.serviceLevel
    const find = (carrier: string, service: string) => CARRIER_SERVICES.find((s) => s.carrier === carrier && s.service === service)!
    if (level === 'SAME_DAY') return find('UPS', 'NEXT_DAY')
    if (level === 'EXPRESS') return find('UPS', '2DAY')
    if (fo.order.plan.channel === 'WHOLESALE') return find('UPS', 'GROUND')
    return [find('UPS', 'GROUND'), find('USPS', 'PRIORITY'), find('FEDEX', 'HOME')][rng.weighted([0.45, 0.3, 0.25])]
  }

  create(fo: FoState, shippedAt: number, onDelivered: (at: number) => void): Row {
    const sim = this.sim
    const rng = sim.rng
    const w = sim.w
    const svc = this.service(fo)
    const weight = fo.allocs.reduce((s, a) => s + a.qty * a.pos.sku.weightGrams, 0) + 180
    const packedAt = (fo.row.packed_at as Date).getTime()
    const row = w.insert('shipments', {
      fulfillment_order_id: fo.row.id,
      order_id: fo.order.row.id,
      carrier: svc.carrier,
      service: svc.service,
      tracking_number: '',
      weight_grams: weight,
      status: 'LABEL_CREATED',
      status_at: new Date(packedAt),
      shipped_at: new Date(shippedAt),
      handed_to_carrier_at: null as Date | null,
      delivered_at: null as Date | null,
      projected_delivery_at: null as Date | null,
      created_at: new Date(packedAt),
    })
    row.tracking_number = trackingNumber(svc.carrier, row.id, rng.int(0, 9999))

    let transit = svc.transitDaysMax === svc.transitDaysMean ? svc.transitDaysMax : Math.round(rng.normal(svc.transitDaysMean, 0.8))
    transit = Math.min(svc.transitDaysMax + 1, Math.max(1, transit))
    if (svc.transitDaysMax <= 2 && rng.chance(0.05)) transit += 1
    const projected = deliveryDay(shippedAt, Math.round(svc.transitDaysMean)) + 20 * HOUR
    let delivered = deliveryDay(shippedAt, transit) + rng.uniform(15, 23) * HOUR
    const hub = rng.pick(HUBS[svc.carrier])
    const milestones: Array<[string, number, string | null, string]> = [
      ['LABEL_CREATED', packedAt + MINUTE, fo.node.code, 'Shipping label created'],
      ['HANDED_TO_CARRIER', shippedAt, fo.node.code, `Picked up by ${svc.carrier}`],
      ['IN_TRANSIT', shippedAt + rng.uniform(3, 9) * HOUR, hub, 'Arrived at carrier facility'],
    ]
    let exceptionAt: number | null = null
    if (rng.chance(0.03)) {
      exceptionAt = shippedAt + rng.uniform(12, Math.max(14, delivered - shippedAt - 4 * HOUR) / HOUR) * HOUR
      const delay = rng.uniform(1, 3) * DAY
      delivered += delay
      milestones.push(['DELIVERY_EXCEPTION', exceptionAt, hub, rng.pick(EXCEPTION_REASONS)])
      milestones.push(['IN_TRANSIT', exceptionAt + rng.uniform(10, 30) * HOUR, hub, 'Back in transit, new delivery date scheduled'])
    }
    const outFor = Math.floor(delivered / DAY) * DAY + rng.uniform(12, 14.5) * HOUR
    milestones.push(['OUT_FOR_DELIVERY', Math.min(outFor, delivered - 30 * MINUTE), fo.order.plan.customer.city, 'Out for delivery'])
    milestones.push(['DELIVERED', delivered, fo.order.plan.customer.city, rng.pick(['Delivered, front door', 'Delivered, mailroom', 'Delivered, handed to resident'])])
    milestones.sort((a, b) => a[1] - b[1])

    let last: [string, number] = ['LABEL_CREATED', packedAt]
    for (const [status, at, location, description] of milestones) {
      if (at > w.now) break
      w.insert('shipment_milestones', {
        shipment_id: row.id,
        status,
        occurred_at: new Date(at),
        location,
        description,
        source: status === 'LABEL_CREATED' ? 'warehouse' : 'carrier_webhook',
        external_event_id: status === 'LABEL_CREATED' ? null : `${svc.carrier.toLowerCase()}-${row.id}-${status.toLowerCase()}-${Math.floor(at / 1000)}`,
        received_at: new Date(Math.min(w.now, at + rng.uniform(1, 20) * MINUTE)),
      })
      last = [status, at]
    }
    row.status = last[0]
    row.status_at = new Date(last[1])
    if (shippedAt <= w.now) row.handed_to_carrier_at = new Date(shippedAt)
    row.projected_delivery_at = new Date(exceptionAt !== null && exceptionAt <= w.now ? Math.floor(delivered / DAY) * DAY + 20 * HOUR : projected)
    if (delivered <= w.now) row.delivered_at = new Date(delivered)

    if (exceptionAt !== null && exceptionAt <= w.now) {
      const resumed = milestones.find((m) => m[0] === 'IN_TRANSIT' && m[1] > exceptionAt!)![1]
      const exc = sim.exceptions.open(exceptionAt, {
        type: 'CARRIER_DELAY',
        subjectType: 'Shipment',
        subjectId: row.id,
        orderId: fo.order.row.id,
        title: `Delivery exception on ${row.tracking_number} (${fo.order.row.number})`,
        detail: milestones.find((m) => m[0] === 'DELIVERY_EXCEPTION')![3],
        data: { carrier: svc.carrier, service: svc.service, trackingNumber: row.tracking_number },
        dedupeKey: `CARRIER_DELAY:shipment:${row.id}`,
      })
      sim.at(resumed, () => sim.exceptions.resolve(exc, sim.t, w.users.cs, 'Carrier confirmed a new delivery date; customer notified'))
    }
    sim.at(delivered, () => onDelivered(delivered))
    return row
  }
}

/** Start of the day `days` carrier days (Monday to Saturday) after `shippedAt`. */
function deliveryDay(shippedAt: number, days: number): number {
  let day = Math.floor(shippedAt / DAY)
  for (let i = 0; i < days; ) {
    day++
    if (dayOfWeek(day) !== 0) i++
  }
  return day * DAY
}

function trackingNumber(carrier: string, id: number, salt: number): string {
  if (carrier === 'UPS') return `1Z0H4${String(id).padStart(9, '0')}${String(salt).padStart(4, '0')}`
  if (carrier === 'USPS') return `9400111${String(id).padStart(11, '0')}${String(salt).padStart(4, '0')}`
  return `7${String(id).padStart(7, '0')}${String(salt).padStart(4, '0')}`
}
