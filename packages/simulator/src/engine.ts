// One run of the promo-spike scenario under one policy: the demo retailer's world (the seed at SCENARIO_SCALE),
// driven hour by hour on the simulated clock through the hub's own domain commands - the ones the API's mutations
// and workers call. The simulator plays only the outside world: customers, payment provider, pickers and packers,
// carriers, the 3PL and its files, suppliers, counters. It keeps the physical truth (units really on the shelves),
// which the hub never sees except through what those people report.
import type { Database } from '@ops-hub/db'
import {
  autoReleaseNode,
  autoWaveNode,
  confirmPick,
  confirmShipment,
  inTransaction,
  isBusinessDay,
  localParts,
  OrderIntake,
  recordCarrierEvent,
  verifyPack,
  type Actor,
} from '@ops-hub/domain'
import { seedDemo } from '../../../prisma/seed/seed-demo.ts'
import { Rng } from '../../../prisma/seed/rng.ts'
import { setDatabaseClock, type SimClock } from './clock.ts'
import type { Policy, ScenarioParams } from './params.ts'
import { SCENARIO_START } from './params.ts'
import { applyPolicy } from './policies.ts'

export const HOUR = 3_600_000
export const DAY = 24 * HOUR

/** The seed's retailer at this fraction of its full volume (~220 orders a day at 1); capacities scale with it. */
export const SCENARIO_SCALE = 0.25

const FLOOR: Actor = { id: 'sim:floor', role: 'OPERATIONS' }
const CARRIER: Actor = { id: 'sim:carrier', role: 'ADMIN' }
const CHANNEL: Actor = { id: 'sim:channel', role: 'ADMIN' }

/** Share of the day's orders arriving in each UTC hour (US shoppers: evening peak, quiet night). */
const HOURLY = [3, 2, 1.5, 1, 1, 1, 1, 1.5, 2, 3, 4, 5, 6, 6.5, 7, 7, 7, 7, 7, 7, 6.5, 6, 5, 4]
const HOURLY_SUM = HOURLY.reduce((s, x) => s + x, 0)

interface NodeInfo {
  id: number
  code: string
  timezone: string
  cutoffMinutes: number
  /** Orders the floor can pick and pack in one working hour (the node's daily capacity over its working hours). */
  perHour: number
  /** Local working window [start, pickup) in minutes after midnight; the carrier collects at pickup. */
  startMinutes: number
  pickupMinutes: number
}

interface TemplateOrder {
  serviceLevel: 'STANDARD' | 'EXPRESS' | 'SAME_DAY'
  lines: Array<{ sku: string; quantity: number; unitPrice: number }>
  customer: { email: string; name: string }
  shipTo: { name: string; line1: string; city: string; region: string | null; postalCode: string; country: string }
}

interface PendingEvent {
  at: number
  seq: number
  run: () => Promise<void>
}

export interface DayStats {
  day: string
  orders: number
  backlog: number
  cancellations: number
  shipped: number
  onTime: number
}

export interface EngineResult {
  from: Date
  to: Date
  oversoldUnits: number
  oversoldOrders: number
  /** SKU-days that ended with nothing promisable anywhere in the network (SKUs that sell). */
  stockoutDays: number
  daily: DayStats[]
}

export class ScenarioEngine {
  readonly rng: Rng
  readonly intake: OrderIntake
  nodes: NodeInfo[] = []
  holidays = new Set<string>()
  templates = new Map<string, TemplateOrder[]>()
  /** Mean orders a day per channel in the seed's last four weeks. */
  channelRate = new Map<string, number>()
  /** Physical units on the shelves per `${skuId}:${locationId}`. */
  physical = new Map<string, number>()
  skuIds = new Map<string, number>()
  #events: PendingEvent[] = []
  #seq = 0
  #externalSeq = 0
  oversoldUnits = 0
  oversoldOrders = new Set<number>()
  daily: DayStats[] = []
  stockoutDays = 0

  constructor(
    readonly db: Database,
    readonly clock: SimClock,
    readonly params: ScenarioParams,
    readonly policy: Policy,
  ) {
    // Both policies face the same customers, carriers and 3PL: one seed, the same random streams.
    this.rng = new Rng(params.seed)
    this.intake = new OrderIntake(db)
  }

  get start(): number {
    return SCENARIO_START.getTime()
  }

