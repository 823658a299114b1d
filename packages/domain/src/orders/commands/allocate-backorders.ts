import { z } from 'zod'
import { Prisma, type OrderStatus, type Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { DomainError } from '../../shared/errors.ts'
import { recordEvents, type OutboxMessage } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { writeTogether } from '../../shared/write-together.ts'
import { lockChannelCounters } from '../../channels/channel-reservations.ts'
import { resolveOrderExceptions } from '../../exceptions/commands/resolve-exception.ts'
import type { StockArrivalCause } from '../../inventory/stock-available.ts'
import { allocateOrder } from '../allocate-order.ts'
import { orderMachine } from '../order.machine.ts'
import { recordOrderEvents, type TimelineEntry } from '../order-timeline.ts'

/** SKUs one run serves at most: each is an advisory lock and its counters and positions are locked for the run. */
export const BACKORDER_SKUS_PER_RUN = 50

const CAUSES = ['PURCHASE_ORDER_RECEIPT', 'TRANSFER_RECEIPT', 'RETURN_RESTOCKED', 'ADJUSTMENT', 'FEED_SYNC', 'RESERVATION_RELEASED'] as const satisfies readonly StockArrivalCause[]

export const allocateBackordersInput = z.object({
  /** Where the stock arrived; null for the backstop sweep, which looks at every node. */
  locationId: z.number().int().positive().nullish(),
  skuIds: z.array(z.number().int().positive()).min(1, 'Name at least one SKU').max(BACKORDER_SKUS_PER_RUN),
  cause: z.enum(CAUSES).nullish(),
  reference: z.string().max(200).nullish(),
  /** What the timeline says when no arrival is named (the backstop sweep, a person's request). */
  trigger: z.string().max(200).nullish(),
  /** Orders served per run at most (default 100); `more` says whether others were waiting. */
  limit: z.number().int().min(1).max(500).nullish(),
})

/** Orders whose lines can wait for stock and still take it: not held, not cancelled, not shipped. */
const WAITING_STATUSES: OrderStatus[] = ['BACKORDERED', 'PARTIALLY_ALLOCATED', 'RELEASED', 'IN_FULFILLMENT']
const waitingStatuses = Prisma.join(WAITING_STATUSES.map((s) => Prisma.sql`${s}::"OrderStatus"`))
// A fulfillment order past release cannot take more work, and one per order and node is all there is.
const CLOSED_FULFILLMENT = ['PICKING', 'PACKED', 'SHIPPED', 'CANCELLED'] as const

const CAUSE_TEXT: Record<StockArrivalCause, string> = {
  PURCHASE_ORDER_RECEIPT: 'purchase order receipt',
  TRANSFER_RECEIPT: 'transfer receipt',
  RETURN_RESTOCKED: 'return restocked',
  ADJUSTMENT: 'stock adjustment',
  FEED_SYNC: '3PL feed',
  RESERVATION_RELEASED: 'released reservation',
}

export interface BackorderServed {
  orderId: number
  number: string
  from: OrderStatus
  to: OrderStatus
  reservedUnits: number
  stillBackordered: number
}

export interface AllocateBackordersResult {
  /** The SKUs that had waiting lines (the others needed nothing). */
  skuIds: number[]
  considered: number
  served: BackorderServed[]
  /** Other waiting orders remain beyond `limit`: run again. */
  more: boolean
}

/**
 * Serves waiting demand from stock that became available: BACKORDERED and PARTIALLY_ALLOCATED lines of the SKUs
 * (and backordered lines of orders already released) are allocated in priority order - service level, channel
 * priority, promised ship-by (for an order never routed: placed time plus its service level's ship days), then age -
 * by `allocateOrder`, with placement's no-oversell guarantees. Runs for the same SKUs serialize on an advisory lock
 * per SKU, so priority holds across API instances; the run then locks the orders (skipping any another transaction
 * holds: the next run serves them), then every channel counter and stock position of the SKUs, in the global lock
 * order, so serving several orders in one transaction cannot deadlock with intake, cancellations or fulfilment.
 * Each served order moves on (BACKORDERED -> ALLOCATED / PARTIALLY_ALLOCATED), says on its timeline what stock served
 * it, records outbox events for live status and orderUpdated, and its STOCK_SHORTAGE exception is resolved or updated.
 */
export async function allocateBackorders(tx: Tx, rawInput: z.input<typeof allocateBackordersInput>, actor: Actor, now = new Date()): Promise<AllocateBackordersResult> {
  const input = parseInput(allocateBackordersInput, rawInput)
  const limit = input.limit ?? 100
  const asked = [...new Set(input.skuIds)].sort((a, b) => a - b)
  const waiting = await tx.$queryRaw<Array<{ sku_id: number }>>`
    SELECT DISTINCT ol.sku_id FROM order_lines ol JOIN orders o ON o.id = ol.order_id
    WHERE ol.sku_id = ANY(${asked}::int[]) AND ol.backordered_quantity > 0
      AND o.status IN (${waitingStatuses})
    ORDER BY ol.sku_id`
  const skuIds = waiting.map((w) => Number(w.sku_id))
  const result: AllocateBackordersResult = { skuIds, considered: 0, served: [], more: false }
  if (skuIds.length === 0) return result

  // One run per SKU at a time, in SKU order (two runs over overlapping SKUs queue, never deadlock).
  for (const skuId of skuIds) await tx.$queryRaw`SELECT pg_advisory_xact_lock(7274, ${skuId}::int)::text AS locked`

  const candidates = await tx.$queryRaw<Array<{ id: number }>>`
    SELECT o.id FROM orders o JOIN channels c ON c.id = o.channel_id
    WHERE o.status IN (${waitingStatuses})
      AND EXISTS (SELECT 1 FROM order_lines ol WHERE ol.order_id = o.id AND ol.sku_id = ANY(${skuIds}::int[]) AND ol.backordered_quantity > 0)
    ORDER BY CASE o.service_level WHEN 'SAME_DAY' THEN 0 WHEN 'EXPRESS' THEN 1 ELSE 2 END, c.priority,
      COALESCE(o.ship_by, o.placed_at + CASE o.service_level WHEN 'SAME_DAY' THEN interval '0 days' WHEN 'EXPRESS' THEN interval '1 day' ELSE interval '2 days' END),
      o.placed_at, o.id
    LIMIT ${limit + 1}
    FOR UPDATE OF o SKIP LOCKED`
  result.more = candidates.length > limit
  const orderIds = candidates.slice(0, limit).map((c) => Number(c.id))
  result.considered = orderIds.length
  if (orderIds.length === 0) return result

  // Counters of every channel, then every position of the SKUs, before serving anyone: see the doc comment.
  const channels = await tx.channel.findMany({ select: { id: true } })
  await lockChannelCounters(tx, skuIds.flatMap((skuId) => channels.map((c) => ({ skuId, channelId: c.id }))))
  await tx.$queryRaw`SELECT id FROM stock_positions WHERE sku_id = ANY(${skuIds}::int[]) ORDER BY sku_id, location_id FOR UPDATE`

  const location = input.locationId ? await tx.location.findUnique({ where: { id: input.locationId }, select: { code: true } }) : null
  const cause = input.cause
    ? `${CAUSE_TEXT[input.cause]}${input.reference ? ` ${input.reference}` : ''}${location ? ` at ${location.code}` : ''}`
    : (input.trigger ?? 'stock found available by the backstop sweep')
  const orders = await tx.order.findMany({
    where: { id: { in: orderIds } },
    include: { lines: { orderBy: { lineNumber: 'asc' } }, fulfillmentOrders: { select: { locationId: true, status: true } } },
  })
  const byId = new Map(orders.map((o) => [o.id, o]))
  for (const id of orderIds) {
    const order = byId.get(id)!
    const lines = order.lines.filter((l) => skuIds.includes(l.skuId) && l.backorderedQuantity > 0)
    const avoidLocationIds = order.fulfillmentOrders.filter((f) => (CLOSED_FULFILLMENT as readonly string[]).includes(f.status)).map((f) => f.locationId)
    const outcome = await allocateOrder(tx, order, lines, actor, { now, deferWrites: true, avoidLocationIds })
    // Nothing reserved: nothing is written (the deferred writes would only restate the backorder).
    if (outcome.reservedUnits === 0) continue
    await writeTogether(tx, outcome.pendingWrites)
    result.served.push(await settleServedOrder(tx, order, outcome, cause, actor, now))
  }
  return result
}

async function settleServedOrder(
  tx: Tx,
  order: { id: number; number: string; status: OrderStatus; channelId: number; shipBy: Date | null },
  outcome: Awaited<ReturnType<typeof allocateOrder>>,
  cause: string,
  actor: Actor,
  now: Date,
): Promise<BackorderServed> {
  const [left] = await tx.$queryRaw<Array<{ backordered: number; lines: Array<{ lineNumber: number; skuId: number; short: number }> | null }>>`
    SELECT COALESCE(sum(backordered_quantity), 0)::int AS backordered,
      json_agg(json_build_object('lineNumber', line_number, 'skuId', sku_id, 'short', backordered_quantity) ORDER BY line_number)
        FILTER (WHERE backordered_quantity > 0) AS lines
    FROM order_lines WHERE order_id = ${order.id}`
  const stillBackordered = Number(left.backordered)
  let to: OrderStatus = order.status
  if (order.status === 'BACKORDERED' || order.status === 'PARTIALLY_ALLOCATED') to = stillBackordered === 0 ? 'ALLOCATED' : 'PARTIALLY_ALLOCATED'

  const timeline: TimelineEntry[] = [
    {
      kind: 'backorder_allocated',
      title: `Allocated from arriving stock: ${cause}`,
      detail: `${outcome.reservedUnits} backordered unit(s) reserved; ${stillBackordered ? `${stillBackordered} still backordered` : 'nothing left backordered'}`,
    },
    // allocateOrder's own notes speak of a fresh order (held, backordered); this order's state is said below.
    ...outcome.timeline.filter((e) => e.kind !== 'low_confidence' && e.kind !== 'backorder'),
  ]
  const events: OutboxMessage[] = [...outcome.events]
  if (to !== order.status) {
    orderMachine.assertTransition(order.status, to)
    const title = to === 'ALLOCATED' ? 'Allocated: backorder filled' : `Partially allocated: ${stillBackordered} unit(s) still backordered`
    timeline.push({ kind: 'status', fromStatus: order.status, toStatus: to, title, detail: `From arriving stock: ${cause}` })
    events.push({ topic: 'order.status_changed', aggregateType: 'Order', aggregateId: order.id, payload: { from: order.status, to, channelId: order.channelId, cause } })
  }
  // The promise made to the customer does not move; an order never routed takes the ship-by its allocation gives.
  await tx.order.update({
    where: { id: order.id },
    data: { status: to, shipBy: order.shipBy ?? outcome.shipBy, priority: outcome.priority, version: { increment: 1 }, updatedAt: now },
  })
  if (stillBackordered === 0) {
    await resolveOrderExceptions(tx, order.id, ['STOCK_SHORTAGE'], `Backorder filled from arriving stock: ${cause}`, actor)
  } else {
    await updateShortage(tx, order, stillBackordered, left.lines ?? [], cause, now)
  }
  await recordOrderEvents(tx, order.id, timeline, actor, now)
  await recordEvents(tx, events)
  return { orderId: order.id, number: order.number, from: order.status, to, reservedUnits: outcome.reservedUnits, stillBackordered }
}

/** A partly served backorder keeps its STOCK_SHORTAGE exception, restated with what is still short. */
async function updateShortage(tx: Tx, order: { id: number; number: string }, short: number, lines: unknown[], cause: string, now: Date) {
  const open = await tx.exception.findMany({ where: { dedupeKey: `STOCK_SHORTAGE:order:${order.id}`, status: { not: 'RESOLVED' } }, select: { id: true, ownerRole: true, status: true } })
  if (open.length === 0) return
  await tx.exception.updateMany({
    where: { id: { in: open.map((e) => e.id) } },
    data: {
      title: `Order ${order.number}: ${short} unit${short === 1 ? '' : 's'} backordered`,
      detail: `Partly served from arriving stock (${cause}); ${short} unit(s) still wait for stock.`,
      data: { lines } as Prisma.InputJsonValue,
      updatedAt: now,
    },
  })
  await recordEvents(tx, open.map((e) => ({ topic: 'exception.changed' as const, aggregateType: 'Exception', aggregateId: e.id, payload: { to: e.status, type: 'STOCK_SHORTAGE', ownerRole: e.ownerRole, backordered: short } })))
}

export const serveBackordersInput = z.object({
  skus: z.array(z.string().trim().min(1)).min(1, 'Name at least one SKU').max(BACKORDER_SKUS_PER_RUN),
  locationCode: z.string().trim().min(1).nullish(),
})

/**
 * What the backorder worker does on each arrival, on demand (by SKU code): serve the waiting lines of these SKUs
 * from whatever stock is available now, in priority order. Unknown SKUs or location are refused, nothing written.
 */
export async function serveBackorders(tx: Tx, rawInput: z.input<typeof serveBackordersInput>, actor: Actor, now = new Date()) {
  const input = parseInput(serveBackordersInput, rawInput)
  const codes = [...new Set(input.skus)]
  const skus = await tx.sku.findMany({ where: { code: { in: codes } }, select: { id: true, code: true } })
  const missing = codes.filter((c) => !skus.some((s) => s.code === c))
  const errors = missing.map((c) => ({ code: 'NOT_FOUND' as const, message: `No SKU ${c}`, field: ['input', 'skus', String(input.skus.indexOf(c))] }))
  const location = input.locationCode ? await tx.location.findUnique({ where: { code: input.locationCode }, select: { id: true } }) : null
  if (input.locationCode && !location) errors.push({ code: 'NOT_FOUND', message: `No location ${input.locationCode}`, field: ['input', 'locationCode'] })
  if (errors.length) throw new DomainError(errors)
  return allocateBackorders(tx, { skuIds: skus.map((s) => s.id), locationId: location?.id ?? null, limit: 500, trigger: `stock available now, served on request of ${actor.id}` }, actor, now)
}
