import type { Prisma, PrismaClient, Tx } from '@ops-hub/db'

export const TIMELINE_KINDS = ['ORDER', 'FULFILLMENT', 'WAREHOUSE', 'CARRIER', 'RETURN', 'EXCEPTION'] as const
export type TimelineKind = (typeof TIMELINE_KINDS)[number]

export interface OrderTimelineItem {
  at: Date
  kind: TimelineKind
  title: string
  detail: string | null
  actor: string | null
}

// Entries written in one transaction share its timestamp; this keeps cause before effect among them.
const KIND_ORDER: Record<TimelineKind, number> = { WAREHOUSE: 0, CARRIER: 1, FULFILLMENT: 2, ORDER: 3, RETURN: 4, EXCEPTION: 5 }

// OrderEvent.kind values written by the workflows (lower snake case) mapped to what the agent sees.
const EVENT_KIND: Record<string, TimelineKind> = {
  fulfillment_status: 'FULFILLMENT',
  fulfillment_released: 'FULFILLMENT',
  pick_short: 'WAREHOUSE',
  warehouse: 'WAREHOUSE',
  return: 'RETURN',
}

function titleCase(status: string) {
  return status.charAt(0) + status.slice(1).toLowerCase().replaceAll('_', ' ')
}

// What the timeline is made of, read per order in one statement (relations joined in the database).
const TIMELINE_SOURCES = {
  id: true,
  events: { orderBy: { id: 'asc' }, select: { kind: true, title: true, detail: true, actor: true, occurredAt: true } },
  fulfillmentOrders: {
    select: {
      number: true,
      pickTasks: {
        where: { confirmedAt: { not: null } },
        select: { id: true, quantity: true, pickedQuantity: true, status: true, confirmedAt: true, confirmedBy: true, bin: { select: { code: true } }, sku: { select: { code: true } }, wave: { select: { number: true } } },
      },
      packVerifications: { where: { result: 'MISMATCH' }, select: { id: true, createdAt: true, verifiedBy: true, mismatches: true } },
    },
  },
  shipments: {
    select: {
      id: true, carrier: true, trackingNumber: true,
      milestones: { where: { status: { not: 'LABEL_CREATED' } }, select: { id: true, status: true, occurredAt: true, receivedAt: true, location: true, description: true, source: true } },
    },
  },
  exceptions: { orderBy: { id: 'asc' }, select: { title: true, type: true, ownerRole: true, dueBy: true, createdAt: true, resolvedAt: true, resolution: true, resolvedBy: true } },
} satisfies Prisma.OrderSelect
type TimelineSources = Prisma.OrderGetPayload<{ select: typeof TIMELINE_SOURCES }>

/**
 * Everything that happened to an order, oldest first, from the records each workflow already keeps:
 * order events (status changes, fulfillment steps, short-pick outcomes, return steps), confirmed picks,
 * pack mismatches, carrier milestones (with the late ones marked) and exceptions opened and resolved.
 */
export async function orderTimeline(db: Tx | PrismaClient, orderId: number): Promise<OrderTimelineItem[]> {
  return (await orderTimelines(db, [orderId])).get(orderId) ?? []
}

/**
 * The timelines of many orders (see orderTimeline) read in one statement: a page of orders costs what one does.
 * Orders that do not exist are absent from the map; no ids, no statement.
 */
export async function orderTimelines(db: Tx | PrismaClient, orderIds: readonly number[]): Promise<Map<number, OrderTimelineItem[]>> {
  const timelines = new Map<number, OrderTimelineItem[]>()
  if (orderIds.length === 0) return timelines
  const orders = await db.order.findMany({ where: { id: { in: [...new Set(orderIds)] } }, select: TIMELINE_SOURCES })
  for (const order of orders) timelines.set(order.id, timelineOf(order))
  return timelines
}

function timelineOf(order: TimelineSources): OrderTimelineItem[] {
  // Each source in the order it was written (its ids), as one order's reads listed them.
  const byId = <T extends { id: number }>(rows: T[]) => rows.sort((a, b) => a.id - b.id)
  const picks = byId(order.fulfillmentOrders.flatMap((fo) => fo.pickTasks))
  const mismatches = byId(order.fulfillmentOrders.flatMap((fo) => fo.packVerifications.map((v) => ({ ...v, number: fo.number }))))
  const milestones = byId(order.shipments.flatMap((s) => s.milestones.map((m) => ({ ...m, shipmentId: s.id, shipment: s }))))

  const entries: Array<OrderTimelineItem & { seq: number }> = []
  let seq = 0
  const push = (e: OrderTimelineItem) => entries.push({ ...e, seq: seq++ })

  for (const e of order.events) push({ at: e.occurredAt, kind: EVENT_KIND[e.kind] ?? 'ORDER', title: e.title, detail: e.detail, actor: e.actor })
  for (const p of picks) {
    push({
      at: p.confirmedAt!,
      kind: 'WAREHOUSE',
      title: p.status === 'SHORT' ? `Short pick: ${p.pickedQuantity} of ${p.quantity} x ${p.sku.code}` : `Picked ${p.pickedQuantity} x ${p.sku.code}`,
      detail: `Bin ${p.bin.code}, wave ${p.wave.number}`,
      actor: p.confirmedBy,
    })
  }
  for (const m of mismatches) {
    const list = (m.mismatches as Array<{ sku: string; picked: number; scanned: number }> | null) ?? []
    push({
      at: m.createdAt,
      kind: 'WAREHOUSE',
      title: `Pack check failed on ${m.number}`,
      detail: list.map((x) => `${x.sku}: picked ${x.picked}, scanned ${x.scanned}`).join('; '),
      actor: m.verifiedBy,
    })
  }
  for (const m of milestones) {
    // Reported late: the carrier told us about it after it had already reported something that happened later.
    const late = milestones.some(
      (o) => o.shipmentId === m.shipmentId && o.occurredAt > m.occurredAt && o.receivedAt < m.receivedAt,
    )
    push({
      at: m.occurredAt,
      kind: 'CARRIER',
      title: `${titleCase(m.status)} (${m.shipment.carrier} ${m.shipment.trackingNumber})`,
      detail: [m.location, m.description, late ? 'reported late' : null].filter(Boolean).join(' - ') || null,
      actor: m.source === 'warehouse' ? 'warehouse' : `carrier:${m.shipment.carrier}`,
    })
  }
  for (const x of order.exceptions) {
    push({ at: x.createdAt, kind: 'EXCEPTION', title: `Exception opened: ${x.title}`, detail: `${x.type}, owned by ${x.ownerRole}, due ${x.dueBy.toISOString()}`, actor: 'system' })
    if (x.resolvedAt) push({ at: x.resolvedAt, kind: 'EXCEPTION', title: `Exception resolved: ${x.title}`, detail: x.resolution, actor: x.resolvedBy })
  }
  entries.sort((a, b) => a.at.getTime() - b.at.getTime() || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.seq - b.seq)
  return entries.map(({ seq: _seq, ...e }) => e)
}