  async at(t: number): Promise<void> {
    this.clock.set(t)
    await setDatabaseClock(this.db.sql, new Date(this.clock.time))
  }

  schedule(at: number, run: () => Promise<void>): void {
    this.#events.push({ at, seq: this.#seq++, run })
  }

  /** Builds the world: the seed's retailer up to the start, then the policy's settings. */
  async setup(): Promise<void> {
    await this.at(this.start)
    await seedDemo(this.db, { seed: this.params.seed, scale: SCENARIO_SCALE, now: new Date(this.start) })
    const prisma = this.db.prisma
    // The seed's capacities are the full-size retailer's: scale them with its volume.
    await this.db.sql.exec(
      `UPDATE locations SET daily_pick_capacity = GREATEST(1, round(daily_pick_capacity * ${SCENARIO_SCALE})), daily_pack_capacity = GREATEST(1, round(daily_pack_capacity * ${SCENARIO_SCALE})) WHERE is_fulfillment_node`,
    )
    const locations = await prisma.location.findMany({ where: { isFulfillmentNode: true, active: true }, orderBy: { id: 'asc' } })
    for (const l of locations) {
      const daily = Math.min(l.dailyPickCapacity ?? 100, l.dailyPackCapacity ?? 100)
      const pickupMinutes = l.cutoffMinutes + 120
      const startMinutes = 7 * 60
      this.nodes.push({
        id: l.id,
        code: l.code,
        timezone: l.timezone,
        cutoffMinutes: l.cutoffMinutes,
        perHour: daily / ((pickupMinutes - startMinutes) / 60),
        startMinutes,
        pickupMinutes,
      })
    }
    for (const h of await prisma.holiday.findMany({ where: { locationId: null } })) this.holidays.add(h.date.toISOString().slice(0, 10))
    for (const s of await prisma.sku.findMany({ select: { id: true, code: true } })) this.skuIds.set(s.code, s.id)
    for (const p of await prisma.stockPosition.findMany({ select: { skuId: true, locationId: true, onHand: true } })) {
      this.physical.set(`${p.skuId}:${p.locationId}`, p.onHand)
    }
    // Demand: each channel's order rate and its orders as they came in the seed's last 28 days (resampled).
    const since = new Date(this.start - 28 * DAY)
    const orders = await prisma.order.findMany({
      where: { placedAt: { gte: since, lt: new Date(this.start) } },
      orderBy: { id: 'asc' },
      include: { channel: { select: { code: true } }, lines: { where: { bundleLineId: null }, orderBy: { lineNumber: 'asc' }, include: { sku: { select: { code: true } } } } },
    })
    for (const o of orders) {
      const list = this.templates.get(o.channel.code) ?? []
      list.push({
        serviceLevel: o.serviceLevel,
        lines: o.lines.map((l) => ({ sku: l.sku.code, quantity: l.quantity, unitPrice: Number(l.unitPrice) })),
        customer: { email: o.customerEmail, name: o.customerName },
        shipTo: { name: o.shipToName, line1: o.shipToLine1, city: o.shipToCity, region: o.shipToRegion, postalCode: o.shipToPostalCode, country: o.shipToCountry },
      })
      this.templates.set(o.channel.code, list)
    }
    for (const [code, list] of [...this.templates.entries()].sort()) this.channelRate.set(code, list.length / 28)
    await applyPolicy(this, this.policy)
  }

  promoDay(day: number): boolean {
    const { from, to } = promoWindow(this.params.days)
    return day >= from && day < to
  }

