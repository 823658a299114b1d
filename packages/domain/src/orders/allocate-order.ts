import { Prisma, type ServiceLevel, type Tx } from '@ops-hub/db'
import type { Actor } from '../shared/actor.ts'
import { DomainError } from '../shared/errors.ts'
import type { OutboxMessage } from '../shared/outbox.ts'
import { writeTogether } from '../shared/write-together.ts'
import { SETTING_DEFAULTS } from '../settings/settings.ts'
import { moveStock } from '../inventory/ledger.ts'
import { openException } from '../exceptions/commands/open-exception.ts'
import { openStockShortage } from './stock-shortage.ts'
import { channelLimit, poolOwners, type AllocationRuleRow } from '../channels/allocation-rules.ts'
import { channelCountersUpdateSql, lockChannelCounters } from '../channels/channel-reservations.ts'
import { addDays, localParts, type IsoDate } from './business-calendar.ts'
import { planRouting, type RoutingAssignment, type RoutingDecision, type RoutingLine } from './routing.ts'
import { routingNodes, settleAllocation } from './allocation-plan.ts'
import type { TimelineEntry } from './order-timeline.ts'

/**
 * Share of a low-confidence position's available units kept back as a buffer: with confidence below
 * `inventory.confidenceThreshold` only 80% of what the books say is promised (rounded down).
 */
export const LOW_CONFIDENCE_BUFFER = 0.2

/** What a position may promise of its available units: all of them, or with low confidence all but the buffer. */
export function promisableUnits(available: number, lowConfidence: boolean): number {
  return lowConfidence ? available - Math.ceil(available * LOW_CONFIDENCE_BUFFER) : available
}

/** A position's sellable units, the base of a channel's percentage cap: on hand minus safety stock, damaged and QC. */
export function sellableUnits(p: Pick<PositionRow, 'on_hand' | 'safety_stock' | 'damaged' | 'quality_control'>): number {
  return Math.max(0, p.on_hand - p.safety_stock - p.damaged - p.quality_control)
}

export interface AllocatableOrder {
  id: number
  number: string
  channelId: number
  serviceLevel: ServiceLevel
  placedAt: Date
  shipBy: Date | null
  shipToCountry: string
  shipToRegion: string | null
  shipToPostalCode: string
}

export interface AllocatableLine {
  id: number
  lineNumber: number
  skuId: number
  quantity: number
  allocatedQuantity: number
  cancelledQuantity: number
  shippedQuantity: number
  /** A line selling a bundle (see bundle-lines.ts): nothing to allocate on it. */
  isBundle?: boolean
}

export interface AllocationOutcome {
  status: 'ALLOCATED' | 'PARTIALLY_ALLOCATED' | 'BACKORDERED'
  /** Short only because low-confidence stock was not promised: the caller puts the order on hold. */
  lowConfidence: boolean
  routing: RoutingDecision
  shipBy: Date | null
  priority: number
  reservedUnits: number
  backorderedUnits: number
  events: OutboxMessage[]
  timeline: TimelineEntry[]
  /**
   * With `deferWrites`: fulfillment orders, allocations, line and counter updates still to run (CTE parts for
   * `writeTogether`), in this transaction, before it commits. Empty otherwise.
   */
  pendingWrites: Prisma.Sql[]
}

export interface PositionRow {
  id: number
  sku_id: number
  location_id: number
  on_hand: number
  reserved: number
  damaged: number
  quality_control: number
  safety_stock: number
  confidence: number
  code: string
  country: string
  region: string | null
  postal_code: string | null
  shipping_cost: number
  timezone: string
  cutoff_minutes: number
  daily_pick_capacity: number
  daily_pack_capacity: number
  /** Released fulfillment orders per local day ('YYYY-MM-DD') at the node. */
  released_by_day: Record<string, number>
  /** Fulfillment orders at the node waiting for release (OPEN): the queue a new order joins. */
  waiting: number
}

/**
 * Reserves what an order still needs and routes it to nodes, never promising more than is available:
 * each reservation is one conditional UPDATE of a stock position (moveStock, guard 'available'), taken in a
 * fixed lock order - channel counters by (sku, channel), then positions by (sku, location) - so concurrent
 * orders neither oversell nor deadlock. Channel rules (other channels' pools, percentage caps) limit what
 * this channel may take; low-confidence positions promise only up to available minus a buffer.
 * Shortfalls are backordered with an exception; nothing is over-promised.
 */
