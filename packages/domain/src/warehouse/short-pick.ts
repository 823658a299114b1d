import type { Tx } from '@ops-hub/db'
import type { Actor } from '../shared/actor.ts'
import { DomainError } from '../shared/errors.ts'
import { moveStock } from '../inventory/ledger.ts'
import { openException } from '../exceptions/commands/open-exception.ts'
import { binSlots, planPicks } from './bin-plan.ts'
import { announceStock, releaseChannelUnits } from './stock-events.ts'
import { workingDay } from '../orders/business-calendar.ts'
import { holidaysFor } from '../shipments/delivery-projection.ts'
import { moveFulfillmentStatus } from './status-moves.ts'
import { getSetting } from '../settings/settings.ts'

export interface ShortPickOutcome {
  exceptionId: number
  /** Units re-reserved at the same node and queued as new pick tasks in the same wave. */
  sameNode: number
  /** Units re-reserved at other nodes (new allocation on a fulfillment order there, released at once). */
  otherNodes: Array<{ locationId: number; quantity: number }>
  /** Of the units re-reserved (same node or others), those taken from safety stock. */
  fromSafetyStock: number
  backordered: number
}

interface ShortTask {
  id: number
  waveId: number
  binId: number
  skuId: number
  quantity: number
  fulfillmentOrderId: number
  allocationId: number | null
  bin: { code: string }
  sku: { code: string }
  fulfillmentOrder: { id: number; number: string; orderId: number; locationId: number; priority: number; shipBy: Date | null }
}

/**
 * Re-sourcing reserves with the `buckets` guard, not `available`: a unit already promised to a customer that turns out
 * not to be on the shelf may be covered from another node's safety stock (units on its shelves that no one was
 * promised). Safety stock is held against exactly this - supply turning out short - and the replenishment plan restores
 * it; keeping it while breaking a promise already made would be backwards. New orders never promise it.
 */
async function tryReserve(tx: Tx, skuId: number, locationId: number, quantity: number, actor: Actor, orderId: number, ref: string, fromSafetyStock = 0) {
  try {
    const position = await moveStock(tx, {
      skuId, locationId, type: 'RESERVED', deltas: { reserved: quantity }, guard: 'buckets', actor, orderId,
      reasonCode: 'PICK_SHORT_REALLOCATION', referenceDocumentUri: ref, ...(fromSafetyStock > 0 ? { metadata: { fromSafetyStock } } : {}),
    })
    await announceStock(tx, position, 'reallocation')
    return true
  } catch (err) {
    // The guarded UPDATE matched no row: nothing was written, the transaction is still good.
    if (err instanceof DomainError && err.errors[0]?.code === 'INSUFFICIENT_STOCK') return false
    throw err
  }
}

/**
 * A short pick: the bin held fewer units than the book said. The book is corrected (bin and position, with a
 * PICK_SHORT ledger event that takes the missing units out of on-hand and reserved), a PICK_SHORT exception goes
 * to operations, and the missing units are re-reserved: first from other bins at the same node (new tasks in the
 * same wave), then at other nodes with unpromised stock - available first, then safety stock (a new allocation on a
 * fulfillment order there, released at once against its capacity) - and whatever is left is backordered on the line.
 */