  async run(onDay: (day: number) => void): Promise<EngineResult> {
    const demand = this.rng.fork('demand')
    for (let day = 0; day < this.params.days; day++) {
      const dayStart = this.start + day * DAY
      const stats: DayStats = { day: new Date(dayStart).toISOString().slice(0, 10), orders: 0, backlog: 0, cancellations: 0, shipped: 0, onTime: 0 }
      // Orders of the day, drawn up front per channel (Poisson per hour), placed at their minute.
      const multiplier = this.promoDay(day) ? this.params.promoMultiplier : 1
      for (const [code, rate] of this.channelRate) {
        const boost = code === 'WHOLESALE' ? 1 : multiplier
        const templates = this.templates.get(code)!
        for (let h = 0; h < 24; h++) {
          const n = poisson(demand, (rate * boost * HOURLY[h]) / HOURLY_SUM)
          for (let i = 0; i < n; i++) {
            const at = dayStart + h * HOUR + Math.floor(demand.next() * HOUR)
            const template = demand.pick(templates)
            const paymentPending = demand.chance(0.03)
            const paymentFails = demand.chance(0.1)
            this.schedule(at, () => this.placeOrder(code, template, at, paymentPending, paymentFails, stats))
          }
        }
      }
      for (let h = 0; h < 24; h++) {
        const t = dayStart + h * HOUR
        this.schedule(t + 59 * 60_000, () => this.hourly(t))
      }
      await this.drain(dayStart + DAY)
      stats.backlog = await this.backlog()
      this.stockoutDays += await this.stockedOut()
      this.daily.push(stats)
      onDay(day + 1)
    }
    await this.at(this.start + this.params.days * DAY)
    return {
      from: new Date(this.start),
      to: new Date(this.start + this.params.days * DAY),
      oversoldUnits: this.oversoldUnits,
      oversoldOrders: this.oversoldOrders.size,
      stockoutDays: this.stockoutDays,
      daily: this.daily,
    }
  }

