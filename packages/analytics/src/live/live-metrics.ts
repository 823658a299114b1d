import { LatestValueIterator } from './latest-value-iterator.ts'
import type { PrismaClient } from '@ops-hub/db'
import { computeOrderAging, type OrderAgingSnapshot } from '../snapshots/order-aging.ts'
import { computeInventoryConfidence, type InventoryConfidenceSnapshot } from '../snapshots/inventory-confidence.ts'
import { computePickBacklog, type PickBacklogSnapshot } from '../snapshots/pick-backlog.ts'
import { computeExceptionSummary, type ExceptionSummarySnapshot } from '../snapshots/exception-summary.ts'
import { computeKpisToday } from '../snapshots/kpis-today.ts'
import type { KpiReport } from '../kpis/compute-kpis.ts'
import { computeReplenishmentRisk, type ReplenishmentRiskSnapshot } from '../snapshots/replenishment-risk.ts'
import { dirtFor, topicKey, type OutboxEventLike, type TopicSpec } from './topics.ts'

export type Snapshot = OrderAgingSnapshot | InventoryConfidenceSnapshot | PickBacklogSnapshot | ExceptionSummarySnapshot | KpiReport | ReplenishmentRiskSnapshot

/** Today's KPIs are seven aggregates: however busy the hub, each KPI topic is recomputed at most this often. */
export const KPI_MIN_INTERVAL_MS = 1000

export interface SnapshotOf {
  orderAging: OrderAgingSnapshot
  inventoryConfidence: InventoryConfidenceSnapshot
  pickBacklog: PickBacklogSnapshot
  exceptions: ExceptionSummarySnapshot
  kpis: KpiReport
  replenishmentRisk: ReplenishmentRiskSnapshot
}

/** The hub's pub/sub (in-memory, or Redis across instances); graphql-yoga's PubSub fits this shape. */
export interface HubPubSub {
  publish(topic: string, payload: unknown): void
  subscribe(topic: string): AsyncIterable<unknown>
}

/**
 * Who computes a snapshot when several instances watch the same topic. Without one, every instance would
 * publish its own copy and subscribers would see duplicates. In-memory: always this instance.
 */
export interface TopicLease {
  claim(topic: string): Promise<boolean>
  release(topic: string): Promise<void>
}

export const localLease: TopicLease = { claim: async () => true, release: async () => {} }

export interface LiveMetricsOptions {
  prisma: PrismaClient
  pubsub: HubPubSub
  /** Topic that carries committed outbox events. */
  outboxTopic: string
  lease?: TopicLease
  /**
   * Coalescing window: a snapshot is recomputed at most once per window. The first event after a quiet
   * spell is computed at once (leading edge); the rest of a burst waits for the window to end (trailing).
   */
  tickMs?: number
  /**
   * Age buckets and "overdue" shift with the clock, not only with events (an order crosses 4h by sitting
   * still), and confidence decays by a background job that writes no event: every watched snapshot is
   * also refreshed on this slow timer.
   */
  refreshMs?: number
  onError?: (err: unknown, what: string) => void
  /**
   * Prefix of this deployment's topics on a shared Redis (e.g. the database name), so hubs on other
   * databases never receive each other's snapshots.
   */
  namespace?: string
}

export class UnknownLocationError extends Error {
  constructor(readonly code: string) {
    super(`Unknown location "${code}"`)
  }
}

interface WatchedTopic {
  key: string
  spec: TopicSpec
  listeners: Set<(s: Snapshot) => void>
  cache?: Snapshot
  /** Ends the one pub/sub subscription this instance holds for the topic. */
  bridge?: AsyncIterator<unknown>
}

const asOfMs = (s: Snapshot) => Date.parse(s.asOf)

/**
 * Live metrics for one API instance. Outbox events mark the snapshots they can change as dirty; a
 * coalescing tick recomputes each dirty snapshot with one targeted aggregate and publishes it once on its
 * topic, where every subscriber of every instance receives the same payload. Only topics someone watches
 * are kept; a burst of events costs one recomputation per tick per topic.
 */
