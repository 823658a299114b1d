import type { z } from 'zod'
import type { OrderStatus } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import type { EventTopic } from '../../shared/outbox.ts'
import { SETTING_DEFAULTS } from '../../settings/settings.ts'
import { evaluateHolds } from '../holds.ts'
import { orderMachine } from '../order.machine.ts'
import type { AllocatableLine, AllocationContext, PositionRow } from '../allocate-order.ts'
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
}

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
  timeline: TimelineEntry[]
  events: PlannedEvent[]
}

/**
 * Plans an order for the intake fast path, or returns null when the order needs the locking path
 * (placeOrder in a transaction): anything that is not a clean, fully allocatable order - an unknown channel or
 * SKU, a partner outside its channel, a hold, a channel allocation rule on its SKUs (pools and caps are checked
 * under the counter locks), a position below the confidence threshold (buffers and LOW_CONFIDENCE_STOCK) or
 * not enough promisable stock (backorders and exceptions). The plan is what allocateOrder would do when every
 * reservation it tries succeeds on the stock as read: same routing, ship-by, priority, events and timeline
 * (allocation-plan.ts computes them for both). `taken` holds units already planned at each position by orders
 * earlier in the same batch, so a batch never plans past what it read.
 */
export function planFastOrder(input: PlaceOrderInput, actor: Actor, snap: IntakeSnapshot, taken: Map<number, number>, now: Date): FastOrderPlan | null {
  const channel = snap.channels.get(input.channelCode)
  if (!channel || !channel.active) return null
  if (actor.role === 'PARTNER' && actor.channelCode !== channel.code) return null
  const skus = input.lines.map((l) => snap.skus.get(l.sku))
  // Bundles are exploded into component lines by placeOrder only (order maintenance, bundle-intake.ts).
  if (skus.some((s) => !s || !s.active || s.isBundle)) return null
  const fraudScore = input.payment.fraudScore ?? 0
  const findings = evaluateHolds({ paymentStatus: input.payment.status, fraudScore, shipTo: input.shipTo, fraudScoreThreshold: snap.fraudScoreThreshold })
  if (findings.length) return null

  const skuIds = new Set(skus.map((s) => s!.id))
  const ctx = snap.context
  if (ctx.rules.some((r) => r.skuId === null || skuIds.has(r.skuId))) return null
  const threshold = Number(ctx.threshold ?? SETTING_DEFAULTS['inventory.confidenceThreshold'])
  const positions = ctx.positions.filter((p) => skuIds.has(p.sku_id))
  if (positions.some((p) => p.confidence < threshold)) return null

  const serviceLevel = input.serviceLevel ?? 'STANDARD'
  const shipTo = { country: input.shipTo.country.trim().toUpperCase(), region: input.shipTo.region?.trim() || null, postalCode: input.shipTo.postalCode.trim() }
  const order = { id: 0, number: '', channelId: channel.id, serviceLevel, placedAt: now, shipBy: null, shipToCountry: shipTo.country, shipToRegion: shipTo.region, shipToPostalCode: shipTo.postalCode }
  // Line numbers stand in for line ids: the lines do not exist yet.
  const lines: AllocatableLine[] = input.lines.map((l, i) => ({ id: i + 1, lineNumber: i + 1, skuId: skus[i]!.id, quantity: l.quantity, allocatedQuantity: 0, cancelledQuantity: 0, shippedQuantity: 0 }))
  const need = new Map(lines.map((l) => [l.id, l.quantity]))

  const available = (p: PositionRow) => Math.max(0, p.on_hand - p.reserved - p.safety_stock - p.damaged - p.quality_control - (taken.get(p.id) ?? 0))
  const holidaysFor = (locationId: number): Set<IsoDate> =>
    new Set(ctx.holidays.filter((h) => h.location_id === null || h.location_id === locationId).map((h) => h.day))
  const plan = planRouting(
    lines.map((l) => ({ lineId: l.id, skuId: l.skuId, quantity: l.quantity })),
    routingNodes(positions, available, holidaysFor, now),
    shipTo,
  )
  const totalNeed = lines.reduce((s, l) => s + l.quantity, 0)
  if (plan.assignments.reduce((s, a) => s + a.quantity, 0) < totalNeed) return null

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
  if (settled.status !== 'ALLOCATED') return null
  for (const p of placedAt) taken.set(p.clock.id, (taken.get(p.clock.id) ?? 0) + p.quantity)

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
    timeline,
    events,
  }
}
