import type { z } from 'zod'
import type { OrderStatus } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import type { EventTopic } from '../../shared/outbox.ts'
import { SETTING_DEFAULTS } from '../../settings/settings.ts'
import { evaluateHolds } from '../holds.ts'
import { orderMachine } from '../order.machine.ts'
import { routeByCapacity, sellableUnits, type AllocatableLine, type AllocationContext, type PositionRow } from '../allocate-order.ts'
import { channelLimit, effectiveRule, poolOwners } from '../../channels/allocation-rules.ts'
import { routingNodes, settleAllocation, type PlacedAtPosition } from '../allocation-plan.ts'
import type { IsoDate } from '../business-calendar.ts'
import { planRouting, type RoutingAssignment, type RoutingDecision } from '../routing.ts'
import type { TimelineEntry } from '../order-timeline.ts'
import type { placeOrderInput } from '../commands/place-order.ts'
import { statusTitle } from '../commands/place-order.ts'

export type PlaceOrderInput = z.output<typeof placeOrderInput>

/** What one read tells the planner about a batch of orders (see read-intake.ts). */
export interface IntakeSnapshot {
  channels: Map<string, { id: number; code: string; name: string; active: boolean }>
  skus: Map<string, { id: number; code: string; active: boolean; isBundle: boolean }>
  fraudScoreThreshold: number
  context: AllocationContext
  /** Channel counters (units each channel holds) per SKU -> channel, for the channels with an allocation rule on the batch's SKUs. */
  counters: Map<number, Map<number, number>>
}

/**
 * What orders planned earlier in the same batch take: units per stock position, per channel counter (`sku:channel`),
 * and fulfillment orders per node (they join its release queue).
 */
export interface BatchTaken {
  positions: Map<number, number>
  counters: Map<string, number>
  waiting: Map<number, number>
}

export const newBatchTaken = (): BatchTaken => ({ positions: new Map(), counters: new Map(), waiting: new Map() })

/** An outbox event of a planned order; the order's id and number are filled in by the statement that inserts it. */
export interface PlannedEvent {
  topic: EventTopic
  aggregateType: string
  /** Null: the order itself. */
  aggregateId: number | null
  payload: Record<string, unknown>
  /** Add `number` (order.placed) or `orderId` (stock.changed) from the inserted order. */
  add: 'number' | 'orderId' | null
}

/** A fully allocatable order, planned on the snapshot, ready for the one-statement write (write-orders.ts). */
export interface FastOrderPlan {
  input: PlaceOrderInput
  actor: Actor
  channelId: number
  serviceLevel: PlaceOrderInput['serviceLevel'] & string
  fraudScore: number
  total: number
  placedAt: Date
  status: OrderStatus
  shipBy: Date | null
  priority: number
  routing: RoutingDecision
  lines: Array<{ lineNumber: number; skuId: number; quantity: number; unitPrice: number }>
  fulfillment: Array<{ locationId: number; shipBy: Date; priority: number }>
  allocations: Array<{ lineNumber: number; locationId: number; quantity: number }>
  /** Units to reserve per position: the statement applies them only if every one still fits. */
  reservations: Array<{ positionId: number; skuId: number; locationId: number; quantity: number }>
  /** The confidence every reserved position must still have (else the locking path decides). */
  confidenceThreshold: number
  /**
   * The channel's percentage caps on its SKUs: the statement re-checks, on the locked counter after the move, that
   * the channel holds at most this share of the SKU's sellable units.
   */
  caps: Array<{ skuId: number; percentage: number }>
  /**
   * Other channels' reserved pools fencing the order's SKUs: the statement locks their counters (and every position
   * of the SKU) and re-checks that what stays available still covers each pool's unconsumed part.
   */
  fences: Array<{ skuId: number; ownerId: number; pool: number }>
  timeline: TimelineEntry[]
  events: PlannedEvent[]
}

/** Why an order is placed through the locking path (placeOrder in its own transaction) instead of the one statement. */
export type LockingPathReason =
  | 'unknown-channel'
  | 'partner-outside-channel'
  | 'unknown-sku'
  | 'bundle'
  | 'hold'
  | 'low-confidence'
  | 'channel-limit'
  | 'short'

