import type { RoutingDecision } from '@ops-hub/domain'
import { DAY, HOUR, MINUTE, atLocal, isoDate, localDay, localMinutes } from './calendar.ts'
import { round2 } from './catalog.ts'
import type { Row } from './bulk-insert.ts'
import { correctedAddress, type Hold, type PlannedOrder } from './orders.ts'
import type { Simulation } from './simulation.ts'
import type { Position } from './stock.ts'
import type { NodeInfo, SkuInfo, World } from './world.ts'
import { Shipments } from './shipments.ts'
import { Returns } from './returns.ts'

export interface LineState {
  row: Row
  sku: SkuInfo
  quantity: number
  allocs: AllocState[]
}

export interface AllocState {
  row: Row
  line: LineState
  pos: Position
  qty: number
  fo: FoState
}

export interface FoState {
  row: Row
  node: NodeInfo
  order: OrderState
  allocs: AllocState[]
  bookedDay: number
  pickStartAt: number
  pickedAt: number
  shipment?: Row
  deliveredAt?: number
}

export interface OrderState {
  row: Row
  plan: PlannedOrder
  channelId: number
  lines: LineState[]
  fos: FoState[]
  status: string
  cancelled: boolean
  holdException?: Row
}

export const HOLD_EXCEPTION: Record<Hold, { type: 'PAYMENT_HOLD' | 'FRAUD_REVIEW' | 'ADDRESS_INVALID'; title: string; hours: [number, number]; cancel: number }> = {
  PAYMENT: { type: 'PAYMENT_HOLD', title: 'Payment not authorized', hours: [2, 96], cancel: 0.35 },
  FRAUD: { type: 'FRAUD_REVIEW', title: 'Fraud score above threshold', hours: [4, 72], cancel: 0.5 },
  ADDRESS: { type: 'ADDRESS_INVALID', title: 'Shipping address failed validation', hours: [2, 72], cancel: 0.2 },
}
const PRIORITY: Record<string, number> = { SAME_DAY: 10, EXPRESS: 30, STANDARD: 100 }
const EXPEDITED_COST: Record<string, number> = { SAME_DAY: 23.1, EXPRESS: 9.5, STANDARD: 0 }
/** Orders older than this that cannot be served in full are cancelled (marketplace backorder SLA). */
const BACKORDER_CANCEL_AGE = 6 * DAY

/**
 * The order lifecycle inside the simulation: intake and validation holds, channel-aware reservation and node
 * routing (ship complete from the nearest node with stock and capacity, else split, else backorder), release
 * booked against each node's daily capacity and cut-off, pick, pack, ship, delivery and cancellations.
 */
export class Fulfilment {
  readonly orders: OrderState[] = []
  /** Units each channel holds reserved per SKU (all nodes). */
  readonly channelReserved = new Map<string, number>()
  /** Fulfillment orders booked per node and work day (planned releases count, so routing sees the plan). */
  private readonly booked = new Map<string, number>()
  private readonly pools = new Map<number, Array<{ channelId: number; quantity: number }>>()
  private readonly caps = new Map<string, number>()
  readonly shipments: Shipments
  readonly returns: Returns

  constructor(private readonly sim: Simulation) {
    this.shipments = new Shipments(sim)
    this.returns = new Returns(sim, this)
    const w = sim.w
    for (const r of w.rows.allocation_rules) {
      if (r.kind === 'RESERVED_POOL') {
        const list = this.pools.get(r.sku_id as number) ?? []
        list.push({ channelId: r.channel_id as number, quantity: r.quantity as number })
        this.pools.set(r.sku_id as number, list)
      } else {
        this.caps.set(`${r.channel_id}:${r.sku_id ?? '*'}`, Number(r.percentage) / 100)
      }
    }
  }

  private get w(): World {
    return this.sim.w
  }

  schedule(plans: PlannedOrder[]): void {
    for (const plan of plans) this.sim.at(plan.placedAt, () => this.place(plan))
  }

