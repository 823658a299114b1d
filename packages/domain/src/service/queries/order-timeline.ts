import type { PrismaClient, Tx } from '@ops-hub/db'

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

/**
 * Everything that happened to an order, oldest first, from the records each workflow already keeps:
 * order events (status changes, fulfillment steps, short-pick outcomes, return steps), confirmed picks,
 * pack mismatches, carrier milestones (with the late ones marked) and exceptions opened and resolved.
 */
export async function orderTimeline(db: Tx | PrismaClient, orderId: number): Promise<OrderTimelineItem[]> {
  const [events, picks, mismatches, milestones, exceptions] = await Promise.all([
    db.orderEvent.findMany({ where: { orderId }, orderBy: { id: 'asc' } }),
    db.pickTask.findMany({
      where: { fulfillmentOrder: { orderId }, confirmedAt: { not: null } },
      orderBy: { id: 'asc' },
      select: { id: true, quantity: true, pickedQuantity: true, status: true, confirmedAt: true, confirmedBy: true, bin: { select: { code: true } }, sku: { select: { code: true } }, wave: { select: { number: true } } },
    }),
    db.packVerification.findMany({
      where: { fulfillmentOrder: { orderId }, result: 'MISMATCH' },
      orderBy: { id: 'asc' },
      select: { createdAt: true, verifiedBy: true, mismatches: true, fulfillmentOrder: { select: { number: true } } },
    }),
    db.shipmentMilestone.findMany({
      where: { shipment: { orderId }, status: { not: 'LABEL_CREATED' } },
      orderBy: { id: 'asc' },
      select: {
        shipmentId: true, status: true, occurredAt: true, receivedAt: true, location: true, description: true, source: true,
        shipment: { select: { carrier: true, trackingNumber: true } },
      },
    }),
    db.exception.findMany({ where: { orderId }, orderBy: { id: 'asc' } }),
  ])

  const entries: Array<OrderTimelineItem & { seq: number }> = []
  let seq = 0
  const push = (e: OrderTimelineItem) => entries.push({ ...e, seq: seq++ })

  for (const e of events) push({ at: e.occurredAt, kind: EVENT_KIND[e.kind] ?? 'ORDER', title: e.title, detail: e.detail, actor: e.actor })
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
      title: `Pack check failed on ${m.fulfillmentOrder.number}`,
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
  for (const x of exceptions) {
    push({ at: x.createdAt, kind: 'EXCEPTION', title: `Exception opened: ${x.title}`, detail: `${x.type}, owned by ${x.ownerRole}, due ${x.dueBy.toISOString()}`, actor: 'system' })
    if (x.resolvedAt) push({ at: x.resolvedAt, kind: 'EXCEPTION', title: `Exception resolved: ${x.title}`, detail: x.resolution, actor: x.resolvedBy })
  }
  entries.sort((a, b) => a.at.getTime() - b.at.getTime() || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.seq - b.seq)
  return entries.map(({ seq: _seq, ...e }) => e)
}