export async function allocateOrder(
  tx: Tx,
  order: AllocatableOrder,
  lines: AllocatableLine[],
  actor: Actor,
  options: {
    now: Date
    trustLowConfidence?: boolean
    /** Leave the final writes to the caller (`pendingWrites`), to run in one statement with its own. */
    deferWrites?: boolean
    /** Read by the caller (allocationContextSql, for the lines' SKUs, before any lock); read here when absent. */
    context?: AllocationContext
    /** Nodes not to route to (where the order's fulfillment order is already being picked or has shipped). */
    avoidLocationIds?: number[]
  },
): Promise<AllocationOutcome> {
  // A bundle line is never allocated itself: its component lines carry its stock.
  const need = new Map(lines.map((l) => [l.id, l.isBundle ? 0 : Math.max(0, l.quantity - l.allocatedQuantity - l.cancelledQuantity - l.shippedQuantity)]))
  const skuIds = [...new Set(lines.filter((l) => need.get(l.id)! > 0).map((l) => l.skuId))].sort((a, b) => a - b)
  const events: OutboxMessage[] = []
  const timeline: TimelineEntry[] = []
  const shipTo = { country: order.shipToCountry, region: order.shipToRegion, postalCode: order.shipToPostalCode }

  // Read before any lock is taken: rules, holidays and settings are not what the locks protect.
  const context = options.context ?? (await readAllocationContext(tx, skuIds, options.now))
  const { rules, holidays: holidayRows, positions: unlockedPositions } = context
  // A stored setting is json; a missing one falls back to the default.
  const threshold = Number(context.threshold ?? SETTING_DEFAULTS['inventory.confidenceThreshold'])
  // The first round may plan on positions read before the counter locks when nothing needs the locked read:
  // with no allocation rule in play there is no pool or cap to check against current stock, and with every
  // position confident there is no buffer to keep; the conditional UPDATE still refuses to oversell, and a
  // reservation that falls short re-reads under the locks and re-plans. Otherwise the locked read decides.
  const planOnUnlockedRead = rules.length === 0 && (!!options.trustLowConfidence || unlockedPositions.every((p) => p.confidence >= threshold))

  // 1. Channel counters first, in (sku, channel) order: our own (kept in step with every reservation) and
  // those of channels whose reserved pools fence this SKU, so pools and caps are checked under lock.
  const counterKeys: Array<[number, number]> = []
  for (const sku of skuIds) {
    for (const ch of [...new Set([order.channelId, ...poolOwners(rules, order.channelId, sku)])].sort((a, b) => a - b)) counterKeys.push([sku, ch])
  }
  const reservedByChannel = await lockChannelCounters(tx, counterKeys.map(([skuId, channelId]) => ({ skuId, channelId })))

  const holidaysFor = (locationId: number): Set<IsoDate> =>
    new Set(holidayRows.filter((h) => h.location_id === null || h.location_id === locationId).map((h) => h.day))

  // Channel limit per SKU is decided once, from the first read (under the counter locks whenever a rule applies).
  let skuLimits: Map<number, number> | null = null
  const limitNotes: string[] = []
  let decision: RoutingDecision | null = null
  const placedByLine = new Map<number, number>()
  const placedAt = new Map<string, { skuId: number; locationId: number; code: string; quantity: number; clock: PositionRow }>()
  const assignmentsDone: RoutingAssignment[] = []
  let lowConfidenceShort: Array<{ position: PositionRow; buffer: number; available: number }> = []
  const nodeInfo = new Map<number, PositionRow>()

  for (let round = 0; round < 3 && skuIds.length; round++) {
    const positions = round === 0 && planOnUnlockedRead ? unlockedPositions : await readPositions(tx, skuIds, options.now)
    for (const p of positions) nodeInfo.set(p.location_id, p)

    const available = (p: PositionRow) => Math.max(0, p.on_hand - p.reserved - p.safety_stock - p.damaged - p.quality_control)
    const lowConfidence = (p: PositionRow) => !options.trustLowConfidence && p.confidence < threshold
    const promisable = (p: PositionRow) => promisableUnits(available(p), lowConfidence(p))

    if (!skuLimits) {
      skuLimits = new Map()
      for (const sku of skuIds) {
        const ofSku = positions.filter((p) => p.sku_id === sku)
        const { limit, notes } = channelLimit({
          channelId: order.channelId,
          skuId: sku,
          rules,
          sellable: ofSku.reduce((s, p) => s + sellableUnits(p), 0),
          available: ofSku.reduce((s, p) => s + available(p), 0),
          reservedByChannel: reservedByChannel.get(sku) ?? new Map(),
        })
        skuLimits.set(sku, limit)
        limitNotes.push(...notes.map((n) => `SKU ${sku}: ${n}`))
      }
    }

    // What each line still needs this round, within what the channel may take of its SKU.
    const routingLines: RoutingLine[] = []
    const skuLeft = new Map(skuLimits)
    for (const l of lines) {
      const want = need.get(l.id)! - (placedByLine.get(l.id) ?? 0)
      const q = Math.max(0, Math.min(want, skuLeft.get(l.skuId) ?? 0))
      if (want > 0) routingLines.push({ lineId: l.id, skuId: l.skuId, quantity: q })
      skuLeft.set(l.skuId, (skuLeft.get(l.skuId) ?? 0) - q)
    }
    if (routingLines.every((l) => l.quantity === 0)) {
      if (!decision) decision = planRouting(routingLines, [], shipTo).decision
      break
    }

    const avoid = new Set(options.avoidLocationIds ?? [])
    const nodes = routingNodes(avoid.size ? positions.filter((p) => !avoid.has(p.location_id)) : positions, promisable, holidaysFor, options.now, {
      byCapacity: routeByCapacity(context),
    })
    const plan = planRouting(routingLines, nodes, shipTo)
    if (!decision) decision = plan.decision
    else if (plan.assignments.length) {
      decision.summary += ` Re-planned after concurrent orders took stock: ${plan.decision.summary}`
      decision.nodes.push(...plan.decision.nodes)
    }
    lowConfidenceShort = positions
      .filter((p) => lowConfidence(p) && available(p) > promisable(p))
      .map((p) => ({ position: p, buffer: available(p) - promisable(p), available: available(p) }))

    // 2. Positions in (sku, location) order: one conditional UPDATE each; a race lost means re-reading.
    const byPosition = new Map<string, RoutingAssignment[]>()
    for (const a of plan.assignments) {
      const key = `${a.skuId}:${a.locationId}`
      byPosition.set(key, [...(byPosition.get(key) ?? []), a])
    }
    const keys = [...byPosition.keys()].sort((a, b) => {
      const [sa, la] = a.split(':').map(Number)
      const [sb, lb] = b.split(':').map(Number)
      return sa - sb || la - lb
    })
    let shortThisRound = false
    for (const key of keys) {
      const group = byPosition.get(key)!
      const [skuId, locationId] = key.split(':').map(Number)
      const wanted = group.reduce((s, a) => s + a.quantity, 0)
      const got = await reserveUpTo(tx, { skuId, locationId, quantity: wanted, orderId: order.id, orderNumber: order.number, actor, threshold, trustLowConfidence: !!options.trustLowConfidence })
      if (got < wanted) shortThisRound = true
      if (got === 0) continue
      let left = got
      for (const a of group) {
        const q = Math.min(left, a.quantity)
        left -= q
        if (q === 0) continue
        placedByLine.set(a.lineId, (placedByLine.get(a.lineId) ?? 0) + q)
        assignmentsDone.push({ ...a, quantity: q })
        skuLimits.set(skuId, skuLimits.get(skuId)! - q)
      }
      const pos = positions.find((p) => p.sku_id === skuId && p.location_id === locationId)!
      const prev = placedAt.get(key)
      placedAt.set(key, { skuId, locationId, code: pos.code, quantity: (prev?.quantity ?? 0) + got, clock: pos })
    }
    if (!shortThisRound) break
  }
  if (!decision) {
    decision = skuIds.length
      ? planRouting([], [], shipTo).decision
      : { rule: 'SHIP_COMPLETE', summary: 'Every line is already allocated.', nodes: [], rejected: [] }
  }
  if (limitNotes.length) decision.summary += ` Channel rules: ${limitNotes.join('; ')}.`

  const settled = settleAllocation({ order, lines, need, placedByLine, assignmentsDone, placedAt: [...placedAt.values()], nodeInfo, holidaysFor, now: options.now, decision })
  const { reservedUnits, backorderedUnits, status, shipBy } = settled
  events.push(...settled.events)
  timeline.push(...settled.timeline)
  const writes = allocationWrites({ orderId: order.id, channelId: order.channelId, fulfillment: settled.fulfillment, allocations: settled.allocations, lineUpdates: settled.lineUpdates, perSku: settled.perSku })
  if (!options.deferWrites) await writeTogether(tx, writes)

  // Short: because low-confidence stock was held back (a count can settle it), or because there is no stock.
  const shortSkus = new Set(lines.filter((l) => need.get(l.id)! - (placedByLine.get(l.id) ?? 0) > 0).map((l) => l.skuId))
  const lowConfidenceCause = lowConfidenceShort.filter((c) => shortSkus.has(c.position.sku_id))
  let lowConfidence = false
  if (backorderedUnits > 0 && lowConfidenceCause.length > 0) {
    lowConfidence = true
    for (const c of lowConfidenceCause) {
      await openException(tx, {
        type: 'LOW_CONFIDENCE_STOCK',
        severity: 'HIGH',
        ownerRole: 'OPERATIONS',
        subjectType: 'StockPosition',
        subjectId: c.position.id,
        orderId: order.id,
        stockPositionId: c.position.id,
        dedupeKey: `LOW_CONFIDENCE_STOCK:order:${order.id}:position:${c.position.id}`,
        title: `Order ${order.number} waits on uncertain stock at ${c.position.code}`,
        detail: `Confidence ${c.position.confidence.toFixed(2)} is below ${threshold}: ${c.buffer} of ${c.available} available units were not promised. Count the position, then release the hold.`,
        data: { confidence: c.position.confidence, threshold, available: c.available, buffer: c.buffer, skuId: c.position.sku_id, locationId: c.position.location_id },
      })
    }
    timeline.push({ kind: 'low_confidence', title: 'Held: stock too uncertain to promise', detail: `${backorderedUnits} units wait for a count at ${lowConfidenceCause.map((c) => c.position.code).join(', ')}` })
  } else if (backorderedUnits > 0) {
    await openStockShortage(
      tx,
      order,
      backorderedUnits,
      decision.summary,
      lines.filter((l) => need.get(l.id)! > (placedByLine.get(l.id) ?? 0)).map((l) => ({ lineNumber: l.lineNumber, skuId: l.skuId, short: need.get(l.id)! - (placedByLine.get(l.id) ?? 0) })),
    )
    timeline.push({ kind: 'backorder', title: `${backorderedUnits} unit${backorderedUnits === 1 ? '' : 's'} backordered`, detail: decision.summary })
  }

  return {
    status,
    lowConfidence,
    routing: decision,
    shipBy,
    priority: settled.priority,
    reservedUnits,
    backorderedUnits,
    events,
    timeline,
    pendingWrites: options.deferWrites ? writes : [],
  }
}

