// One run of the promo-spike scenario under one policy: the demo retailer's world (the seed at SCENARIO_SCALE),
// driven hour by hour on the simulated clock through the hub's own domain commands - the ones the API's mutations
// and workers call. The simulator plays only the outside world: customers, payment provider, pickers and packers,
// carriers, the 3PL and its files, suppliers, counters. It keeps the physical truth (units really on the shelves),
// which the hub never sees except through what those people report.
import type { Database } from '@ops-hub/db'
import {
  allocateBackorders,
  applyFeedFreshness,
  approveFeedDiscrepancy,
  approvePurchaseOrder,
  approveReplenishmentSuggestions,
  autoReleaseNode,
  pullQueuedWork,
  availableToSell,
  BACKORDER_SKUS_PER_RUN,
  backorderedSkusWithStock,
  cancelOrder,
  DomainError,
  generateReplenishmentSuggestions,
  importInventoryFeed,
  inspectReturnLine,
  receivePurchaseOrder,
  releaseHold,
  receiveReturn,
  recordCount,
  requestReturn,
  scheduleCycleCounts,
  sendPurchaseOrder,
  submitPurchaseOrder,
  updateOrderPayment,
  updateOrderShipTo,
  autoWaveNode,
  confirmPick,
  confirmShipment,
  inTransaction,
  isBusinessDay,
  localParts,
  OrderIntake,
  orderMachine,
  recordCarrierEvent,
  verifyPack,
  type Actor,
} from '@ops-hub/domain'
import { seedDemo } from '../../../prisma/seed/seed-demo.ts'
import { Rng } from '../../../prisma/seed/rng.ts'
import { correctedAddress } from '../../../prisma/seed/orders.ts'
import { HOLD_EXCEPTION } from '../../../prisma/seed/fulfilment.ts'
import { setDatabaseClock, type SimClock } from './clock.ts'
import type { Policy, ScenarioParams } from './params.ts'
import { SCENARIO_START } from './params.ts'
import { applyPolicy } from './policies.ts'

export const HOUR = 3_600_000
export const DAY = 24 * HOUR

/** The seed's retailer at this fraction of its full volume (~220 orders a day at 1, ~22 at 0.1); capacities scale with it. */
export const SCENARIO_SCALE = 0.1

const FLOOR: Actor = { id: 'sim:floor', role: 'OPERATIONS' }
const CARRIER: Actor = { id: 'sim:carrier', role: 'ADMIN' }
const CHANNEL: Actor = { id: 'sim:channel', role: 'ADMIN' }
const PAYMENTS: Actor = { id: 'sim:payments', role: 'ADMIN' }
const FEEDS: Actor = { id: 'sim:3pl-feed', role: 'OPERATIONS' }
const INVENTORY_CONTROL: Actor = { id: 'sim:inventory-control', role: 'OPERATIONS' }
const COUNTER: Actor = { id: 'sim:counter', role: 'OPERATIONS' }
const BUYER: Actor = { id: 'sim:buyer', role: 'PROCUREMENT' }
const FINANCE: Actor = { id: 'sim:finance', role: 'FINANCE' }
const DOCK: Actor = { id: 'sim:dock', role: 'OPERATIONS' }
const SERVICE: Actor = { id: 'sim:customer-service', role: 'CUSTOMER_SERVICE' }
const AUTOMATION: Actor = { id: 'system:backorders', role: 'ADMIN' }

/**
 * The scenario's stated rates (README "Scenario lab (promo-spike)"). Both policies face exactly these.
 */
export const RATES = {
  /** Orders whose payment is still pending at intake; of those, the share that then fails. */
  paymentPending: 0.03,
  paymentFails: 0.1,
  /** Pick tasks at MAIN on which the picker misses one unit that is in the building (misplaced). */
  shortPickRate: 0.005,
  /** MAIN positions losing one unit a day unrecorded (damage, theft). */
  mainShrinkPerDay: 0.002,
  /**
   * The 3PL's record accuracy: the share of its positions whose file overstates the shelf (units gone that its own
   * system has not recorded), held steady - new errors of 1-2 units arise at the rate that keeps this share, and each
   * lasts `tplErrorDays` on average until the 3PL's own counts find it (or its next short pick at the position does).
   */
  tplRecordAccuracy: 0.98,
  tplErrorDays: 2,
  /** A 3PL file is a snapshot taken this long before it arrives. */
  feedLagHours: 2,
  /** Days a customer waits on a backordered order before cancelling it, per channel. */
  patienceDays: { STOREFRONT: 5, 'MARKET-A': 3, 'MARKET-B': 3, WHOLESALE: 10 } as Record<string, number>,
  /** Delivered orders returned (one line, 7-12 days after delivery), received 3 days later; restocked unless damaged. */
  returnRate: 0.03,
  returnDamaged: 0.2,
  /** Orders held on an address that fails the carrier checks: customer service reaches the customer 2-72 h later and corrects it; this share never confirms (cancelled) - the seed history's figures. */
  addressAnswerHours: HOLD_EXCEPTION.ADDRESS.hours,
  addressNeverConfirmed: HOLD_EXCEPTION.ADDRESS.cancel,
} as const

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
  /** Local working window [start, pickup) in minutes after midnight; the carrier collects at pickup, the cut-off. */
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
  customers: number
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
  lostSalesUnits: number
  /** SKU-days that ended with nothing promisable anywhere in the network (SKUs that sell). */
  stockoutDays: number
  daily: DayStats[]
}