  /** Runs every event due before `until`, in time order (ties: the order they were scheduled). */
  async drain(until: number): Promise<void> {
    for (;;) {
      let best = -1
      for (let i = 0; i < this.#events.length; i++) {
        const e = this.#events[i]
        if (e.at >= until) continue
        if (best < 0 || e.at < this.#events[best].at || (e.at === this.#events[best].at && e.seq < this.#events[best].seq)) best = i
      }
      if (best < 0) return
      const [e] = this.#events.splice(best, 1)
      await this.at(e.at)
      await e.run()
    }
  }

  async placeOrder(channelCode: string, t: TemplateOrder, at: number, paymentPending: boolean, paymentFails: boolean, stats: DayStats) {
    const externalId = `SIM-${++this.#externalSeq}`
    stats.orders++
    const { order } = await this.intake.place(
      {
        channelCode,
        externalId,
        serviceLevel: t.serviceLevel,
        customer: t.customer,
        shipTo: { ...t.shipTo },
        payment: { status: paymentPending ? 'PENDING' : 'AUTHORIZED' },
        lines: t.lines,
      },
      CHANNEL,
    )
    void order
    void at
    void paymentFails
  }

  /** What happens every hour: the hub's automation, the floor's work, the carrier's collection. */
  async hourly(t: number): Promise<void> {
    for (const node of this.nodes) {
      const local = localParts(new Date(t), node.timezone)
      const minutes = local.minutes
      await this.automation(node)
      const working = isBusinessDay(local.date, this.holidays) && minutes >= node.startMinutes && minutes < node.pickupMinutes
      if (working) await this.floor(node, Math.round(node.perHour))
      if (isBusinessDay(local.date, this.holidays) && minutes <= node.pickupMinutes && minutes + 60 > node.pickupMinutes) await this.collect(node, t)
    }
  }

  async automation(node: NodeInfo): Promise<void> {
    await inTransaction(this.db.prisma, (tx) => autoReleaseNode(tx, { locationId: node.id }))
    await inTransaction(this.db.prisma, (tx) => autoWaveNode(tx, { locationId: node.id }))
  }

  /** Pickers and packers work the node's waves in the order they were created, `capacity` parcels this hour. */
  async floor(node: NodeInfo, capacity: number): Promise<void> {
    const fos = await this.db.prisma.fulfillmentOrder.findMany({
      where: { locationId: node.id, status: 'PICKING' },
      orderBy: [{ pickWaveId: 'asc' }, { id: 'asc' }],
      take: capacity,
      select: { id: true, orderId: true },
    })
    for (const fo of fos) {
      const tasks = await this.db.prisma.pickTask.findMany({ where: { fulfillmentOrderId: fo.id, status: 'OPEN' }, orderBy: { sequence: 'asc' } })
      for (const task of tasks) {
        const key = `${task.skuId}:${node.id}`
        const onShelf = this.physical.get(key) ?? 0
        const found = Math.min(task.quantity, onShelf)
        this.physical.set(key, onShelf - found)
        const result = await inTransaction(this.db.prisma, (tx) => confirmPick(tx, { taskId: task.id, pickedQuantity: found }, FLOOR))
        if (result.short?.backordered) {
          this.oversoldUnits += result.short.backordered
          this.oversoldOrders.add(fo.orderId)
        }
      }
      const picked = await this.db.prisma.pickTask.groupBy({ by: ['skuId'], where: { fulfillmentOrderId: fo.id, pickedQuantity: { gt: 0 } }, _sum: { pickedQuantity: true } })
      const codes = await this.db.prisma.sku.findMany({ where: { id: { in: picked.map((p) => p.skuId) } }, select: { id: true, code: true } })
      const scanned = picked.map((p) => ({ sku: codes.find((c) => c.id === p.skuId)!.code, quantity: p._sum.pickedQuantity ?? 0 }))
      const current = await this.db.prisma.fulfillmentOrder.findUniqueOrThrow({ where: { id: fo.id }, select: { status: true } })
      if (current.status !== 'PICKING' || scanned.length === 0) continue
      await inTransaction(this.db.prisma, (tx) => verifyPack(tx, { fulfillmentOrderId: fo.id, scannedItems: scanned }, FLOOR))
    }
  }

  /** The carrier collects every packed parcel at the node's pick-up; deliveries follow the service's transit. */
  async collect(node: NodeInfo, t: number): Promise<void> {
    const packed = await this.db.prisma.fulfillmentOrder.findMany({
      where: { locationId: node.id, status: 'PACKED' },
      orderBy: { id: 'asc' },
      select: { id: true, order: { select: { serviceLevel: true } } },
    })
    const carrier = this.rng.fork(`carrier:${node.code}:${t}`)
    for (const fo of packed) {
      const [svc, transit] =
        fo.order.serviceLevel === 'SAME_DAY' ? ['NEXT_DAY', 1] : fo.order.serviceLevel === 'EXPRESS' ? ['2DAY', 2] : ['GROUND', 3 + carrier.int(0, 2)]
      const trackingNumber = `SIM${node.code.slice(0, 1)}${fo.id}`
      await inTransaction(this.db.prisma, (tx) => confirmShipment(tx, { fulfillmentOrderId: fo.id, carrier: 'UPS', service: svc, trackingNumber, weightGrams: 900 }, FLOOR))
      const deliveredAt = t + transit * DAY + carrier.int(0, 8) * HOUR
      this.schedule(deliveredAt, async () => {
        await inTransaction(this.db.prisma, (tx) =>
          recordCarrierEvent(tx, { trackingNumber, status: 'DELIVERED', occurredAt: new Date(deliveredAt), location: 'Front door', externalEventId: `${trackingNumber}-D` }, CARRIER, 'simulator'),
        )
      })
    }
  }

  /** SKUs that customers order (they appear in the demand) with no available unit at any node. */
  async stockedOut(): Promise<number> {
    const rows = await this.db.sql.query(
      `SELECT count(*)::int AS n FROM (
         SELECT sp.sku_id FROM stock_positions sp JOIN skus s ON s.id = sp.sku_id
         WHERE s.active AND NOT s.is_bundle AND s.code = ANY($1::text[])
         GROUP BY sp.sku_id HAVING sum(GREATEST(sp.on_hand - sp.reserved - sp.safety_stock - sp.damaged - sp.quality_control, 0)) = 0) x`,
      [this.demandedSkus()],
    )
    return Number(rows[0].n)
  }

  #demanded: string[] | null = null
  demandedSkus(): string[] {
    if (!this.#demanded) {
      const set = new Set<string>()
      for (const list of this.templates.values()) for (const t of list) for (const l of t.lines) set.add(l.sku)
      this.#demanded = [...set].sort()
    }
    return this.#demanded
  }

  /** Orders placed and not yet shipped, cancelled or delivered at the end of the day. */
  async backlog(): Promise<number> {
    const rows = await this.db.sql.query(
      `SELECT count(*)::int AS n FROM orders WHERE placed_at >= $1 AND status NOT IN ('SHIPPED','DELIVERED','CANCELLED','RETURN_REQUESTED','RETURNED')`,
      [new Date(this.start).toISOString()],
    )
    return Number(rows[0].n)
  }
}

/** The promotion's days: the second quarter of the run (days 8-14 of 30), at least one day. */
export function promoWindow(days: number): { from: number; to: number } {
  const from = Math.floor(days / 4)
  return { from, to: Math.min(days, from + Math.max(1, Math.round(days / 4))) }
}

function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0
  const l = Math.exp(-mean)
  let k = 0
  let p = 1
  do {
    k++
    p *= rng.next()
  } while (p > l)
  return k - 1
}