export class LiveMetrics {
  private readonly prisma: PrismaClient
  private readonly pubsub: HubPubSub
  private readonly lease: TopicLease
  private readonly watched = new Map<string, WatchedTopic>()
  /** topic key -> local time (ms) of the latest event seen that a snapshot must reflect. */
  private readonly dirty = new Map<string, number>()
  /** Orders whose nodes must be looked up to know which per-node snapshots they touch. */
  private readonly pendingOrders = new Map<number, number>()
  private readonly oneShot = new Map<string, { at: number; value: Promise<Snapshot> }>()
  private readonly locations = new Map<string, { id: number; code: string }>()
  private timers: NodeJS.Timeout[] = []
  private outbox?: AsyncIterator<unknown>
  private ticking = false
  private kicked = false
  /** topic key -> when it was last computed here (the coalescing window runs from it). */
  private readonly computedAt = new Map<string, number>()
  /**
   * topic key -> how long its last computation took. A snapshot is recomputed at most every max(window, 4 × that):
   * a costly one (replenishment risk plans every position of a large catalogue) then takes at most a fifth of a
   * connection however fast events arrive, while cheap ones keep the 250 ms window.
   */
  private readonly lastCost = new Map<string, number>()
  private stopped = false

  constructor(private readonly options: LiveMetricsOptions) {
    this.prisma = options.prisma
    this.pubsub = options.pubsub
    this.lease = options.lease ?? localLease
  }

  /** The pub/sub topic committed domain events arrive on (namespaced when Redis is shared). */
  get outboxTopic(): string {
    return this.options.outboxTopic
  }

  private get window() {
    return this.options.tickMs ?? 250
  }

  /** Leading edge: run a tick as soon as the current batch of events has been marked. */
  private kick() {
    if (this.kicked || this.stopped) return
    this.kicked = true
    setTimeout(() => {
      this.kicked = false
      void this.tick()
    }, 0)
  }

  private key(spec: TopicSpec) {
    return this.options.namespace ? `${this.options.namespace}:${topicKey(spec)}` : topicKey(spec)
  }

  start() {
    this.outbox = this.pubsub.subscribe(this.options.outboxTopic)[Symbol.asyncIterator]()
    void this.consume(this.outbox, (e) => this.onEvent(e as OutboxEventLike))
    // A fine-grained poll of the dirty set; the per-topic window (tickMs) is what limits recomputation.
    this.timers.push(setInterval(() => void this.tick(), Math.max(10, Math.floor(this.window / 5))))
    this.timers.push(setInterval(() => this.markAll(), this.options.refreshMs ?? 30_000))
    for (const t of this.timers) t.unref()
    return this
  }

  async stop() {
    this.stopped = true
    for (const t of this.timers) clearInterval(t)
    await this.outbox?.return?.()
    for (const topic of this.watched.values()) {
      await topic.bridge?.return?.()
      await this.lease.release(topic.key).catch(() => {})
    }
    this.watched.clear()
  }

  /** Resolves a node code to the scope of a per-node metric; null code = the whole network. */
  async locationScope(code: string | null | undefined): Promise<{ locationId: number | null; locationCode: string | null }> {
    if (!code) return { locationId: null, locationCode: null }
    let loc = this.locations.get(code)
    if (!loc) {
      const row = await this.prisma.location.findUnique({ where: { code }, select: { id: true, code: true } })
      if (!row) throw new UnknownLocationError(code)
      this.locations.set(code, (loc = row))
    }
    return { locationId: loc.id, locationCode: loc.code }
  }