/** SIM_PROFILE=1: time and SQL statements per step (innermost step), printed by runPolicy; off, nothing is counted. */
export const PROFILE = new Map<string, { n: number; ms: number; statements: number; texts: Map<string, number> }>()
const steps: string[] = []
export function profileStatement(sql: string): void {
  const e = PROFILE.get(steps[steps.length - 1] ?? '(outside)') ?? { n: 0, ms: 0, statements: 0, texts: new Map() }
  e.statements++
  const text = sql.replace(/\s+/g, ' ').slice(0, 160)
  e.texts.set(text, (e.texts.get(text) ?? 0) + 1)
  PROFILE.set(steps[steps.length - 1] ?? '(outside)', e)
}
export async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  if (!process.env.SIM_PROFILE) return fn()
  const t0 = performance.now()
  steps.push(label)
  try {
    return await fn()
  } finally {
    steps.pop()
    const e = PROFILE.get(label) ?? { n: 0, ms: 0, statements: 0, texts: new Map() }
    e.n++
    e.ms += performance.now() - t0
    PROFILE.set(label, e)
  }
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
  #floorCredit = new Map<number, number>()
  #seq = 0
  #externalSeq = 0
  oversoldUnits = 0
  oversoldOrders = new Set<number>()
  lostSalesUnits = 0
  daily: DayStats[] = []
  stockoutDays = 0

  constructor(
    readonly db: Database,
    readonly clock: SimClock,
    readonly params: ScenarioParams,
    readonly policy: Policy,
    readonly options: { promoEveryDay?: boolean } = {},
  ) {
    // Both policies face the same customers, carriers and 3PL: one seed, the same random streams.
    this.rng = new Rng(params.seed)
    this.intake = new OrderIntake(db)
    if (process.env.SIM_PROFILE) db.onStatement(profileStatement)
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
    await timed('seed', () => seedDemo(this.db, { seed: this.params.seed, scale: SCENARIO_SCALE, now: new Date(this.start) }))
    const prisma = this.db.prisma
    // The seed's capacities are the full-size retailer's: scale them with its volume.
    await this.db.sql.exec(
      `UPDATE locations SET daily_pick_capacity = GREATEST(1, round(daily_pick_capacity * ${SCENARIO_SCALE})), daily_pack_capacity = GREATEST(1, round(daily_pack_capacity * ${SCENARIO_SCALE})) WHERE is_fulfillment_node`,
    )
    const locations = await prisma.location.findMany({ where: { isFulfillmentNode: true, active: true }, orderBy: { id: 'asc' } })
    for (const l of locations) {
      const daily = Math.min(l.dailyPickCapacity ?? 100, l.dailyPackCapacity ?? 100)
      // The carrier collects at the cut-off: the hub promises ship-by as the node's cut-off on the ship day, so a parcel
      // packed that day ships on time, and work after the cut-off is the next working day's.
      const pickupMinutes = l.cutoffMinutes
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
    if (this.options.promoEveryDay) return true
    const { from, to } = promoWindow(this.params.days)
    return day >= from && day < to
  }

  node(code: string): NodeInfo {
    return this.nodes.find((n) => n.code === code)!
  }

  tx<T>(label: string, fn: Parameters<typeof inTransaction<T>>[1]): Promise<T> {
    return timed(label, () => inTransaction(this.db.prisma, fn))
  }

  async run(onDay: (day: number) => void): Promise<EngineResult> {
    const demand = this.rng.fork('demand')
    const world = this.rng.fork('world')
    await this.scheduleOpenPurchaseOrders()
    for (let day = 0; day < this.params.days; day++) {
      const dayStart = this.start + day * DAY
      const stats: DayStats = { day: new Date(dayStart).toISOString().slice(0, 10), customers: 0, orders: 0, backlog: 0, cancellations: 0, shipped: 0, onTime: 0 }
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
            const pending = demand.chance(RATES.paymentPending)
            const fails = demand.chance(RATES.paymentFails)
            const paidAfter = demand.int(1, 6) * HOUR
            this.schedule(at, () => this.placeOrder(code, template, at, pending ? { fails, after: paidAfter } : null, stats))
          }
        }
      }
      // The 3PL's files: a snapshot `feedLagHours` before each arrival.
      for (let h = 0; h < 24; h += this.params.feedIntervalHours) {
        const arrives = dayStart + h * HOUR + 5 * 60_000
        const taken = arrives - RATES.feedLagHours * HOUR
        this.schedule(taken, async () => this.tplSnapshot(world, taken, arrives))
      }
      for (let h = 0; h < 24; h++) {
        const t = dayStart + h * HOUR
        this.schedule(t + 59 * 60_000, () => this.hourly(t))
      }
      // MAIN's morning (08:00 Chicago ~ 14:00 UTC): counts; buyer's review at 15:00 UTC; customers give up at 20:00 UTC.
      this.schedule(dayStart + 14 * HOUR + 10 * 60_000, () => this.counts(world))
      this.schedule(dayStart + 14 * HOUR + 40 * 60_000, () => this.reviewFeedDiscrepancies())
      this.schedule(dayStart + 14 * HOUR + 50 * 60_000, () => this.reviewLowConfidenceHolds())
      this.schedule(dayStart + 15 * HOUR + 10 * 60_000, () => this.procurement(day))
      this.schedule(dayStart + 20 * HOUR + 10 * 60_000, () => this.customersGiveUp())
      this.schedule(dayStart + 23 * HOUR + 30 * 60_000, async () => this.shrink(world))
      await this.drain(dayStart + DAY)
      stats.backlog = await timed('backlog', () => this.backlog())
      this.stockoutDays += await timed('stockout', () => this.stockedOut())
      this.daily.push(stats)
      onDay(day + 1)
    }
    await this.at(this.start + this.params.days * DAY)
    return {
      from: new Date(this.start),
      to: new Date(this.start + this.params.days * DAY),
      oversoldUnits: this.oversoldUnits,
      oversoldOrders: this.oversoldOrders.size,
      lostSalesUnits: this.lostSalesUnits,
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
      await timed('clock', () => this.at(e.at))
      await e.run()
    }
  }

  /**
   * The customer shops from the channel's listing: what the hub tells the channel it may sell (`availableToSell`, the
   * same rules as allocation, and under the naive policy the same query over its switched-off rules). A line is bought
   * up to what is listed; what is not listed is a lost sale, and a cart left empty places no order.
   */
  async shopFromListing(channelCode: string, t: TemplateOrder): Promise<TemplateOrder['lines']> {
    const listing = await timed('availableToSell', () =>
      availableToSell(this.db.prisma, { skus: [...new Set(t.lines.map((l) => l.sku))], channelCode }, CHANNEL, new Date(this.clock.time)),
    )
    const left = new Map(listing.map((x) => [x.sku, x.availableToSell]))
    const lines: TemplateOrder['lines'] = []
    for (const l of t.lines) {
      const listed = left.get(l.sku) ?? 0
      const quantity = Math.min(l.quantity, listed)
      this.lostSalesUnits += l.quantity - quantity
      if (quantity === 0) continue
      left.set(l.sku, listed - quantity)
      lines.push({ ...l, quantity })
    }
    return lines
  }

  async placeOrder(channelCode: string, t: TemplateOrder, at: number, payment: { fails: boolean; after: number } | null, stats: DayStats) {
    stats.customers++
    const lines = await this.shopFromListing(channelCode, t)
    if (!lines.length) return
    const externalId = `SIM-${++this.#externalSeq}`
    stats.orders++
    const { order } = await timed('placeOrder', () =>
      this.intake.place(
        {
          channelCode,
          externalId,
          serviceLevel: t.serviceLevel,
          customer: t.customer,
          shipTo: { ...t.shipTo },
          payment: { status: payment ? 'PENDING' : 'AUTHORIZED' },
          lines,
        },
        CHANNEL,
      ),
    )
    if (order.status === 'ON_HOLD' && order.holds.includes('ADDRESS')) this.scheduleAddressFix(order.id, externalId, t.shipTo, at)
    if (payment) {
      this.schedule(at + payment.after, async () => {
        await this.tx('updateOrderPayment', (tx) =>
          updateOrderPayment(tx, { orderId: order.id, status: payment.fails ? 'FAILED' : 'CAPTURED', idempotencyKey: `pay-${externalId}` }, PAYMENTS),
        )
      })
    }
  }

  /**
   * Customer service works an ADDRESS hold (under both policies: the check is intake's): it reaches the customer and
   * corrects the ship-to (`updateOrderShipTo` clears the hold and routes the order), or cancels it when the customer
   * never confirms. The correction is the one the seed's history makes: a postal code of the country's shape, a street line.
   */
  scheduleAddressFix(orderId: number, externalId: string, shipTo: TemplateOrder['shipTo'], placedAt: number): void {
    const service = this.rng.fork(`address:${externalId}`)
    const [from, to] = RATES.addressAnswerHours
    const at = placedAt + Math.round(service.uniform(from, to) * HOUR)
    const confirms = !service.chance(RATES.addressNeverConfirmed)
    const corrected = { ...shipTo, ...correctedAddress(service, shipTo) }
    this.schedule(at, async () => {
      const command = confirms
        ? this.tx('updateOrderShipTo', (tx) => updateOrderShipTo(tx, { orderId, shipTo: corrected, reason: 'Address corrected with the customer' }, SERVICE, new Date(this.clock.time)))
        : this.tx('cancelOrder', (tx) => cancelOrder(tx, { orderId, reason: 'Customer did not confirm the address' }, SERVICE))
      // The customer may have given up first, or the order may have moved on: nothing left to correct.
      await command.catch((err) => {
        if (!(err instanceof DomainError)) throw err
      })
    })
  }

  /** What happens every hour: the hub's automation, the floor's work, the carrier's collection, backorders served. */
  async hourly(t: number): Promise<void> {
    await this.serveBackorders()
    for (const node of this.nodes) {
      const local = localParts(new Date(t), node.timezone)
      const minutes = local.minutes
      const business = isBusinessDay(local.date, this.holidays)
      await this.automation(node)
      const working = business && minutes >= node.startMinutes && minutes < node.pickupMinutes
      if (working) {
        // Whole parcels an hour from a fractional rate: the fraction carries to the next hour; idle time is lost.
        const credit = (this.#floorCredit.get(node.id) ?? 0) + node.perHour
        const parcels = Math.floor(credit)
        this.#floorCredit.set(node.id, credit - parcels)
        if (parcels > 0) await timed('floor', () => this.floor(node, parcels))
      }
      // The hour's floor work is done at its end (t + 59 min), then the carrier collects in the hour the pick-up ends.
      if (business && minutes < node.pickupMinutes && minutes + 60 >= node.pickupMinutes) await this.collect(node, t)
    }
  }

  async automation(node: NodeInfo): Promise<void> {
    await timed('pullQueuedWork', () => pullQueuedWork(this.db.prisma, { locationId: node.id }, new Date(this.clock.time)))
    await this.tx('autoRelease', (tx) => autoReleaseNode(tx, { locationId: node.id }))
    const waiting = await this.db.prisma.fulfillmentOrder.count({ where: { locationId: node.id, status: 'RELEASED', pickWaveId: null } })
    if (waiting > 0) await this.tx('autoWave', (tx) => autoWaveNode(tx, { locationId: node.id }))
  }

  /** The backorder worker's work (woken by stock arrivals in the API): serve backordered lines of SKUs with stock. */
  async serveBackorders(): Promise<void> {
    const skuIds = await timed('backorderScan', () => backorderedSkusWithStock(this.db.prisma))
    for (let i = 0; i < skuIds.length; i += BACKORDER_SKUS_PER_RUN) {
      const batch = skuIds.slice(i, i + BACKORDER_SKUS_PER_RUN)
      await this.tx('allocateBackorders', (tx) => allocateBackorders(tx, { skuIds: batch, trigger: 'simulated backorder worker' }, AUTOMATION))
    }
  }

  /** Pickers and packers work the node's waves in the order they were created, `capacity` parcels this hour. */
  async floor(node: NodeInfo, capacity: number): Promise<void> {
    const fos = await this.db.prisma.fulfillmentOrder.findMany({
      where: { locationId: node.id, status: 'PICKING' },
      orderBy: [{ pickWaveId: 'asc' }, { id: 'asc' }],
      take: capacity,
      select: { id: true, orderId: true },
    })
    const tasks = await this.db.prisma.pickTask.findMany({
      where: { fulfillmentOrderId: { in: fos.map((f) => f.id) }, status: 'OPEN' },
      orderBy: [{ fulfillmentOrderId: 'asc' }, { sequence: 'asc' }, { id: 'asc' }],
      select: { id: true, fulfillmentOrderId: true, skuId: true, quantity: true, sku: { select: { code: true } } },
    })
    const picker = this.rng.fork(`floor:${node.code}:${this.clock.time}`)
    for (const fo of fos) {
      const scanned = new Map<string, number>()
      for (const task of tasks.filter((x) => x.fulfillmentOrderId === fo.id)) {
        const key = `${task.skuId}:${node.id}`
        const onShelf = this.physical.get(key) ?? 0
        let found = Math.min(task.quantity, onShelf)
        // Units promised that were not physically at the node (a misplaced unit is there, only not found).
        const notThere = task.quantity - found
        // A unit the picker cannot find although it is in the building (misplaced): it stays on the shelves.
        const misplaced = node.code === 'MAIN' && found > 0 && picker.chance(RATES.shortPickRate) ? 1 : 0
        found -= misplaced
        this.physical.set(key, onShelf - found)
        if (found < task.quantity && node.code !== 'MAIN') this.tplPhantom.delete(key)
        const result = await this.tx('confirmPick', (tx) => confirmPick(tx, { taskId: task.id, pickedQuantity: found }, FLOOR))
        this.oversold(fo.orderId, Math.min(result.short?.backordered ?? 0, notThere))
        if (found > 0) scanned.set(task.sku.code, (scanned.get(task.sku.code) ?? 0) + found)
      }
      // Tasks re-allocated to other bins of this node by a short pick are picked in the same pass.
      const extra = await this.db.prisma.pickTask.findMany({
        where: { fulfillmentOrderId: fo.id, status: 'OPEN' },
        orderBy: [{ sequence: 'asc' }, { id: 'asc' }],
        select: { id: true, skuId: true, quantity: true, sku: { select: { code: true } } },
      })
      for (const task of extra) {
        const key = `${task.skuId}:${node.id}`
        const onShelf = this.physical.get(key) ?? 0
        const found = Math.min(task.quantity, onShelf)
        this.physical.set(key, onShelf - found)
        const result = await this.tx('confirmPick', (tx) => confirmPick(tx, { taskId: task.id, pickedQuantity: found }, FLOOR))
        this.oversold(fo.orderId, Math.min(result.short?.backordered ?? 0, task.quantity - found))
        if (found > 0) scanned.set(task.sku.code, (scanned.get(task.sku.code) ?? 0) + found)
      }
      const current = await this.db.prisma.fulfillmentOrder.findUniqueOrThrow({ where: { id: fo.id }, select: { status: true } })
      if (current.status !== 'PICKING' || scanned.size === 0) continue
      const items = [...scanned].map(([sku, quantity]) => ({ sku, quantity }))
      await this.tx('verifyPack', (tx) => verifyPack(tx, { fulfillmentOrderId: fo.id, scannedItems: items }, FLOOR))
    }
  }

  /**
   * Oversold: units a customer was promised that were not physically at the node when the picker went for them and
   * that the hub could re-source nowhere (confirmPick backordered them). A misplaced unit is in the building: a pick
   * error, not an oversell.
   */
  oversold(orderId: number, units: number): void {
    if (units <= 0) return
    this.oversoldUnits += units
    this.oversoldOrders.add(orderId)
  }

  /** The carrier collects every packed parcel at the node's pick-up; deliveries follow the service's transit. */
  async collect(node: NodeInfo, t: number): Promise<void> {
    const packed = await this.db.prisma.fulfillmentOrder.findMany({
      where: { locationId: node.id, status: 'PACKED' },
      orderBy: { id: 'asc' },
      select: { id: true, orderId: true, order: { select: { serviceLevel: true } } },
    })
    const carrier = this.rng.fork(`carrier:${node.code}:${t}`)
    for (const fo of packed) {
      const [svc, transit] =
        fo.order.serviceLevel === 'SAME_DAY' ? ['NEXT_DAY', 1] : fo.order.serviceLevel === 'EXPRESS' ? ['2DAY', 2] : ['GROUND', 3 + carrier.int(0, 2)]
      const trackingNumber = `SIM${node.code.slice(0, 1)}${fo.id}`
      await this.tx('confirmShipment', (tx) => confirmShipment(tx, { fulfillmentOrderId: fo.id, carrier: 'UPS', service: svc, trackingNumber, weightGrams: 900 }, FLOOR))
      const deliveredAt = t + transit * DAY + carrier.int(0, 8) * HOUR
      const returns = carrier.chance(RATES.returnRate)
      const returnAfter = carrier.int(7, 12) * DAY
      const damaged = carrier.chance(RATES.returnDamaged)
      this.schedule(deliveredAt, async () => {
        await this.tx('carrierEvent', (tx) =>
          recordCarrierEvent(tx, { trackingNumber, status: 'DELIVERED', occurredAt: new Date(deliveredAt), location: 'Front door', externalEventId: `${trackingNumber}-D` }, CARRIER, 'simulator'),
        )
        if (returns) this.schedule(deliveredAt + returnAfter, () => this.customerReturn(fo.orderId, damaged))
      })
    }
  }

  /** A customer sends one line back; MAIN receives it three days later and restocks it unless it came back damaged. */
  async customerReturn(orderId: number, damaged: boolean): Promise<void> {
    const order = await this.db.prisma.order.findUnique({ where: { id: orderId }, select: { status: true, lines: { where: { shippedQuantity: { gt: 0 }, isBundle: false }, orderBy: { id: 'asc' }, take: 1, select: { shippedQuantity: true, sku: { select: { code: true, id: true } } } } } })
    if (!order || order.status !== 'DELIVERED' || order.lines.length === 0) return
    const line = order.lines[0]
    const rma = await this.tx('requestReturn', (tx) => requestReturn(tx, { orderId, lines: [{ sku: line.sku.code, quantity: 1, reason: damaged ? 'Arrived damaged' : 'Changed my mind' }] }, SERVICE))
    const returnId = (rma as { return?: { id: number }; id?: number }).return?.id ?? (rma as { id: number }).id
    this.schedule(this.clock.time + 3 * DAY, async () => {
      const main = this.node('MAIN')
      await this.tx('receiveReturn', (tx) => receiveReturn(tx, { returnId, locationCode: main.code }, DOCK))
      const lines = await this.db.prisma.returnLine.findMany({ where: { returnId }, select: { id: true } })
      for (const l of lines) {
        await this.tx('inspectReturn', (tx) => inspectReturnLine(tx, { returnLineId: l.id, disposition: damaged ? 'DAMAGED' : 'RESTOCK' }, DOCK))
        if (!damaged) {
          const key = `${line.sku.id}:${main.id}`
          this.physical.set(key, (this.physical.get(key) ?? 0) + 1)
        }
      }
    })
  }

  // ----- the overflow 3PL and its files -----

  /** What the 3PL's own system believes it holds, on top of what is physically there (units it lost unrecorded). */
  tplPhantom = new Map<string, number>()

  #lastSnapshot: number | null = null

  async tplSnapshot(world: Rng, taken: number, arrives: number): Promise<void> {
    const tpl = this.nodes.find((n) => n.code !== 'MAIN')
    if (!tpl) return
    // Between two files some units go missing at the 3PL without its system knowing: its files overstate them until
    // its own counts find the error. Rates per day, so the feed interval changes how often the hub hears, not the
    // 3PL's accuracy: found at rate 1/tplErrorDays, arising at the rate that holds the overstated share at
    // 1 - tplRecordAccuracy (a two-state chain's steady state).
    // The first file starts in that steady state.
    const found = 1 / RATES.tplErrorDays
    const arises = (found * (1 - RATES.tplRecordAccuracy)) / RATES.tplRecordAccuracy
    const days = this.#lastSnapshot === null ? null : (taken - this.#lastSnapshot) / DAY
    this.#lastSnapshot = taken
    const pFound = days === null ? 0 : 1 - Math.exp(-found * days)
    const pArises = days === null ? 1 - RATES.tplRecordAccuracy : 1 - Math.exp(-arises * days)
    const positions = await this.db.prisma.stockPosition.findMany({ where: { locationId: tpl.id }, orderBy: { skuId: 'asc' }, select: { skuId: true, skuCode: true } })
    for (const p of positions) {
      const key = `${p.skuId}:${tpl.id}`
      const onShelf = this.physical.get(key) ?? 0
      if (this.tplPhantom.has(key)) {
        if (world.chance(pFound)) this.tplPhantom.delete(key)
      } else if (onShelf > 0 && world.chance(pArises)) {
        const lost = Math.min(onShelf, world.int(1, 2))
        this.physical.set(key, onShelf - lost)
        this.tplPhantom.set(key, lost)
      }
    }
    const csv = ['sku,quantity', ...positions.map((p) => {
      const key = `${p.skuId}:${tpl.id}`
      return `${p.skuCode},${(this.physical.get(key) ?? 0) + (this.tplPhantom.get(key) ?? 0)}`
    })].join('\n')
    this.schedule(arrives, async () => {
      // The hub diffs the file against its book as of the snapshot; the naive policy takes it as current.
      const asOf = this.policy === 'hub' ? new Date(taken) : new Date(arrives)
      const report = await timed('importFeed', () =>
        importInventoryFeed(this.db, { locationCode: tpl.code, asOf, fileName: `3pl-${new Date(taken).toISOString()}.csv`, csv: `${csv}\n`, idempotencyKey: `feed-${taken}` }, FEEDS, { now: new Date(arrives) }),
      )
      await timed('feedFreshness', () => applyFeedFreshness(this.db, { feedId: report.feed.id, now: () => new Date(this.clock.time) }))
    })
  }

  // ----- counts, shrink, procurement, customers -----

  /** MAIN's counters: today's scheduled counts (scheduleCycleCounts picks them), each counted against the shelves. */
  async counts(world: Rng): Promise<void> {
    const main = this.node('MAIN')
    const local = localParts(new Date(this.clock.time), main.timezone)
    if (!isBusinessDay(local.date, this.holidays)) return
    await this.tx('scheduleCycleCounts', (tx) => scheduleCycleCounts(tx, { locationCode: main.code }, COUNTER))
    const due = await this.db.prisma.cycleCount.findMany({
      where: { locationId: main.id, status: 'SCHEDULED', dueAt: { lte: new Date(this.clock.time + DAY) } },
      orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
      take: 60,
      select: { id: true, skuId: true },
    })
    void world
    for (const c of due) {
      const counted = this.physical.get(`${c.skuId}:${main.id}`) ?? 0
      await this.tx('recordCount', (tx) => recordCount(tx, { cycleCountId: c.id, countedQuantity: counted }, COUNTER)).catch((err) => {
        if (!(err instanceof DomainError)) throw err
      })
    }
  }

  /**
   * Inventory control works the hub's queue of 3PL deltas held for review each business morning, accepting the 3PL's
   * count (it holds the goods). The naive policy holds none (its tolerance is unbounded): the queue is the hub's own.
   */
  async reviewFeedDiscrepancies(): Promise<void> {
    const main = this.node('MAIN')
    if (!isBusinessDay(localParts(new Date(this.clock.time), main.timezone).date, this.holidays)) return
    const held = await this.db.prisma.feedDiscrepancy.findMany({ where: { status: 'PENDING' }, orderBy: { id: 'asc' }, select: { id: true } })
    for (const d of held) {
      // A count below what is reserved there takes the missing units back from work not yet picked (re-sourced by the
      // backorder worker); one the book cannot take (the rest is being picked) stays held: the next file supersedes it,
      // or the short pick corrects the position.
      await this.tx('approveFeedDelta', (tx) => approveFeedDiscrepancy(tx, { id: d.id, note: 'Accepted the 3PL count' }, INVENTORY_CONTROL, new Date(this.clock.time))).catch((err) => {
        if (!(err instanceof DomainError)) throw err
      })
    }
  }

  /**
   * Operations works the orders held on uncertain stock each business morning, as the LOW_CONFIDENCE_STOCK exception
   * asks ("count the position, then release the hold"): the shelf is checked against the book (units picked but not
   * yet shipped are off the shelf and still on the book). A shelf that holds what the book says releases the hold; one
   * that does not stays held - at the 3PL the check makes it recount, so its next file tells the truth; at MAIN the
   * scheduled counts, which rank uncertain positions first, correct the book.
   */
  async reviewLowConfidenceHolds(): Promise<void> {
    const main = this.node('MAIN')
    if (!isBusinessDay(localParts(new Date(this.clock.time), main.timezone).date, this.holidays)) return
    const prisma = this.db.prisma
    // Plain SQL: Prisma's `has` on an enum array is sent as a text literal that PostgreSQL refuses.
    const held = (await this.db.sql.query(`SELECT id FROM orders WHERE status = 'ON_HOLD' AND 'LOW_CONFIDENCE_STOCK' = ANY(holds) ORDER BY id`)).map((r) => ({ id: Number(r.id) }))
    for (const order of held) {
      const exceptions = await prisma.exception.findMany({
        where: { orderId: order.id, type: 'LOW_CONFIDENCE_STOCK', status: { not: 'RESOLVED' }, stockPositionId: { not: null } },
        orderBy: { id: 'asc' },
        select: { stockPosition: { select: { skuId: true, locationId: true, onHand: true } } },
      })
      let holds = true
      for (const { stockPosition: p } of exceptions) {
        if (!p) continue
        const key = `${p.skuId}:${p.locationId}`
        const picked = await prisma.pickTask.aggregate({
          where: { skuId: p.skuId, status: 'PICKED', fulfillmentOrder: { locationId: p.locationId, status: { in: ['PICKING', 'PACKED'] } } },
          _sum: { pickedQuantity: true },
        })
        if ((this.physical.get(key) ?? 0) + (picked._sum.pickedQuantity ?? 0) >= p.onHand) continue
        holds = false
        if (p.locationId !== main.id) this.tplPhantom.delete(key)
      }
      if (!holds) continue
      await this.tx('releaseHold', (tx) => releaseHold(tx, { orderId: order.id, reason: 'Shelf checked: the count holds', holds: ['LOW_CONFIDENCE_STOCK'] }, FLOOR, new Date(this.clock.time))).catch((err) => {
        if (!(err instanceof DomainError)) throw err
      })
    }
  }

  /** Units lost at MAIN without anyone booking it (damage, theft): only counts and picks find them. */
  async shrink(world: Rng): Promise<void> {
    const main = this.node('MAIN')
    for (const [key, units] of [...this.physical.entries()].sort()) {
      if (!key.endsWith(`:${main.id}`) || units <= 0) continue
      if (world.chance(RATES.mainShrinkPerDay)) this.physical.set(key, units - 1)
    }
  }

  /**
   * The buyer: the hub's replenishment plan every business day (the naive policy: Mondays only), every suggestion
   * approved into purchase orders, submitted, approved by finance and sent; the supplier delivers after its lead time.
   */
  async procurement(day: number): Promise<void> {
    const weekday = new Date(this.start + day * DAY).getUTCDay()
    if (weekday === 0 || weekday === 6) return
    if (this.policy === 'naive' && weekday !== 1) return
    await this.tx('replenishment', (tx) => generateReplenishmentSuggestions(tx, {}, BUYER))
    const open = await this.db.prisma.reorderSuggestion.findMany({ where: { status: 'OPEN' }, orderBy: { id: 'asc' }, select: { id: true } })
    for (let i = 0; i < open.length; i += 100) {
      const ids = open.slice(i, i + 100).map((x) => x.id)
      await this.tx('approveSuggestions', (tx) => approveReplenishmentSuggestions(tx, { suggestionIds: ids }, BUYER))
    }
    const drafts = await this.db.prisma.purchaseOrder.findMany({ where: { status: 'DRAFT' }, orderBy: { id: 'asc' }, select: { id: true } })
    for (const po of drafts) {
      await this.tx('submitPO', (tx) => submitPurchaseOrder(tx, { purchaseOrderId: po.id }, BUYER))
      const { status } = await this.db.prisma.purchaseOrder.findUniqueOrThrow({ where: { id: po.id }, select: { status: true } })
      if (status === 'PENDING_APPROVAL') await this.tx('approvePO', (tx) => approvePurchaseOrder(tx, { purchaseOrderId: po.id }, FINANCE))
      await this.tx('sendPO', (tx) => sendPurchaseOrder(tx, { purchaseOrderId: po.id }, BUYER))
      await this.scheduleDelivery(po.id, this.clock.time)
    }
  }

  lateSupplierId: number | null = null

  /** Purchase orders already on their way at the start: delivered around their expected date. */
  async scheduleOpenPurchaseOrders(): Promise<void> {
    const suppliers = await this.db.prisma.supplier.findMany({ orderBy: { id: 'asc' }, select: { id: true, _count: { select: { purchaseOrders: true } } } })
    // The late supplier: the one with the most purchase orders in the history (the delay hurts most there).
    this.lateSupplierId = [...suppliers].sort((a, b) => b._count.purchaseOrders - a._count.purchaseOrders || a.id - b.id)[0]?.id ?? null
    const open = await this.db.prisma.purchaseOrder.findMany({ where: { status: { in: ['SENT', 'PARTIALLY_RECEIVED'] } }, orderBy: { id: 'asc' }, select: { id: true, orderedAt: true } })
    for (const po of open) await this.scheduleDelivery(po.id, po.orderedAt?.getTime() ?? this.start)
  }

  async scheduleDelivery(purchaseOrderId: number, sentAt: number): Promise<void> {
    const po = await this.db.prisma.purchaseOrder.findUniqueOrThrow({
      where: { id: purchaseOrderId },
      select: { supplierId: true, locationId: true, lines: { select: { skuId: true } } },
    })
    const terms = await this.db.prisma.supplierSku.findFirst({ where: { supplierId: po.supplierId, skuId: po.lines[0]?.skuId ?? 0 }, select: { leadTimeMeanDays: true, leadTimeStdDevDays: true } })
    const supplier = this.rng.fork(`supplier:${purchaseOrderId}`)
    const mean = terms?.leadTimeMeanDays ?? 10
    const sd = terms?.leadTimeStdDevDays ?? 2
    let days = Math.max(1, supplier.normal(mean, sd))
    if (po.supplierId === this.lateSupplierId) days += this.params.supplierDelayDays
    // Trucks arrive during MAIN's day (15:00-21:00 UTC), never before the simulation's next hour.
    const dayStart = Math.floor((sentAt + days * DAY) / DAY) * DAY
    const at = Math.max(this.clock.time + HOUR, dayStart + (15 + supplier.int(0, 6)) * HOUR)
    this.schedule(at, () => this.receive(purchaseOrderId))
  }

  async receive(purchaseOrderId: number): Promise<void> {
    const po = await this.db.prisma.purchaseOrder.findUniqueOrThrow({
      where: { id: purchaseOrderId },
      select: { status: true, locationId: true, lines: { orderBy: { id: 'asc' }, select: { skuId: true, quantity: true, receivedQuantity: true, sku: { select: { code: true } } } } },
    })
    if (po.status !== 'SENT' && po.status !== 'PARTIALLY_RECEIVED') return
    const lines = po.lines.filter((l) => l.quantity > l.receivedQuantity).map((l) => ({ sku: l.sku.code, quantity: l.quantity - l.receivedQuantity }))
    if (!lines.length) return
    await this.tx('receivePO', (tx) => receivePurchaseOrder(tx, { purchaseOrderId, lines, idempotencyKey: `receipt-${purchaseOrderId}` }, DOCK))
    for (const l of po.lines) {
      const key = `${l.skuId}:${po.locationId}`
      this.physical.set(key, (this.physical.get(key) ?? 0) + Math.max(0, l.quantity - l.receivedQuantity))
    }
  }

  /**
   * Customers give up on a late order once it is older than their channel's patience: backordered, or past the ship-by
   * the hub promised and still not shipped. The customer sees only that it is late, not whether it waits on stock, on
   * a hold or in a warehouse's queue (marketplaces cancel unshipped late orders the same way); an order still within
   * its promise is left alone, however old. Work already picked for it goes back to the shelf, as `cancelOrder` puts
   * it back in its bin.
   */
  async customersGiveUp(): Promise<void> {
    const waiting = await this.db.prisma.order.findMany({
      where: { status: { in: WAITING_TO_SHIP } },
      orderBy: { id: 'asc' },
      select: { id: true, status: true, placedAt: true, shipBy: true, channel: { select: { code: true } } },
    })
    for (const o of waiting) {
      const patience = RATES.patienceDays[o.channel.code] ?? 5
      if (this.clock.time - o.placedAt.getTime() < patience * DAY) continue
      if (o.shipBy && o.shipBy.getTime() > this.clock.time && o.status !== 'BACKORDERED') continue
      const reason = o.status === 'BACKORDERED' ? `backordered for more than ${patience} days` : `not shipped ${patience} days after it was placed, past its ship-by`
      const picked = await this.db.prisma.pickTask.findMany({
        where: { pickedQuantity: { gt: 0 }, fulfillmentOrder: { orderId: o.id, status: { in: ['PICKING', 'PACKED'] } } },
        select: { skuId: true, pickedQuantity: true, fulfillmentOrder: { select: { locationId: true } } },
      })
      const cancelled = await this.tx('cancelOrder', (tx) => cancelOrder(tx, { orderId: o.id, reason: `Customer cancelled: ${reason}` }, SERVICE)).then(
        () => true,
        (err) => {
          if (!(err instanceof DomainError)) throw err
          return false
        },
      )
      if (!cancelled) continue
      for (const t of picked) {
        const key = `${t.skuId}:${t.fulfillmentOrder.locationId}`
        this.physical.set(key, (this.physical.get(key) ?? 0) + t.pickedQuantity)
      }
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
      `SELECT count(*)::int AS n FROM orders WHERE placed_at >= $1 AND ${STILL_OPEN}`,
      [new Date(this.start).toISOString()],
    )
    return Number(rows[0].n)
  }
}

/** Orders a customer may still cancel: the order machine's statuses from which an order can be cancelled (not shipped). */
const WAITING_TO_SHIP = orderMachine.states.filter((s) => orderMachine.can(s, 'CANCELLED'))

/** An order still waiting to leave (not shipped in full, cancelled, delivered or returned): the backlog, and late work left at the end. */
export const STILL_OPEN = `status NOT IN ('SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURN_REQUESTED', 'RETURNED')`

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