export async function handleShortPick(tx: Tx, task: ShortTask, pickedQuantity: number, actor: Actor): Promise<ShortPickOutcome> {
  const missing = task.quantity - pickedQuantity
  const fo = task.fulfillmentOrder
  const ref = `pick-task:${task.id}`

  const corrected = await moveStock(tx, {
    skuId: task.skuId, locationId: fo.locationId, type: 'ADJUSTED', reasonCode: 'PICK_SHORT',
    deltas: { onHand: -missing, reserved: -missing }, actor, orderId: fo.orderId, referenceDocumentUri: ref,
    metadata: { bin: task.bin.code, expected: task.quantity, picked: pickedQuantity },
  })
  await announceStock(tx, corrected, 'pick_short')
  // What the picker found is all the bin had: it is empty now.
  await tx.binStock.updateMany({ where: { binId: task.binId, skuId: task.skuId }, data: { quantity: 0 } })

  const exception = await openException(tx, {
    type: 'PICK_SHORT',
    severity: 'MEDIUM',
    ownerRole: 'OPERATIONS',
    subjectType: 'PickTask',
    subjectId: task.id,
    orderId: fo.orderId,
    stockPositionId: corrected.id,
    title: `Short pick: ${missing} x ${task.sku.code} missing in bin ${task.bin.code}`,
    detail: `${fo.number}: expected ${task.quantity}, found ${pickedQuantity}. Bin and stock position corrected; count the bin.`,
    data: { bin: task.bin.code, sku: task.sku.code, expected: task.quantity, picked: pickedQuantity, missing },
  })

  const outcome: ShortPickOutcome = { exceptionId: exception.id, sameNode: 0, otherNodes: [], fromSafetyStock: 0, backordered: 0 }
  let remaining = missing

  // 1. Other bins at this node: its unpromised units, safety stock included (see tryReserve).
  const slots = await binSlots(tx, fo.locationId, task.skuId, [task.binId])
  const unpromisedHere = Math.max(0, corrected.onHand - corrected.reserved - corrected.damaged - corrected.qualityControl)
  const { picks } = planPicks(slots, Math.min(remaining, unpromisedHere))
  const sameNode = picks.reduce((s, p) => s + p.quantity, 0)
  const sameNodeSafety = Math.max(0, sameNode - corrected.available)
  if (sameNode > 0 && (await tryReserve(tx, task.skuId, fo.locationId, sameNode, actor, fo.orderId, ref, sameNodeSafety))) {
    outcome.fromSafetyStock += sameNodeSafety
    const last = await tx.pickTask.aggregate({ where: { waveId: task.waveId }, _max: { sequence: true } })
    let seq = last._max.sequence ?? 0
    await tx.pickTask.createMany({
      data: picks.map((p) => ({
        waveId: task.waveId, fulfillmentOrderId: fo.id, allocationId: task.allocationId, binId: p.binId, skuId: task.skuId,
        quantity: p.quantity, sequence: ++seq,
      })),
    })
    outcome.sameNode = sameNode
    remaining -= sameNode
  }

  const allocation = task.allocationId ? await tx.allocation.findUnique({ where: { id: task.allocationId } }) : null

  // 2. Other nodes, most available first, then the most safety stock (unless the setting keeps a short pick at its node).
  if (remaining > 0 && allocation && (await getSetting(tx, 'fulfillment.shortPickReroute'))) {
    const candidates = await tx.$queryRaw<Array<{ location_id: number; available: number; unpromised: number }>>`
      SELECT sp.location_id, GREATEST(0, sp.on_hand - sp.reserved - sp.safety_stock - sp.damaged - sp.quality_control)::int AS available,
        (sp.on_hand - sp.reserved - sp.damaged - sp.quality_control)::int AS unpromised
      FROM stock_positions sp JOIN locations l ON l.id = sp.location_id
      WHERE sp.sku_id = ${task.skuId} AND sp.location_id <> ${fo.locationId} AND l.active AND l.is_fulfillment_node
        AND sp.on_hand - sp.reserved - sp.damaged - sp.quality_control > 0
      ORDER BY available DESC, unpromised DESC, sp.location_id ASC`
    for (const c of candidates) {
      if (remaining <= 0) break
      const locationId = Number(c.location_id)
      // The order's work at that node (a move can leave two there: the one still open or released takes it).
      const atNode = await tx.fulfillmentOrder.findMany({ where: { orderId: fo.orderId, locationId }, orderBy: { id: 'asc' } })
      const existing = atNode.find((f) => f.status === 'OPEN' || f.status === 'RELEASED') ?? atNode[0] ?? null
      // A fulfillment order already past release at that node cannot take more work.
      if (existing && !['OPEN', 'RELEASED'].includes(existing.status)) continue
      const take = Math.min(remaining, Number(c.unpromised))
      const safety = Math.max(0, take - Number(c.available))
      if (!(await tryReserve(tx, task.skuId, locationId, take, actor, fo.orderId, ref, safety))) continue
      outcome.fromSafetyStock += safety
      const target =
        existing ??
        (await tx.fulfillmentOrder.create({ data: { orderId: fo.orderId, locationId, priority: fo.priority, shipBy: fo.shipBy } }))
      await tx.allocation.create({ data: { orderLineId: allocation.orderLineId, locationId, fulfillmentOrderId: target.id, quantity: take } })
      if (target.status === 'OPEN') await releaseRecoveredWork(tx, target.id, locationId, actor)
      outcome.otherNodes.push({ locationId, quantity: take })
      remaining -= take
    }
  }

  // 3. Backorder the rest. The units re-reserved elsewhere also leave this allocation.
  const leaving = missing - outcome.sameNode
  if (allocation && leaving > 0) {
    const left = allocation.quantity - leaving
    await tx.allocation.update({
      where: { id: allocation.id },
      data: left > 0 ? { quantity: left } : { status: 'CANCELLED' },
    })
  }
  if (remaining > 0 && allocation) {
    await tx.orderLine.update({
      where: { id: allocation.orderLineId },
      data: { allocatedQuantity: { decrement: remaining }, backorderedQuantity: { increment: remaining } },
    })
    await releaseChannelUnits(tx, fo.orderId, task.skuId, remaining)
    outcome.backordered = remaining
  }

  const parts = [
    outcome.sameNode ? `${outcome.sameNode} re-allocated to other bins` : null,
    outcome.otherNodes.length ? `${outcome.otherNodes.reduce((s, n) => s + n.quantity, 0)} re-allocated to other nodes` : null,
    outcome.backordered ? `${outcome.backordered} backordered` : null,
  ].filter(Boolean)
  if (outcome.fromSafetyStock > 0) parts.push(`${outcome.fromSafetyStock} of them from safety stock`)
  await tx.orderEvent.create({
    data: {
      orderId: fo.orderId,
      kind: 'pick_short',
      title: `Short pick of ${task.sku.code}`,
      detail: `${missing} missing in bin ${task.bin.code}: ${parts.join(', ') || 'nothing to re-allocate'}`,
      actor: actor.id,
    },
  })
  return outcome
}

/**
 * Work re-allocated after a short pick belongs to an order already in fulfillment, so it skips the release queue
 * (which only serves orders not yet started) and is released at once, still counted against the node's capacity
 * for its working day.
 */
async function releaseRecoveredWork(tx: Tx, fulfillmentOrderId: number, locationId: number, actor: Actor) {
  const location = await tx.location.findUniqueOrThrow({ where: { id: locationId }, select: { code: true, timezone: true, cutoffMinutes: true } })
  const { day } = workingDay(new Date(), location, await holidaysFor(tx, locationId))
  await tx.$executeRaw`
    INSERT INTO node_day_loads (location_id, day, released) VALUES (${locationId}, ${day}::date, 1)
    ON CONFLICT (location_id, day) DO UPDATE SET released = node_day_loads.released + 1`
  await moveFulfillmentStatus(tx, fulfillmentOrderId, 'RELEASED', actor, {
    title: `Released to ${location.code} after a short pick`,
    detail: `Missing units re-allocated to ${location.code} for ${day}`,
    data: { releasedAt: new Date() },
  })
}