  /** The current snapshot: the live cache when the topic is watched, else computed (shared for a second). */
  async current<S extends TopicSpec>(spec: S): Promise<SnapshotOf[S['metric']]> {
    const key = this.key(spec)
    const topic = this.watched.get(key)
    if (topic?.cache) return topic.cache as SnapshotOf[S['metric']]
    const hit = this.oneShot.get(key)
    if (hit && Date.now() - hit.at < 1000) return (await hit.value) as SnapshotOf[S['metric']]
    const value = this.compute(spec)
    this.oneShot.set(key, { at: Date.now(), value })
    value.catch(() => this.oneShot.delete(key))
    const snapshot = await value
    if (topic && (!topic.cache || asOfMs(topic.cache) < asOfMs(snapshot))) topic.cache = snapshot
    return snapshot as SnapshotOf[S['metric']]
  }

  /** Snapshots of one topic: the current one first, then each fresh one (a slow reader only gets the newest). */
  watch<S extends TopicSpec>(spec: S): AsyncIterableIterator<SnapshotOf[S['metric']]> {
    const topic = this.attach(spec)
    let sent = false
    const listener = (s: Snapshot) => {
      sent = true
      iterator.push(s as SnapshotOf[S['metric']])
    }
    const iterator = new LatestValueIterator<SnapshotOf[S['metric']]>(() => {
      topic.listeners.delete(listener)
      if (topic.listeners.size === 0) void this.detach(topic)
    })
    topic.listeners.add(listener)
    this.current(spec).then(
      (first) => {
        if (!sent) iterator.push(first as SnapshotOf[S['metric']])
      },
      (err) => iterator.fail(err),
    )
    return iterator
  }

  /** Number of topics this instance watches and listeners on them (for diagnostics and benches). */
  stats() {
    let listeners = 0
    for (const t of this.watched.values()) listeners += t.listeners.size
    return { topics: this.watched.size, listeners, dirty: this.dirty.size }
  }

  private attach(spec: TopicSpec): WatchedTopic {
    const key = this.key(spec)
    let topic = this.watched.get(key)
    if (topic) return topic
    topic = { key, spec, listeners: new Set() }
    this.watched.set(key, topic)
    const t = topic
    t.bridge = this.pubsub.subscribe(key)[Symbol.asyncIterator]()
    void this.consume(t.bridge, (s) => this.onSnapshot(t, s as Snapshot))
    return topic
  }

  private async detach(topic: WatchedTopic) {
    if (this.watched.get(topic.key) !== topic) return
    this.watched.delete(topic.key)
    this.dirty.delete(topic.key)
    this.computedAt.delete(topic.key)
    this.lastCost.delete(topic.key)
    await topic.bridge?.return?.()
    await this.lease.release(topic.key).catch((err) => this.options.onError?.(err, 'lease release'))
  }

  private async consume(it: AsyncIterator<unknown>, onValue: (v: unknown) => void) {
    try {
      for (;;) {
        const next = await it.next()
        if (next.done) return
        try {
          onValue(next.value)
        } catch (err) {
          this.options.onError?.(err, 'live metrics listener')
        }
      }
    } catch (err) {
      if (!this.stopped) this.options.onError?.(err, 'live metrics subscription')
    }
  }

  private onSnapshot(topic: WatchedTopic, snapshot: Snapshot) {
    if (topic.cache && asOfMs(snapshot) < asOfMs(topic.cache)) return
    topic.cache = snapshot
    // Computed after the event was seen here: that event is reflected, whichever instance computed it.
    const mark = this.dirty.get(topic.key)
    if (mark !== undefined && mark < asOfMs(snapshot)) this.dirty.delete(topic.key)
    for (const listener of topic.listeners) listener(snapshot)
  }

  private markDirty(key: string, at: number) {
    if (!this.watched.has(key)) return
    this.dirty.set(key, Math.max(at, this.dirty.get(key) ?? 0))
    this.kick()
  }

  private markAll() {
    const now = Date.now()
    for (const key of this.watched.keys()) this.markDirty(key, now)
  }

