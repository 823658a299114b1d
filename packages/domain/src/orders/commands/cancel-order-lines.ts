import { z } from 'zod'
import type { OrderStatus, Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { DomainError, userError, type UserErrorData } from '../../shared/errors.ts'
import { recordEvents, type OutboxMessage } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { resolveOrderExceptions } from '../../exceptions/commands/resolve-exception.ts'
import { orderMachine } from '../order.machine.ts'
import { lockOrder } from '../load-order.ts'
import { recordOrderEvents, type TimelineEntry } from '../order-timeline.ts'
import { lockStock } from '../lock-stock.ts'
import { releaseReservedUnits, type UnitsToRelease } from '../release-reserved-units.ts'
import { statusAfterEdit } from '../status-after-edit.ts'
import { bundleProgress, unitsPerBundle } from '../bundle-lines.ts'
import { idempotentOrderCommand, keepOrder } from '../idempotent-order-command.ts'
import { BEFORE_PICK, cancelEmptiedWork } from '../cancel-emptied-work.ts'

export const cancelOrderLinesInput = z.object({
  orderId: z.number().int().positive(),
  lines: z
    .array(
      z.object({
        lineNumber: z.number().int().positive('lineNumber is a line of the order'),
        quantity: z.number().int('quantity must be a whole number').positive('quantity must be positive').max(100_000),
      }),
    )
    .min(1, 'Name at least one line to cancel')
    .max(200, 'At most 200 lines at once'),
  reason: z.string().trim().min(1, 'Say why the lines are cancelled').max(1000),
  idempotencyKey: z.string().trim().min(1).max(200).nullish(),
})

/** Orders whose lines can no longer change: everything already left, or the order is closed. */
const CLOSED: OrderStatus[] = ['SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURN_REQUESTED', 'RETURNED']

/**
 * Cancels part of an order before its units are picked: each named line gives up `quantity` units - first those
 * never reserved, then backordered ones, then reservations not yet picked (ledger RELEASED, channel counters down,
 * `stock.available` recorded so backorders elsewhere can take them). A bundle line cancels its components in their
 * ratio; a component line is cancelled only through its bundle. Units being picked, packed or shipped cannot be
 * cancelled (ILLEGAL_TRANSITION); more than is open is INVALID_INPUT. Fulfillment orders left without work are
 * cancelled (a released one gives its release slot back), and the order's status follows what is left.
 */
export async function cancelOrderLines(tx: Tx, rawInput: z.input<typeof cancelOrderLinesInput>, actor: Actor, now = new Date()) {
  const input = parseInput(cancelOrderLinesInput, rawInput)
  return idempotentOrderCommand(tx, { scope: 'cancelOrderLines', input, actor, now, keep: keepOrder(tx) }, () => cancelLines(tx, input, actor, now))
}

async function cancelLines(tx: Tx, input: z.output<typeof cancelOrderLinesInput>, actor: Actor, now: Date) {
  const order = await lockOrder(tx, input.orderId)
  if (actor.role === 'PARTNER' && actor.channelCode !== order.channel.code) throw userError('NOT_FOUND', `Order ${input.orderId} not found`, ['input', 'orderId'])
  if (CLOSED.includes(order.status)) throw userError('ILLEGAL_TRANSITION', `Order ${order.number} is ${order.status}; its lines can no longer be cancelled`, ['input', 'orderId'])
  // The fulfilment lock order (warehouse/locks.ts): the order, then its fulfillment orders; stock comes last.
  await tx.$queryRaw`SELECT id FROM fulfillment_orders WHERE order_id = ${order.id} ORDER BY id FOR UPDATE`
  const fos = await tx.fulfillmentOrder.findMany({ where: { orderId: order.id }, include: { location: { select: { code: true } } } })
  const foById = new Map(fos.map((f) => [f.id, f]))
  const allocations = await tx.allocation.findMany({ where: { orderLine: { orderId: order.id }, status: { in: ['RESERVED', 'PICKED'] } }, orderBy: { id: 'desc' } })
  const lineById = new Map(order.lines.map((l) => [l.id, l]))
  const lineByNumber = new Map(order.lines.map((l) => [l.lineNumber, l]))

  // What each worked line gives up; a bundle line turns into its components in their ratio.
  const wanted = new Map<number, number>()
  const bundleCancels: Array<{ id: number; quantity: number }> = []
  const problems: UserErrorData[] = []
  const seen = new Set<number>()
  input.lines.forEach((req, i) => {
    const field = ['input', 'lines', String(i)]
    const line = lineByNumber.get(req.lineNumber)
    if (!line) return problems.push({ code: 'NOT_FOUND', message: `Order ${order.number} has no line ${req.lineNumber}`, field: [...field, 'lineNumber'] })
    if (seen.has(line.id)) return problems.push({ code: 'INVALID_INPUT', message: `Line ${req.lineNumber} is named twice`, field: [...field, 'lineNumber'] })
    seen.add(line.id)
    if (line.bundleLineId !== null) {
      const parent = lineById.get(line.bundleLineId)
      return problems.push({ code: 'INVALID_INPUT', message: `Line ${line.lineNumber} is part of bundle line ${parent?.lineNumber}; cancel the bundle line`, field: [...field, 'lineNumber'] })
    }
    if (line.isBundle) {
      const components = order.lines.filter((c) => c.bundleLineId === line.id)
      const progress = bundleProgress(line, components)
      const open = Math.min(...components.map((c) => Math.floor((c.quantity - c.cancelledQuantity - c.shippedQuantity) / unitsPerBundle(c, line))))
      if (req.quantity > open) {
        return problems.push({ code: 'INVALID_INPUT', message: `Only ${open} of bundle line ${line.lineNumber} are open (${line.quantity} ordered, ${progress.shippedQuantity} shipped, ${progress.cancelledQuantity} cancelled)`, field: [...field, 'quantity'] })
      }
      bundleCancels.push({ id: line.id, quantity: req.quantity })
      for (const c of components) wanted.set(c.id, req.quantity * unitsPerBundle(c, line))
      return
    }
    const open = line.quantity - line.cancelledQuantity - line.shippedQuantity
    if (req.quantity > open) {
      return problems.push({ code: 'INVALID_INPUT', message: `Only ${open} of line ${line.lineNumber} are open (${line.quantity} ordered, ${line.shippedQuantity} shipped, ${line.cancelledQuantity} cancelled)`, field: [...field, 'quantity'] })
    }
    wanted.set(line.id, req.quantity)
  })
  if (problems.length) throw new DomainError(problems)

  // Take, per line: units never reserved, then backordered ones, then reservations not yet picked (those waiting
  // for release before released ones, newest first). Whatever is left is on the floor.
  const release: UnitsToRelease[] = []
  const lineChanges = new Map<number, { cancelled: number; fromAllocated: number; fromBackordered: number }>()
  for (const [lineId, quantity] of wanted) {
    const line = lineById.get(lineId)!
    let left = quantity
    const unreserved = Math.max(0, line.quantity - line.allocatedQuantity - line.backorderedQuantity - line.cancelledQuantity)
    const fromUnreserved = Math.min(left, unreserved)
    left -= fromUnreserved
    const fromBackordered = Math.min(left, line.backorderedQuantity)
    left -= fromBackordered
    let fromAllocated = 0
    const takeable = allocations
      .filter((a) => a.orderLineId === lineId && a.status === 'RESERVED' && BEFORE_PICK.includes(foById.get(a.fulfillmentOrderId ?? -1)?.status ?? 'CANCELLED'))
      .sort((a, b) => Number(foById.get(a.fulfillmentOrderId!)!.status === 'RELEASED') - Number(foById.get(b.fulfillmentOrderId!)!.status === 'RELEASED') || b.id - a.id)
    for (const a of takeable) {
      if (left === 0) break
      const q = Math.min(left, a.quantity)
      release.push({ allocationId: a.id, allocationQuantity: a.quantity, skuId: line.skuId, locationId: a.locationId, quantity: q })
      fromAllocated += q
      left -= q
    }
    if (left > 0) {
      const onFloor = allocations.filter((a) => a.orderLineId === lineId && !takeable.includes(a))
      const where = [...new Set(onFloor.map((a) => foById.get(a.fulfillmentOrderId ?? -1)).filter((f) => f).map((f) => `${f!.number} (${f!.status} at ${f!.location.code})`))]
      const shown = line.bundleLineId !== null ? lineById.get(line.bundleLineId)! : line
      throw userError(
        'ILLEGAL_TRANSITION',
        `Picking has started for ${left} unit(s) of line ${shown.lineNumber}${where.length ? ` on ${where.join(', ')}` : ''}; only units not yet being picked can be cancelled`,
        ['input', 'lines', String(input.lines.findIndex((l) => l.lineNumber === shown.lineNumber)), 'quantity'],
      )
    }
    lineChanges.set(lineId, { cancelled: quantity, fromAllocated, fromBackordered })
  }

  // Locks in the global order (counters, then positions), then the stock goes back.
  const events: OutboxMessage[] = []
  await lockStock(tx, { channelId: order.channelId, skuIds: release.map((r) => r.skuId), locationIds: release.map((r) => r.locationId) })
  const released = await releaseReservedUnits(tx, order, release, actor, 'ORDER_LINE_CANCELLED')
  events.push(...released.events)
  for (const [lineId, c] of lineChanges) {
    await tx.orderLine.update({
      where: { id: lineId },
      data: { cancelledQuantity: { increment: c.cancelled }, allocatedQuantity: { decrement: c.fromAllocated }, backorderedQuantity: { decrement: c.fromBackordered } },
    })
  }
  for (const b of bundleCancels) await tx.orderLine.update({ where: { id: b.id }, data: { cancelledQuantity: { increment: b.quantity } } })

  // Fulfillment orders left with no work are cancelled; a released one frees its slot of the node's day.
  const touched = new Set(release.map((r) => allocations.find((a) => a.id === r.allocationId)?.fulfillmentOrderId).filter((id): id is number => id != null))
  const work = await cancelEmptiedWork(tx, order.id, fos, touched, now)
  const emptied = work.emptied
  events.push(...work.events)

  const lines = await tx.orderLine.findMany({ where: { orderId: order.id } })
  const fosAfter = fos.map((f) => (emptied.includes(f) ? { ...f, status: 'CANCELLED' as const } : f))
  const next = statusAfterEdit(order.status, lines, fosAfter)
  const timeline: TimelineEntry[] = [...lineChanges.entries()]
    .filter(([lineId]) => lineById.get(lineId)!.bundleLineId === null)
    .map(([lineId, c]) => {
      const l = lineById.get(lineId)!
      return { kind: 'lines_cancelled', title: `Line ${l.lineNumber}: ${c.cancelled} of ${l.quantity} cancelled`, detail: `${input.reason}${c.fromAllocated ? ` - ${c.fromAllocated} reserved unit(s) released` : ''}` }
    })
  for (const b of bundleCancels) {
    const l = lineById.get(b.id)!
    const parts = order.lines.filter((c) => c.bundleLineId === l.id).map((c) => `${lineChanges.get(c.id)?.cancelled ?? 0} x line ${c.lineNumber}`)
    timeline.push({ kind: 'lines_cancelled', title: `Bundle line ${l.lineNumber}: ${b.quantity} of ${l.quantity} cancelled`, detail: `${input.reason} - components ${parts.join(', ')}; ${released.total} reserved unit(s) released in all` })
  }
  timeline.push(...work.timeline)

  const data: Record<string, unknown> = { version: { increment: 1 } }
  if (next !== order.status) {
    orderMachine.assertTransition(order.status, next, ['input', 'orderId'])
    data.status = next
    timeline.push({ kind: 'status', fromStatus: order.status, toStatus: next, title: next === 'CANCELLED' ? 'Order cancelled: every line cancelled' : `Status after cancellation: ${next}`, detail: input.reason })
    events.push({ topic: 'order.status_changed', aggregateType: 'Order', aggregateId: order.id, payload: { from: order.status, to: next, channelId: order.channelId } })
  }
  if (next === 'CANCELLED') {
    Object.assign(data, { holds: [], cancelReason: input.reason, cancelledAt: now })
    await resolveOrderExceptions(tx, order.id, null, `Order cancelled: ${input.reason}`, actor)
    events.push({ topic: 'order.cancelled', aggregateType: 'Order', aggregateId: order.id, payload: { reason: input.reason, releasedUnits: released.total } })
  } else if (next === 'SHIPPED') {
    // Everything still open was cancelled: the order shipped with its last shipment.
    data.shippedAt = (await tx.shipment.aggregate({ where: { orderId: order.id }, _max: { shippedAt: true } }))._max.shippedAt ?? now
  } else if (lines.every((l) => l.backorderedQuantity === 0)) {
    await resolveOrderExceptions(tx, order.id, ['STOCK_SHORTAGE'], `No backordered units left: ${input.reason}`, actor)
  }
  const updated = await tx.order.update({ where: { id: order.id }, data })
  events.push({
    topic: 'order.changed',
    aggregateType: 'Order',
    aggregateId: order.id,
    payload: { change: 'lines_cancelled', lines: input.lines, releasedUnits: released.total, locationIds: [...new Set(release.map((r) => r.locationId))] },
  })
  await recordOrderEvents(tx, order.id, timeline, actor, now)
  await recordEvents(tx, events)
  return updated
}