/** What allocation reads before taking any lock. */
export interface AllocationContext {
  rules: AllocationRuleRow[]
  holidays: HolidayRow[]
  /** The stored `inventory.confidenceThreshold`, null when the default applies. */
  threshold: number | null
  /** The stored `orders.routeByCapacity`, null when the default (on) applies. */
  routeByCapacity: boolean | null
  /** The SKUs' positions as they were before the counter locks were taken. */
  positions: PositionRow[]
}

/**
 * Allocation rules for the SKUs (and channel-wide ones), holidays around today, the confidence threshold and
 * the SKUs' positions, as one json value: `readAllocationContext` selects it, and placeOrder folds it into
 * the statement that inserts the order so intake spends no extra round trip on it.
 */
export function allocationContextSql(skuIds: number[] | Prisma.Sql, now: Date): Prisma.Sql {
  const today = localParts(now, 'UTC').date
  const skuSet = skuIdSet(skuIds)
  return Prisma.sql`json_build_object(
    'rules', (SELECT COALESCE(json_agg(json_build_object('id', id, 'channelId', channel_id, 'skuId', sku_id, 'kind', kind::text, 'quantity', quantity,
                'percentage', percentage::float8, 'active', active)), '[]'::json)
              FROM allocation_rules WHERE active AND (sku_id IN (${skuSet}) OR sku_id IS NULL)),
    'holidays', (SELECT COALESCE(json_agg(json_build_object('day', to_char(date, 'YYYY-MM-DD'), 'location_id', location_id)), '[]'::json)
              FROM holidays WHERE date BETWEEN ${addDays(today, -2)}::date AND ${addDays(today, 60)}::date),
    'threshold', (SELECT value FROM settings WHERE key = 'inventory.confidenceThreshold'),
    'routeByCapacity', (SELECT value FROM settings WHERE key = 'orders.routeByCapacity'),
    'positions', (SELECT COALESCE(json_agg(p ORDER BY p.sku_id, p.location_id), '[]'::json) FROM (${positionsSql(skuIds, now)}) p))`
}