  private onEvent(event: OutboxEventLike) {
    const now = Date.now()
    for (const dirt of dirtFor(event)) {
      if (dirt.metric === 'kpis') {
        for (const topic of this.watched.values()) if (topic.spec.metric === 'kpis') this.markDirty(topic.key, now)
        continue
      }
      if (dirt.metric === 'exceptions') {
        this.markDirty(this.key({ metric: 'exceptions', ownerRole: null }), now)
        for (const owner of dirt.owners ?? []) this.markDirty(this.key({ metric: 'exceptions', ownerRole: owner }), now)
      } else {
        this.markDirty(this.key({ metric: dirt.metric, locationId: null, locationCode: null }), now)
        for (const id of dirt.locations ?? []) this.markDirty(this.key({ metric: dirt.metric, locationId: id, locationCode: null }), now)
        for (const id of dirt.orderIds ?? []) if (!this.pendingOrders.has(id)) this.pendingOrders.set(id, now)
      }
      if (dirt.everyScope) {
        for (const topic of this.watched.values()) if (topic.spec.metric === dirt.metric) this.markDirty(topic.key, now)
      }
    }
  }

  /** Orders -> the nodes working them, in one query for the whole tick, and only if a per-node topic is watched. */
  private async resolvePendingOrders() {
    if (this.pendingOrders.size === 0) return
    const orders = new Map(this.pendingOrders)
    this.pendingOrders.clear()
    const perNode = [...this.watched.values()].some((t) => t.spec.metric !== 'exceptions' && t.spec.locationId !== null)
    if (!perNode) return
    const rows = await this.prisma.fulfillmentOrder.findMany({
      where: { orderId: { in: [...orders.keys()] } },
      select: { orderId: true, locationId: true },
    })
    for (const r of rows) {
      const at = orders.get(r.orderId)!
      this.markDirty(this.key({ metric: 'orderAging', locationId: r.locationId, locationCode: null }), at)
      this.markDirty(this.key({ metric: 'pickBacklog', locationId: r.locationId, locationCode: null }), at)
    }
  }

  private async tick() {
    if (this.ticking || this.stopped) return
    this.ticking = true
    try {
      await this.resolvePendingOrders()
      const now = Date.now()
      for (const key of [...this.dirty.keys()]) {
        const topic = this.watched.get(key)
        if (!topic) {
          this.dirty.delete(key)
          continue
        }
        // At most once a window (longer for the KPIs), and never more often than four times what the last computation
        // cost, so a costly snapshot cannot hold a connection most of the time.
        const window = topic.spec.metric === 'kpis' ? Math.max(this.window, KPI_MIN_INTERVAL_MS) : this.window
        if (now - (this.computedAt.get(key) ?? 0) < Math.max(window, 4 * (this.lastCost.get(key) ?? 0))) continue
        // Another instance holds the topic: it computes and publishes; our dirt clears when that arrives.
        const claimed = await this.lease.claim(key)
        this.computedAt.set(key, Date.now())
        if (!claimed) continue
        const started = Date.now()
        const snapshot = await this.compute(topic.spec)
        this.lastCost.set(key, Date.now() - started)
        // Events seen while it ran stay dirty for the next tick.
        if ((this.dirty.get(key) ?? Infinity) < asOfMs(snapshot)) this.dirty.delete(key)
        this.pubsub.publish(key, snapshot)
      }
    } catch (err) {
      this.options.onError?.(err, 'live metrics tick')
    } finally {
      this.ticking = false
    }
  }

  private compute(spec: TopicSpec): Promise<Snapshot> {
    const now = new Date()
    switch (spec.metric) {
      case 'orderAging':
        return computeOrderAging(this.prisma, spec, now)
      case 'inventoryConfidence':
        return computeInventoryConfidence(this.prisma, spec, now)
      case 'pickBacklog':
        return computePickBacklog(this.prisma, spec, now)
      case 'exceptions':
        return computeExceptionSummary(this.prisma, spec, now)
      case 'kpis':
        return computeKpisToday(this.prisma, spec, now)
      case 'replenishmentRisk':
        return computeReplenishmentRisk(this.prisma, spec, now)
    }
  }
}