/** What the fast path looked at to decide an order may take it (lockingPathReason), for planning it. */
interface FastPathView {
  reason: null
  channel: { id: number; code: string; name: string }
  skus: Array<{ id: number; code: string }>
  /** The SKUs' unique ids, ascending (the order allocateOrder takes and explains them in). */
  skuIds: number[]
  positions: PositionRow[]
  threshold: number
  fraudScore: number
  available: (p: PositionRow) => number
  /** What allocateOrder appends to the routing summary (`Channel rules: ...`), in the same words. */
  limitNotes: string[]
  caps: FastOrderPlan['caps']
  fences: FastOrderPlan['fences']
}

/**
 * THE decision whether an order may be planned for the one-statement write, or why it must take the locking path:
 * - an unknown or inactive channel, a partner ordering outside its own channel, an unknown or inactive SKU;
 * - a bundle: its lines are exploded into component lines by placeOrder only (bundle-intake.ts), and the order's
 *   bundle line (OrderLine.isBundle) is never allocated itself;
 * - a hold (payment, fraud score, address);
 * - a position of its SKUs below the confidence threshold (buffers and LOW_CONFIDENCE_STOCK are the locking path's);
 * - more than its channel may take of a SKU (another channel's reserved pool, its own percentage cap: the same
 *   `channelLimit` allocateOrder applies, on the counters as read plus what earlier orders of the batch take);
 * - not enough available stock for every unit (backorders and exceptions).
 * A channel allocation rule by itself is no reason: the plan carries the caps and fences it passed, and the write
 * statement re-checks them on the locked counter rows. Only rules that limit the order's own channel on its own
 * SKUs are looked at, so a rule for one channel never sends another channel's orders down the locking path.
 */
export function lockingPathReason(input: PlaceOrderInput, actor: Actor, snap: IntakeSnapshot, taken: BatchTaken): LockingPathReason | FastPathView {
  const channel = snap.channels.get(input.channelCode)
  if (!channel || !channel.active) return 'unknown-channel'
  if (actor.role === 'PARTNER' && actor.channelCode !== channel.code) return 'partner-outside-channel'
  const skus = input.lines.map((l) => snap.skus.get(l.sku))
  if (skus.some((s) => !s || !s.active)) return 'unknown-sku'
  if (skus.some((s) => s!.isBundle)) return 'bundle'
  const fraudScore = input.payment.fraudScore ?? 0
  const findings = evaluateHolds({ paymentStatus: input.payment.status, fraudScore, shipTo: input.shipTo, fraudScoreThreshold: snap.fraudScoreThreshold })
  if (findings.length) return 'hold'

  const skuIds = [...new Set(skus.map((s) => s!.id))].sort((a, b) => a - b)
  const ctx = snap.context
  const threshold = Number(ctx.threshold ?? SETTING_DEFAULTS['inventory.confidenceThreshold'])
  const positions = ctx.positions.filter((p) => skuIds.includes(p.sku_id))
  if (positions.some((p) => p.confidence < threshold)) return 'low-confidence'

  const available = (p: PositionRow) => Math.max(0, p.on_hand - p.reserved - p.safety_stock - p.damaged - p.quality_control - (taken.positions.get(p.id) ?? 0))
  const limitNotes: string[] = []
  const caps: FastOrderPlan['caps'] = []
  const fences: FastOrderPlan['fences'] = []
  for (const skuId of skuIds) {
    const need = input.lines.reduce((s, l, i) => s + (skus[i]!.id === skuId ? l.quantity : 0), 0)
    const ofSku = positions.filter((p) => p.sku_id === skuId)
    const avail = ofSku.reduce((s, p) => s + available(p), 0)
    if (avail < need) return 'short'
    const cap = effectiveRule(ctx.rules, channel.id, skuId, 'PERCENTAGE_CAP')
    const owners = poolOwners(ctx.rules, channel.id, skuId)
    if (!cap && owners.length === 0) continue
    const reservedByChannel = new Map<number, number>()
    for (const ch of [channel.id, ...owners]) reservedByChannel.set(ch, (snap.counters.get(skuId)?.get(ch) ?? 0) + (taken.counters.get(`${skuId}:${ch}`) ?? 0))
    const { limit, notes } = channelLimit({
      channelId: channel.id,
      skuId,
      rules: ctx.rules,
      sellable: ofSku.reduce((s, p) => s + sellableUnits(p), 0),
      available: avail,
      reservedByChannel,
    })
    if (limit < need) return 'channel-limit'
    limitNotes.push(...notes.map((n) => `SKU ${skuId}: ${n}`))
    if (cap) caps.push({ skuId, percentage: cap.percentage ?? 0 })
    for (const ownerId of owners) fences.push({ skuId, ownerId, pool: effectiveRule(ctx.rules, ownerId, skuId, 'RESERVED_POOL')!.quantity ?? 0 })
  }
  return { reason: null, channel, skus: skus as FastPathView['skus'], skuIds, positions, threshold, fraudScore, available, limitNotes, caps, fences }
}