/** `orders.routeByCapacity` as the allocation context read it (the default when not stored). */
export const routeByCapacity = (context: AllocationContext): boolean => context.routeByCapacity ?? SETTING_DEFAULTS['orders.routeByCapacity']

async function readAllocationContext(tx: Tx, skuIds: number[], now: Date): Promise<AllocationContext> {
  if (skuIds.length === 0) return { rules: [], holidays: [], threshold: null, routeByCapacity: null, positions: [] }
  const [row] = await tx.$queryRaw<Array<{ context: AllocationContext }>>`SELECT ${allocationContextSql(skuIds, now)} AS context`
  return row.context
}

export interface HolidayRow {
  day: string
  location_id: number | null
}

/**
 * Positions of the SKUs at active fulfilment nodes, with each node's released counts for the days around today
 * (its working day is one of them) and its queue of work waiting for release (an index range count on
 * fulfillment_orders (location_id, status)), in one round trip. Runs after the channel counters are locked, so
 * what it reads of other orders' reservations is current.
 */
async function readPositions(tx: Tx, skuIds: number[], now: Date): Promise<PositionRow[]> {
  return tx.$queryRaw<PositionRow[]>`${positionsSql(skuIds, now)} ORDER BY sp.sku_id, sp.location_id`
}

/** The SKUs allocation reads: ids, or a subquery selecting them (the intake fast path reads a batch by SKU code). */
const skuIdSet = (skuIds: number[] | Prisma.Sql) => (Array.isArray(skuIds) ? Prisma.join(skuIds) : skuIds)