  recordEvent(o: OrderState, at: number, kind: string, title: string, opts: { to?: string; detail?: string; actor?: string } = {}): void {
    const from = o.status
    if (opts.to) o.status = opts.to
    this.w.insert('order_events', {
      order_id: o.row.id,
      kind,
      from_status: opts.to && opts.to !== from ? from : null,
      to_status: opts.to && opts.to !== from ? opts.to : null,
      title,
      detail: opts.detail ?? null,
      actor: opts.actor ?? 'system',
      occurred_at: new Date(at),
    })
  }

  private place(plan: PlannedOrder): void {
    const sim = this.sim
    const rng = sim.rng
    const w = this.w
    const channel = w.channel(plan.channel)
    const main = w.node('MAIN')
    const shipDay = w.calendar.addWorkDays(this.bookDay(main, plan.placedAt), plan.serviceLevel === 'STANDARD' ? 1 : 0)
    const shipBy = atLocal(main.tz, shipDay, main.pickupMinutes)
    const transit = plan.serviceLevel === 'STANDARD' ? 5 : plan.serviceLevel === 'EXPRESS' ? 2 : 1
    const c = plan.customer
    const row = w.insert('orders', {
      number: '',
      channel_id: channel.id,
      external_id: plan.externalId,
      status: 'PENDING',
      holds: [] as string[],
      service_level: plan.serviceLevel,
      priority: PRIORITY[plan.serviceLevel],
      placed_at: new Date(plan.placedAt),
      ship_by: new Date(shipBy),
      promised_delivery_by: new Date(shipBy + transit * DAY),
      customer_email: c.email,
      customer_name: c.name,
      customer_phone: c.phone,
      ship_to_name: c.name,
      ship_to_line1: c.line1,
      ship_to_line2: c.line2,
      ship_to_city: c.city,
      ship_to_region: c.region,
      ship_to_postal_code: c.postalCode,
      ship_to_country: 'US',
      payment_status: plan.paymentStatus,
      fraud_score: plan.fraudScore,
      currency: 'USD',
      total_amount: round2(plan.lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0)),
      expedited_cost: 0,
      routing: null as unknown,
      cancel_reason: null as string | null,
      cancelled_at: null as Date | null,
      shipped_at: null as Date | null,
      delivered_at: null as Date | null,
      parcels: 0,
      version: 0,
      created_at: new Date(plan.placedAt),
      updated_at: new Date(plan.placedAt),
    })
    row.number = `OH-${100000 + row.id}`
    const o: OrderState = { row, plan, channelId: channel.id, lines: [], fos: [], status: 'PENDING', cancelled: false }
    plan.lines.forEach((l, i) => {
      const lineRow = w.insert('order_lines', {
        order_id: row.id,
        line_number: i + 1,
        sku_id: l.sku.id,
        quantity: l.quantity,
        unit_price: l.unitPrice,
        allocated_quantity: 0,
        backordered_quantity: 0,
        shipped_quantity: 0,
        cancelled_quantity: 0,
        returned_quantity: 0,
        first_allocation_short: null as number | null,
      })
      o.lines.push({ row: lineRow, sku: l.sku, quantity: l.quantity, allocs: [] })
    })
    this.orders.push(o)
    const units = plan.lines.reduce((s, l) => s + l.quantity, 0)
    this.recordEvent(o, plan.placedAt, 'placed', `Order placed on ${plan.channel}`, {
      detail: `${plan.lines.length} line(s), ${units} unit(s), ${plan.serviceLevel.toLowerCase().replace('_', ' ')} shipping`,
      actor: `channel:${plan.channel}`,
    })