/**
 * Plans an order for the intake fast path, or says why it needs the locking path (lockingPathReason decides; the
 * routing below can only confirm it). The plan is what allocateOrder would do when every reservation it tries
 * succeeds on the stock and counters as read: same routing (with the same channel-rule notes), ship-by, priority,
 * events and timeline (allocation-plan.ts computes them for both). `taken` holds what orders earlier in the same
 * batch planned at each position and channel counter, so a batch never plans past what it read.
 */
export function planFastOrder(input: PlaceOrderInput, actor: Actor, snap: IntakeSnapshot, taken: BatchTaken, now: Date): FastOrderPlan | LockingPathReason {
  const view = lockingPathReason(input, actor, snap, taken)
  if (typeof view === 'string') return view
  const { channel, skus, positions, threshold, fraudScore, available } = view
  const ctx = snap.context

  const serviceLevel = input.serviceLevel ?? 'STANDARD'
  const shipTo = { country: input.shipTo.country.trim().toUpperCase(), region: input.shipTo.region?.trim() || null, postalCode: input.shipTo.postalCode.trim() }
  const order = { id: 0, number: '', channelId: channel.id, serviceLevel, placedAt: now, shipBy: null, shipToCountry: shipTo.country, shipToRegion: shipTo.region, shipToPostalCode: shipTo.postalCode }
  // Line numbers stand in for line ids: the lines do not exist yet.
  const lines: AllocatableLine[] = input.lines.map((l, i) => ({ id: i + 1, lineNumber: i + 1, skuId: skus[i]!.id, quantity: l.quantity, allocatedQuantity: 0, cancelledQuantity: 0, shippedQuantity: 0 }))
  const need = new Map(lines.map((l) => [l.id, l.quantity]))

  const holidaysFor = (locationId: number): Set<IsoDate> =>
    new Set(ctx.holidays.filter((h) => h.location_id === null || h.location_id === locationId).map((h) => h.day))
  const plan = planRouting(
    lines.map((l) => ({ lineId: l.id, skuId: l.skuId, quantity: l.quantity })),
    routingNodes(positions, available, holidaysFor, now, { byCapacity: routeByCapacity(ctx), plannedWaiting: (locationId) => taken.waiting.get(locationId) ?? 0 }),
    shipTo,
  )
  const totalNeed = lines.reduce((s, l) => s + l.quantity, 0)
  if (plan.assignments.reduce((s, a) => s + a.quantity, 0) < totalNeed) return 'short'
  if (view.limitNotes.length) plan.decision.summary += ` Channel rules: ${view.limitNotes.join('; ')}.`

  // Reservations in (sku, location) order, as allocateOrder takes them.
  const byPosition = new Map<string, RoutingAssignment[]>()
  for (const a of plan.assignments) byPosition.set(`${a.skuId}:${a.locationId}`, [...(byPosition.get(`${a.skuId}:${a.locationId}`) ?? []), a])
  const keys = [...byPosition.keys()].sort((a, b) => {
    const [sa, la] = a.split(':').map(Number)
    const [sb, lb] = b.split(':').map(Number)
    return sa - sb || la - lb
  })
  const assignmentsDone: RoutingAssignment[] = []
  const placedAt: PlacedAtPosition[] = []
  const placedByLine = new Map<number, number>()
  const nodeInfo = new Map(positions.map((p) => [p.location_id, p]))
  for (const key of keys) {
    const group = byPosition.get(key)!
    const [skuId, locationId] = key.split(':').map(Number)
    const position = positions.find((p) => p.sku_id === skuId && p.location_id === locationId)!
    const quantity = group.reduce((s, a) => s + a.quantity, 0)
    for (const a of group) {
      assignmentsDone.push(a)
      placedByLine.set(a.lineId, (placedByLine.get(a.lineId) ?? 0) + a.quantity)
    }
    placedAt.push({ skuId, locationId, code: position.code, quantity, clock: position })
  }
  const settled = settleAllocation({ order, lines, need, placedByLine, assignmentsDone, placedAt, nodeInfo, holidaysFor, now, decision: plan.decision })
  if (settled.status !== 'ALLOCATED') return 'short'
  for (const p of placedAt) {
    taken.positions.set(p.clock.id, (taken.positions.get(p.clock.id) ?? 0) + p.quantity)
    taken.counters.set(`${p.skuId}:${channel.id}`, (taken.counters.get(`${p.skuId}:${channel.id}`) ?? 0) + p.quantity)
  }
  for (const f of settled.fulfillment) taken.waiting.set(f.locationId, (taken.waiting.get(f.locationId) ?? 0) + 1)

  // The story placeOrder tells for an order that passes its checks and is allocated in full.
  orderMachine.assertTransition('PENDING', 'VALIDATED')
  orderMachine.assertTransition('VALIDATED', 'ALLOCATED')
  const statusEvent = (from: OrderStatus, to: OrderStatus): PlannedEvent => ({
    topic: 'order.status_changed', aggregateType: 'Order', aggregateId: null, payload: { from, to, channelId: channel.id }, add: null,
  })
  const timeline: TimelineEntry[] = [
    { kind: 'placed', toStatus: 'PENDING', title: `Order received from ${channel.name}`, detail: `${input.lines.length} line(s), ${serviceLevel}, external id ${input.externalId}` },
    { kind: 'status', fromStatus: 'PENDING', toStatus: 'VALIDATED', title: 'Payment, fraud and address checks passed' },
    ...settled.timeline,
    { kind: 'status', fromStatus: 'VALIDATED', toStatus: 'ALLOCATED', title: statusTitle('ALLOCATED', settled.reservedUnits, 0) },
  ]
  const events: PlannedEvent[] = [
    { topic: 'order.placed', aggregateType: 'Order', aggregateId: null, payload: { channelId: channel.id, serviceLevel }, add: 'number' },
    statusEvent('PENDING', 'VALIDATED'),
    ...settled.events.map((e) => ({ topic: e.topic, aggregateType: e.aggregateType, aggregateId: e.aggregateId, payload: e.payload ?? {}, add: 'orderId' as const })),
    statusEvent('VALIDATED', 'ALLOCATED'),
  ]
  return {
    input,
    actor,
    channelId: channel.id,
    serviceLevel,
    fraudScore,
    total: Math.round(input.lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0) * 100) / 100,
    placedAt: now,
    status: 'ALLOCATED',
    shipBy: settled.shipBy,
    priority: settled.priority,
    routing: plan.decision,
    lines: lines.map((l, i) => ({ lineNumber: l.lineNumber, skuId: l.skuId, quantity: l.quantity, unitPrice: input.lines[i].unitPrice })),
    fulfillment: settled.fulfillment,
    allocations: settled.allocations.map((a) => ({ lineNumber: a.lineId, locationId: a.locationId, quantity: a.quantity })),
    reservations: placedAt.map((p) => ({ positionId: p.clock.id, skuId: p.skuId, locationId: p.locationId, quantity: p.quantity })),
    confidenceThreshold: threshold,
    caps: view.caps,
    fences: view.fences,
    timeline,
    events,
  }
}