function positionsSql(skuIds: number[] | Prisma.Sql, now: Date): Prisma.Sql {
  const today = localParts(now, 'UTC').date
  return Prisma.sql`
    SELECT sp.id, sp.sku_id, sp.location_id, sp.on_hand, sp.reserved, sp.damaged, sp.quality_control, sp.safety_stock, sp.confidence,
           l.code, l.country, l.region, l.postal_code, l.shipping_cost_per_order::float8 AS shipping_cost, l.timezone,
           l.cutoff_minutes, l.daily_pick_capacity, l.daily_pack_capacity,
           (SELECT COALESCE(json_object_agg(to_char(d.day, 'YYYY-MM-DD'), d.released), '{}'::json) FROM node_day_loads d
             WHERE d.location_id = sp.location_id AND d.day BETWEEN ${addDays(today, -2)}::date AND ${addDays(today, 60)}::date) AS released_by_day,
           (SELECT count(*)::int FROM fulfillment_orders fo WHERE fo.location_id = sp.location_id AND fo.status = 'OPEN') AS waiting
    FROM stock_positions sp JOIN locations l ON l.id = sp.location_id
    WHERE sp.sku_id IN (${skuIdSet(skuIds)}) AND l.active AND l.is_fulfillment_node`
}

/**
 * Everything an allocation writes after its reservations - fulfillment orders, allocations, order lines and the
 * channel counters - as CTE parts for one statement (`writeTogether`): these run while the counter and position
 * locks are held, so each round trip saved shortens the time concurrent orders for the same SKU wait.
 */