    const validatedAt = plan.placedAt + rng.uniform(15, 90) * 1000
    sim.at(validatedAt, () => {
      if (!plan.hold) {
        this.recordEvent(o, sim.t, 'validated', 'Payment, fraud and address checks passed', { to: 'VALIDATED', detail: `Fraud score ${plan.fraudScore.toFixed(2)}` })
        sim.at(sim.t + rng.uniform(10, 120) * 1000, () => this.allocate(o))
        return
      }
      const h = HOLD_EXCEPTION[plan.hold]
      row.holds = [plan.hold]
      const detail =
        plan.hold === 'PAYMENT' ? `Payment status ${plan.paymentStatus}`
        : plan.hold === 'FRAUD' ? `Fraud score ${plan.fraudScore.toFixed(2)} is above the 0.85 threshold`
        : `Postal code "${c.postalCode}" is not a valid US ZIP code${c.line1 ? '' : ' and street address is missing'}`
      this.recordEvent(o, sim.t, 'held', `On hold: ${h.title.toLowerCase()}`, { to: 'ON_HOLD', detail })
      o.holdException = sim.exceptions.open(sim.t, {
        type: h.type,
        subjectType: 'Order',
        subjectId: row.id,
        orderId: row.id,
        title: `${h.title}: ${row.number}`,
        detail,
        data: { holds: [plan.hold], channel: plan.channel, totalAmount: row.total_amount },
        dedupeKey: `${h.type}:order:${row.id}`,
      })
      const resolveAt = sim.t + rng.uniform(h.hours[0], h.hours[1]) * HOUR
      const cancel = rng.chance(h.cancel)
      const by = this.w.users[plan.hold === 'ADDRESS' ? 'cs' : 'finance']
      sim.at(resolveAt, () => {
        row.holds = []
        if (cancel) {
          if (plan.paymentStatus === 'PENDING') row.payment_status = 'FAILED'
          sim.exceptions.resolve(o.holdException!, sim.t, by, 'Order cancelled')
          this.cancelOrder(o, plan.hold === 'FRAUD' ? 'Fraud review rejected the order' : plan.hold === 'PAYMENT' ? 'Payment could not be collected' : 'Customer did not confirm the address', by)
          return
        }
        if (plan.hold === 'PAYMENT') row.payment_status = 'AUTHORIZED'
        if (plan.hold === 'ADDRESS') {
          const corrected = correctedAddress(rng, c)
          row.ship_to_postal_code = corrected.postalCode
          if (!c.line1) row.ship_to_line1 = corrected.line1
        }
        sim.exceptions.resolve(o.holdException!, sim.t, by, plan.hold === 'FRAUD' ? 'Verified with the customer' : plan.hold === 'PAYMENT' ? 'Payment authorized on retry' : 'Address corrected with the customer')
        this.recordEvent(o, sim.t, 'hold_released', 'Hold released', { to: 'VALIDATED', actor: by })
        sim.at(sim.t + rng.uniform(10, 120) * 1000, () => this.allocate(o))
      })
    })
  }

  /** First work day whose cut-off at `node` is after `t`: the day a release at `t` is booked against. */
  bookDay(node: NodeInfo, t: number): number {
    const day = localDay(node.tz, t)
    if (this.w.calendar.isWorkDay(day) && localMinutes(node.tz, t) < node.cutoffMinutes) return day
    return this.w.calendar.nextWorkDay(day)
  }

  private load(node: NodeInfo, day: number): number {
    return this.booked.get(`${node.id}:${day}`) ?? 0
  }

  /** Units the channel may still take across nodes: pools held for other channels and its own cap apply. */
  private headroom(channelId: number, sku: SkuInfo): number {
    const stock = this.sim.stock
    let available = 0
    let sellable = 0
    for (const node of this.w.nodes) {
      const p = stock.get(sku.id, node.id)
      if (!p) continue
      available += stock.available(p)
      sellable += p.onHand - p.damaged - p.qualityControl
    }
    let room = available
    for (const pool of this.pools.get(sku.id) ?? []) {
      if (pool.channelId === channelId) continue
      room -= Math.max(0, pool.quantity - (this.channelReserved.get(`${pool.channelId}:${sku.id}`) ?? 0))
    }
    const cap = this.caps.get(`${channelId}:${sku.id}`) ?? this.caps.get(`${channelId}:*`)
    if (cap !== undefined) room = Math.min(room, Math.floor(cap * sellable) - (this.channelReserved.get(`${channelId}:${sku.id}`) ?? 0))
    return Math.max(0, room)
  }

  /**
   * The routing decision in the hub's own shape (`Order.routingDecision`): the rule, a one-line summary, the nodes
   * chosen with their units and why, the nodes not used and why.
   */
  private routingDecision(
    all: NodeInfo[],
    full: NodeInfo[],
    dayOf: Map<NodeInfo, number>,
    picks: Array<{ node: NodeInfo; qty: number }>,
    lines: LineState[],
    orderedUnits: number,
    complete: NodeInfo | undefined,
  ): RoutingDecision {
    const placed = picks.reduce((s, p) => s + p.qty, 0)
    // A full node is "at capacity" only while another node had room; when all are full, capacity decided nothing.
    const fullBeside = (n: NodeInfo) => full.includes(n) && full.length < all.length
    const units = new Map<NodeInfo, number>()
    for (const p of picks) units.set(p.node, (units.get(p.node) ?? 0) + p.qty)
    const busy = (n: NodeInfo) => {
      const day = dayOf.get(n)!
      const load = this.load(n, day)
      return `released ${Math.min(load, n.capacity)} of ${n.capacity} for ${isoDate(day)}${load > n.capacity ? `, ${load - n.capacity} more waiting for release` : ''}`
    }
    const nodes = [...units].map(([n, quantity]) => ({
      locationId: n.id,
      code: n.code,
      quantity,
      reason: complete
        ? `ships all ${quantity} units from one node (nearest with ${full.includes(n) ? 'stock' : 'room'})`
        : `covers ${quantity} of the units still needed${full.includes(n) ? ` (at capacity: ${busy(n)})` : ''}`,
    }))
    // Why a node was not used, in the hub's words: no stock, a full day while another node had room, too little to
    // ship the order complete, or nothing left to add.
    const rejected = all
      .filter((n) => !units.has(n))
      .map((n) => {
        const coverable = lines.reduce((sum, l) => {
          const p = this.sim.stock.get(l.sku.id, n.id)
          return sum + Math.min(l.quantity, p ? Math.max(0, this.sim.stock.available(p)) : 0)
        }, 0)
        const reason =
          coverable === 0 ? 'no promisable stock of the ordered SKUs'
          : fullBeside(n) ? `at capacity: ${busy(n)}`
          : complete && coverable >= orderedUnits ? `could also ship complete, but ${complete.code} ranks first (nearer)`
          : complete ? `cannot ship complete (${coverable} of ${orderedUnits} units)`
          : 'not needed: the chosen nodes already cover what it could add'
        return { locationId: n.id, code: n.code, reason }
      })
    const rule = placed === 0 ? 'BACKORDER' : complete ? 'SHIP_COMPLETE' : placed < orderedUnits ? 'PARTIAL' : 'SPLIT'
    const split = nodes.map((n) => `${n.code} (${n.quantity})`).join(', ')
    const waits = [...units.keys()].filter(fullBeside).map((n) => n.code)
    const summary =
      rule === 'SHIP_COMPLETE'
        ? `${nodes[0].code} ships the whole order.`
        : rule === 'SPLIT'
          ? `No single node can ship all ${orderedUnits} units. Split across ${split}.`
          : rule === 'PARTIAL'
            ? `No single node can ship all ${orderedUnits} units. ${placed} units placed at ${split}; ${orderedUnits - placed} backordered.`
            : 'No node has promisable stock for this order; it is backordered.'
    const busyNote = waits.length ? ` ${waits.join(', ')} ${waits.length === 1 ? 'is' : 'are'} at capacity today: ${waits.length === 1 ? 'its' : 'their'} part waits for release rather than being backordered.` : ''
    return { rule, summary: summary + busyNote, nodes, rejected }
  }

  private allocate(o: OrderState): void {
    const sim = this.sim
    const w = this.w
    const stock = sim.stock
    const t = sim.t
    const plan = o.plan
    // The seed's history routes by nearness (western customers and MARKET-B to the 3PL first), a preference of its
    // own; what a full node may take is the hub's rule (routing.ts): nodes with room first, and a node whose day is
    // full only for what they cannot cover - stock in a busy node is better than a backorder.
    const preferWest = plan.customer.west || plan.channel === 'MARKET-B'
    const all = (preferWest ? ['OVERFLOW-3PL', 'MAIN'] : ['MAIN', 'OVERFLOW-3PL']).map((c) => w.node(c))
    const dayOf = new Map(all.map((n) => [n, this.bookDay(n, t)]))
    const withRoom = all.filter((n) => this.load(n, dayOf.get(n)!) < n.capacity)
    const full = all.filter((n) => !withRoom.includes(n))
    const tiers = withRoom.length ? [...withRoom, ...full] : all

    const room = new Map(o.lines.map((l) => [l.sku.id, this.headroom(o.channelId, l.sku)]))
    const avail = (node: NodeInfo, l: LineState) => {
      const p = stock.get(l.sku.id, node.id)
      return p ? Math.min(stock.available(p), room.get(l.sku.id)!) : 0
    }
    const picks: Array<{ line: LineState; node: NodeInfo; qty: number }> = []
    const complete = (withRoom.length ? withRoom : all).find((n) => o.lines.every((l) => avail(n, l) >= l.quantity))
    if (complete) {
      for (const l of o.lines) picks.push({ line: l, node: complete, qty: l.quantity })
    } else {
      for (const l of o.lines) {
        let need = l.quantity
        for (const n of tiers) {
          const take = Math.min(need, avail(n, l))
          if (take <= 0) continue
          picks.push({ line: l, node: n, qty: take })
          room.set(l.sku.id, room.get(l.sku.id)! - take)
          need -= take
          if (need === 0) break
        }
      }
    }
    const allocatedUnits = picks.reduce((s, p) => s + p.qty, 0)
    const orderedUnits = o.lines.reduce((s, l) => s + l.quantity, 0)
    const short = o.lines.filter((l) => picks.filter((p) => p.line === l).reduce((s, p) => s + p.qty, 0) < l.quantity)
    const routing = this.routingDecision(all, full, dayOf, picks, o.lines, orderedUnits, complete)
    o.row.routing = routing

    // Old orders that cannot be served in full were cancelled when the backorder SLA ran out.
    if (allocatedUnits < orderedUnits && plan.placedAt < w.now - BACKORDER_CANCEL_AGE) {
      o.row.routing = {
        rule: 'BACKORDER',
        summary: `Not enough stock to ship complete (${allocatedUnits} of ${orderedUnits} units promisable); backordered.`,
        nodes: [],
        rejected: [],
      } satisfies RoutingDecision
      this.recordEvent(o, t, 'backordered', 'Backordered: not enough stock to ship complete', { to: 'BACKORDERED', detail: `Short: ${short.map((l) => l.sku.code).join(', ')}` })
      for (const l of o.lines) l.row.backordered_quantity = l.row.first_allocation_short = l.quantity
      sim.at(t + sim.rng.uniform(1, 3) * DAY, () => this.cancelOrder(o, 'Out of stock: backorder not filled in time', 'system'))
      return
    }

    const ref = `order:${o.row.number}`
    const fos = new Map<NodeInfo, FoState>()
    for (const p of picks) {
      const pos = stock.get(p.line.sku.id, p.node.id)!
      if (!stock.move(pos, 'RESERVED', { reserved: p.qty }, t, { actor: 'system', reason: 'ORDER_ALLOCATION', ref, orderId: o.row.id }, 'available')) {
        throw new Error(`seed: reservation failed for ${p.line.sku.code} at ${p.node.code}`)
      }
      const key = `${o.channelId}:${p.line.sku.id}`
      this.channelReserved.set(key, (this.channelReserved.get(key) ?? 0) + p.qty)
      let fo = fos.get(p.node)
      if (!fo) {
        fo = this.createFo(o, p.node, t)
        fos.set(p.node, fo)
      }
      const row = w.insert('allocations', {
        order_line_id: p.line.row.id,
        location_id: p.node.id,
        fulfillment_order_id: fo.row.id,
        quantity: p.qty,
        status: 'RESERVED',
        created_at: new Date(t),
        updated_at: new Date(t),
      })
      const a: AllocState = { row, line: p.line, pos, qty: p.qty, fo }
      p.line.allocs.push(a)
      fo.allocs.push(a)
      p.line.row.allocated_quantity = (p.line.row.allocated_quantity as number) + p.qty
    }
    for (const l of o.lines) l.row.backordered_quantity = l.row.first_allocation_short = l.quantity - (l.row.allocated_quantity as number)
    const status = allocatedUnits === 0 ? 'BACKORDERED' : short.length > 0 ? 'PARTIALLY_ALLOCATED' : 'ALLOCATED'
    const where = [...fos.keys()].map((n) => n.code).join(' and ')
    this.recordEvent(o, t, status === 'BACKORDERED' ? 'backordered' : 'allocated', status === 'BACKORDERED' ? 'Backordered: no stock available' : `Stock reserved at ${where}`, {
      to: status,
      detail: short.length > 0 ? `${routing.summary} Short: ${short.map((l) => l.sku.code).join(', ')}` : routing.summary,
    })
    if (short.length > 0) {
      sim.exceptions.open(t, {
        type: 'STOCK_SHORTAGE',
        subjectType: 'Order',
        subjectId: o.row.id,
        orderId: o.row.id,
        title: `Backordered: ${o.row.number} is short ${short.map((l) => l.sku.code).join(', ')}`,
        detail: `${orderedUnits - allocatedUnits} of ${orderedUnits} unit(s) could not be reserved on any node.`,
        data: { skus: short.map((l) => l.sku.code), backordered: orderedUnits - allocatedUnits },
        dedupeKey: `STOCK_SHORTAGE:order:${o.row.id}`,
      })
    }
    for (const fo of fos.values()) this.planFo(fo, t)

    // A few customers cancel shortly after ordering, which works only while nothing is picked yet.
    if (sim.rng.chance(0.02) && fos.size > 0) {
      const cancelAt = t + sim.rng.uniform(0.1, 4) * HOUR
      if ([...fos.values()].every((fo) => fo.pickStartAt > cancelAt)) sim.at(cancelAt, () => this.cancelOrder(o, 'Customer request', this.w.users.cs))
    }
  }

  private createFo(o: OrderState, node: NodeInfo, t: number): FoState {
    const row = this.w.insert('fulfillment_orders', {
      number: '',
      order_id: o.row.id,
      location_id: node.id,
      status: 'OPEN',
      priority: o.row.priority,
      ship_by: o.row.ship_by,
      pick_wave_id: null,
      released_at: null,
      packed_at: null,
      shipped_at: null,
      cancelled_at: null,
      created_at: new Date(t),
      updated_at: new Date(t),
    })
    row.number = `FO-${500000 + row.id}`
    const fo: FoState = { row, node, order: o, allocs: [], bookedDay: 0, pickStartAt: Infinity, pickedAt: Infinity }
    o.fos.push(fo)
    return fo
  }

  /** Plans release (booked against capacity), pick, pack and carrier pick-up; each step happens if before now. */
  private planFo(fo: FoState, t: number): void {
    const sim = this.sim
    const rng = sim.rng
    const node = fo.node
    const cal = this.w.calendar
    const tpl = node.code !== 'MAIN'
    let release = t + rng.uniform(3, 45) * MINUTE
    if (rng.chance(tpl ? 0.07 : 0.035)) release += rng.uniform(6, 50) * HOUR
    let day = this.bookDay(node, release)
    while (this.load(node, day) >= node.capacity) {
      release = Math.max(release, atLocal(node.tz, day, node.cutoffMinutes))
      day = cal.nextWorkDay(day)
    }
    this.booked.set(`${node.id}:${day}`, this.load(node, day) + 1)
    fo.bookedDay = day
    const shiftStart = atLocal(node.tz, day, 6 * 60) + rng.uniform(0, 90) * MINUTE
    let pickStart = Math.max(release + rng.uniform(tpl ? 60 : 10, tpl ? 360 : 180) * MINUTE, shiftStart)
    if (localMinutes(node.tz, pickStart) > 22 * 60) pickStart = atLocal(node.tz, cal.nextWorkDay(localDay(node.tz, pickStart)), 6 * 60) + rng.uniform(0, 90) * MINUTE
    const picked = pickStart + rng.uniform(8, 40) * fo.allocs.length * MINUTE
    const packed = picked + rng.uniform(10, 80) * MINUTE
    let shipDay = localDay(node.tz, packed)
    if (!cal.isWorkDay(shipDay) || packed + MINUTE > atLocal(node.tz, shipDay, node.pickupMinutes)) shipDay = cal.nextWorkDay(shipDay)
    // Parcels are scanned onto the trailer in the 40 minutes before it leaves at the pick-up time (never before they
    // are packed): a parcel packed in time ships by the pick-up, which is the promised ship-by.
    const pickup = atLocal(node.tz, shipDay, node.pickupMinutes)
    const shipped = Math.max(packed + MINUTE, pickup - rng.uniform(0, 40) * MINUTE)
    fo.pickStartAt = pickStart
    fo.pickedAt = picked
    const o = fo.order

    sim.at(release, () => {
      if (o.cancelled) return
      fo.row.status = 'RELEASED'
      fo.row.released_at = new Date(sim.t)
      this.recordEvent(o, sim.t, 'released', `Released to ${node.code}`, { to: this.derive(o), detail: `${fo.row.number}, booked for ${new Date(day * DAY).toISOString().slice(0, 10)}` })
    })
    sim.at(pickStart, () => {
      if (o.cancelled) return
      fo.row.status = 'PICKING'
      this.recordEvent(o, sim.t, 'picking', `Picking started at ${node.code}`, {
        to: this.derive(o),
        detail: `${fo.allocs.reduce((s, a) => s + a.qty, 0)} unit(s) from ${fo.allocs.length} bin(s)`,
        actor: `warehouse:${node.code}`,
      })
    })
    sim.at(picked, () => {
      if (!o.cancelled) for (const a of fo.allocs) a.row.status = 'PICKED'
    })
    sim.at(packed, () => {
      if (o.cancelled) return
      fo.row.status = 'PACKED'
      fo.row.packed_at = new Date(sim.t)
      this.recordEvent(o, sim.t, 'packed', `Packed at ${node.code}`, { detail: 'Pack verification passed', actor: `warehouse:${node.code}` })
    })
    sim.at(shipped, () => {
      if (!o.cancelled) this.ship(fo)
    })
  }

  private ship(fo: FoState): void {
    const sim = this.sim
    const o = fo.order
    const ref = `order:${o.row.number}`
    for (const a of fo.allocs) {
      if (!sim.stock.move(a.pos, 'SHIPPED', { onHand: -a.qty, reserved: -a.qty }, sim.t, { actor: `warehouse:${fo.node.code}`, reason: 'SHIPMENT', ref, orderId: o.row.id })) {
        throw new Error(`seed: shipment failed for ${a.pos.sku.code}`)
      }
      a.row.status = 'SHIPPED'
      a.line.row.allocated_quantity = (a.line.row.allocated_quantity as number) - a.qty
      a.line.row.shipped_quantity = (a.line.row.shipped_quantity as number) + a.qty
      const key = `${o.channelId}:${a.line.sku.id}`
      this.channelReserved.set(key, this.channelReserved.get(key)! - a.qty)
    }
    fo.row.status = 'SHIPPED'
    fo.row.shipped_at = new Date(sim.t)
    o.row.parcels = (o.row.parcels as number) + 1
    const shipment = this.shipments.create(fo, sim.t, (deliveredAt) => this.delivered(fo, deliveredAt))
    fo.shipment = shipment
    const to = this.derive(o)
    if (to === 'SHIPPED') {
      o.row.shipped_at = new Date(sim.t)
      o.row.payment_status = 'CAPTURED'
      o.row.expedited_cost = EXPEDITED_COST[o.plan.serviceLevel]
    }
    this.recordEvent(o, sim.t, 'shipped', `Shipped from ${fo.node.code} via ${shipment.carrier} ${shipment.service}`, { to, detail: `Tracking ${shipment.tracking_number}`, actor: `warehouse:${fo.node.code}` })
  }

  private delivered(fo: FoState, at: number): void {
    const o = fo.order
    fo.deliveredAt = at
    if (o.status !== 'SHIPPED' || !o.fos.every((f) => f.row.status === 'CANCELLED' || f.deliveredAt !== undefined)) return
    o.row.delivered_at = new Date(at)
    this.recordEvent(o, at, 'delivered', 'Delivered', { to: 'DELIVERED', actor: `carrier:${fo.shipment!.carrier}` })
    this.returns.maybeReturn(o, at)
  }

  cancelOrder(o: OrderState, reason: string, actor: string): void {
    const sim = this.sim
    const t = sim.t
    o.cancelled = true
    for (const fo of o.fos) {
      for (const a of fo.allocs) {
        if (a.row.status !== 'RESERVED' && a.row.status !== 'PICKED') continue
        sim.stock.move(a.pos, 'RELEASED', { reserved: -a.qty }, t, { actor, reason: 'ORDER_CANCELLED', ref: `order:${o.row.number}`, orderId: o.row.id })
        a.row.status = 'CANCELLED'
        a.row.updated_at = new Date(t)
        a.line.row.allocated_quantity = (a.line.row.allocated_quantity as number) - a.qty
        const key = `${o.channelId}:${a.line.sku.id}`
        this.channelReserved.set(key, this.channelReserved.get(key)! - a.qty)
      }
      fo.row.status = 'CANCELLED'
      fo.row.cancelled_at = new Date(t)
    }
    for (const l of o.lines) {
      l.row.cancelled_quantity = l.quantity - (l.row.shipped_quantity as number)
      l.row.backordered_quantity = 0
    }
    o.row.cancel_reason = reason
    o.row.cancelled_at = new Date(t)
    o.row.holds = []
    if (o.row.payment_status === 'AUTHORIZED') o.row.payment_status = 'REFUNDED'
    this.recordEvent(o, t, 'cancelled', 'Order cancelled', { to: 'CANCELLED', detail: reason, actor })
  }

  /** Order status implied by its fulfillment orders and backorders (the one status model). */
  derive(o: OrderState): string {
    const shipped = o.lines.reduce((s, l) => s + (l.row.shipped_quantity as number), 0)
    const total = o.lines.reduce((s, l) => s + l.quantity, 0)
    const backordered = o.lines.reduce((s, l) => s + (l.row.backordered_quantity as number), 0)
    const fos = o.fos.map((f) => f.row.status)
    if (shipped === total) return 'SHIPPED'
    if (shipped > 0) return 'PARTIALLY_SHIPPED'
    if (fos.some((s) => s === 'PICKING' || s === 'PACKED')) return 'IN_FULFILLMENT'
    if (fos.includes('RELEASED')) return 'RELEASED'
    if (fos.length === 0) return 'BACKORDERED'
    return backordered > 0 ? 'PARTIALLY_ALLOCATED' : 'ALLOCATED'
  }

  /** Rows that depend on the final state: channel reservations and the per-node daily load. */
  finish(): void {
    const w = this.w
    for (const [key, reserved] of [...this.channelReserved.entries()].sort()) {
      const [channelId, skuId] = key.split(':').map(Number)
      w.push('channel_reservations', { channel_id: channelId, sku_id: skuId, reserved })
    }
    const loads = new Map<string, { released: number; picked: number; packed: number; shipped: number }>()
    const bump = (node: NodeInfo, day: number, k: 'released' | 'picked' | 'packed' | 'shipped') => {
      const key = `${node.id}:${day}`
      const v = loads.get(key) ?? { released: 0, picked: 0, packed: 0, shipped: 0 }
      v[k]++
      loads.set(key, v)
    }
    for (const o of this.orders) {
      for (const fo of o.fos) {
        if (fo.row.released_at) bump(fo.node, fo.bookedDay, 'released')
        if (fo.pickedAt <= w.now && fo.row.status !== 'CANCELLED') bump(fo.node, localDay(fo.node.tz, fo.pickedAt), 'picked')
        if (fo.row.packed_at) bump(fo.node, localDay(fo.node.tz, (fo.row.packed_at as Date).getTime()), 'packed')
        if (fo.row.shipped_at) bump(fo.node, localDay(fo.node.tz, (fo.row.shipped_at as Date).getTime()), 'shipped')
      }
    }
    for (const node of w.nodes) {
      const today = localDay(node.tz, w.now)
      if (!loads.has(`${node.id}:${today}`)) loads.set(`${node.id}:${today}`, { released: 0, picked: 0, packed: 0, shipped: 0 })
    }
    for (const [key, v] of [...loads.entries()].sort()) {
      const [locationId, day] = key.split(':').map(Number)
      w.push('node_day_loads', { location_id: locationId, day: new Date(day * DAY).toISOString().slice(0, 10), ...v })
    }
    for (const o of this.orders) {
      o.row.status = o.status
      o.row.updated_at = new Date(Math.min(w.now, Math.max(...[o.row.placed_at, o.row.shipped_at, o.row.delivered_at, o.row.cancelled_at].filter(Boolean).map((d) => (d as Date).getTime()))))
    }
  }
}