function allocationWrites(w: {
  orderId: number
  channelId: number
  fulfillment: Array<{ locationId: number; shipBy: Date; priority: number }>
  allocations: RoutingAssignment[]
  lineUpdates: Array<{ lineId: number; allocated: number; backordered: number }>
  perSku: Map<number, number>
}): Prisma.Sql[] {
  const now = new Date()
  const parts: Prisma.Sql[] = []
  if (w.fulfillment.length) {
    // A re-allocation (hold release, a re-routed ship-to) adds to the order's fulfillment order at that node while it
    // still waits for release (the oldest, if a move left two there); work already on the floor is not reopened, so
    // the node gets a new one. The order row is locked by every caller, so no second allocation of it races this.
    parts.push(Prisma.sql`fo_kept AS (
      SELECT DISTINCT ON (location_id) id, location_id FROM fulfillment_orders
      WHERE order_id = ${w.orderId}::int AND status IN ('OPEN', 'ON_HOLD')
        AND location_id IN (${Prisma.join(w.fulfillment.map((f) => Prisma.sql`${f.locationId}::int`))})
      ORDER BY location_id, id),
    fo_new AS (
      INSERT INTO fulfillment_orders (order_id, location_id, status, priority, ship_by, created_at, updated_at)
      SELECT ${w.orderId}::int, v.location_id, 'OPEN'::"FulfillmentStatus", v.priority, v.ship_by, ${now}::timestamptz, ${now}::timestamptz
      FROM (VALUES ${Prisma.join(w.fulfillment.map((f) => Prisma.sql`(${f.locationId}::int, ${f.priority}::int, ${f.shipBy}::timestamptz)`))}) AS v(location_id, priority, ship_by)
      WHERE v.location_id NOT IN (SELECT location_id FROM fo_kept)
      RETURNING id, location_id),
    fo AS (SELECT id, location_id FROM fo_kept UNION ALL SELECT id, location_id FROM fo_new)`)
  }
  if (w.allocations.length) {
    parts.push(Prisma.sql`alloc AS (
      INSERT INTO allocations (order_line_id, location_id, fulfillment_order_id, quantity, status, created_at, updated_at)
      SELECT v.line_id, v.location_id, fo.id, v.quantity, 'RESERVED'::"AllocationStatus", ${now}::timestamptz, ${now}::timestamptz
      FROM (VALUES ${Prisma.join(w.allocations.map((a) => Prisma.sql`(${a.lineId}::int, ${a.locationId}::int, ${a.quantity}::int)`))}) AS v(line_id, location_id, quantity)
      JOIN fo ON fo.location_id = v.location_id)`)
  }
  if (w.lineUpdates.length) {
    parts.push(Prisma.sql`line AS (
      UPDATE order_lines ol SET allocated_quantity = ol.allocated_quantity + v.a, backordered_quantity = v.b,
        first_allocation_short = COALESCE(ol.first_allocation_short, v.b)
      FROM (VALUES ${Prisma.join(w.lineUpdates.map((l) => Prisma.sql`(${l.lineId}::int, ${l.allocated}::int, ${l.backordered}::int)`))}) AS v(id, a, b)
      WHERE ol.id = v.id)`)
  }
  if ([...w.perSku.values()].some((q) => q !== 0)) parts.push(Prisma.sql`counters AS (${channelCountersUpdateSql(w.channelId, w.perSku)})`)
  return parts
}

/**
 * Reserves up to `quantity` units at one position: tries the whole amount, and when a concurrent order got
 * there first re-reads what is left and takes that (never more than is promisable).
 */
async function reserveUpTo(
  tx: Tx,
  r: { skuId: number; locationId: number; quantity: number; orderId: number; orderNumber: string; actor: Actor; threshold: number; trustLowConfidence: boolean },
): Promise<number> {
  let want = r.quantity
  for (let attempt = 0; attempt < 5 && want > 0; attempt++) {
    try {
      await moveStock(tx, {
        skuId: r.skuId,
        locationId: r.locationId,
        type: 'RESERVED',
        deltas: { reserved: want },
        guard: 'available',
        actor: r.actor,
        orderId: r.orderId,
        reasonCode: 'ORDER_RESERVATION',
        referenceDocumentUri: `order:${r.orderNumber}`,
      })
      return want
    } catch (err) {
      if (!(err instanceof DomainError) || err.errors[0]?.code !== 'INSUFFICIENT_STOCK') throw err
      const [p] = await tx.$queryRaw<Array<{ available: number; confidence: number }>>`
        SELECT GREATEST(0, on_hand - reserved - safety_stock - damaged - quality_control)::int AS available, confidence
        FROM stock_positions WHERE sku_id = ${r.skuId} AND location_id = ${r.locationId}`
      const avail = Number(p?.available ?? 0)
      const promisable = promisableUnits(avail, !r.trustLowConfidence && (p?.confidence ?? 1) < r.threshold)
      want = Math.min(want, Math.max(0, promisable))
    }
  }
  return 0
}
