import { Prisma, type PrismaClient } from '@ops-hub/db'
import { zonedInstant, type IsoDate } from '../../orders/business-calendar.ts'
import { moveFulfillmentOrder } from '../../orders/commands/move-fulfillment-order.ts'
import { releasableWork, releaseQueueOrder } from '../../orders/commands/release-orders.ts'
import { nodeCapacityDay } from '../queries/node-capacity.ts'
import { getSetting } from '../../settings/settings.ts'
import { DomainError } from '../../shared/errors.ts'
import { inTransaction } from '../../shared/transaction.ts'
import { automationActor, automationOf } from '../node-automation.ts'

/** A node's working day and how much of it is taken: released for the day, and waiting for release. */
interface NodeLoad {
  id: number
  code: string
  timezone: string
  day: IsoDate
  atRiskBefore: Date
  capacity: number
  released: number
  waiting: number
}

export interface PulledWork {
  fulfillmentOrderId: number
  number: string
  from: string
  reason: string
}

export interface PullOutcome {
  /** Why nothing was looked at, when nothing was: OFF (the setting, or the node does not release automatically). */
  skipped: 'OFF' | 'NO_ROOM' | null
  /** Release slots the node had free on its working day before pulling. */
  room: number
  pulled: PulledWork[]
}

/** Candidates looked at per free slot: some will not be coverable from the pulling node's stock. */
const CANDIDATES_PER_SLOT = 4

/**
 * Work balancing: a node with room on its working day (released plus waiting for release below its capacity) pulls
 * fulfillment orders that another node will not release on its own working day - those standing in that node's
 * release queue beyond what it can still release - when it holds the stock for all of their units. Most urgent first
 * (the queues' own order, then ship-by), at most as many as its free slots. Each pull is `moveFulfillmentOrder` in its
 * own transaction (all or nothing: reserve here, release there, the order's timeline says why), as an operator would
 * move it. Routing already sends a new order where it is released soonest; this serves work routed before the
 * queues changed - a promotion's backlog at the overflow node while the main node has room again, or stock that
 * arrived at a node after the order was placed. Only nodes with automatic release pull; off with the setting
 * `orders.balanceQueues: false`.
 */
export async function pullQueuedWork(prisma: PrismaClient, input: { locationId: number }, now = new Date()): Promise<PullOutcome> {
  if (!(await getSetting(prisma, 'orders.balanceQueues'))) return { skipped: 'OFF', room: 0, pulled: [] }
  // Only a node that releases by itself pulls: a manually run node's room is its operators' to fill.
  if (!automationOf(await prisma.nodeAutomation.findUnique({ where: { locationId: input.locationId } })).autoRelease) return { skipped: 'OFF', room: 0, pulled: [] }
  // The pulling node first: most calls find it without room and read nothing else.
  const [target] = await nodeLoads(prisma, now, input.locationId)
  const room = target ? target.capacity - target.released - target.waiting : 0
  if (!target || room <= 0) return { skipped: 'NO_ROOM', room: 0, pulled: [] }
  const loads = await nodeLoads(prisma, now)

  // Each backlogged node's queue past what it can still release on its working day, in its release order.
  const candidates: Array<{ id: number; number: string; shipBy: Date | null; rank: number; source: NodeLoad }> = []
  for (const source of loads) {
    if (source.id === target.id) continue
    const left = Math.max(0, source.capacity - source.released)
    if (source.waiting <= left) continue
    const rows = await prisma.$queryRaw<Array<{ id: number; number: string; ship_by: Date | null }>>`
      SELECT fo.id, fo.number, fo.ship_by FROM fulfillment_orders fo JOIN orders o ON o.id = fo.order_id JOIN channels c ON c.id = o.channel_id
      WHERE ${releasableWork(source.id)}
      ORDER BY ${releaseQueueOrder(source.atRiskBefore, source.timezone)}
      OFFSET ${left} LIMIT ${room * CANDIDATES_PER_SLOT}`
    rows.forEach((r, i) => candidates.push({ id: r.id, number: r.number, shipBy: r.ship_by, rank: i, source }))
  }
  if (candidates.length === 0) return { skipped: null, room, pulled: [] }
  candidates.sort((a, b) => (a.shipBy?.getTime() ?? Infinity) - (b.shipBy?.getTime() ?? Infinity) || a.rank - b.rank || a.id - b.id)

  // What the pulling node could take, read once: moveFulfillmentOrder re-checks on locked rows, so this only saves
  // transactions bound to fail.
  const need = await prisma.$queryRaw<Array<{ fulfillment_order_id: number; sku_id: number; quantity: number }>>`
    SELECT a.fulfillment_order_id, ol.sku_id, sum(a.quantity)::int AS quantity FROM allocations a JOIN order_lines ol ON ol.id = a.order_line_id
    WHERE a.fulfillment_order_id IN (${Prisma.join(candidates.map((c) => c.id))}) AND a.status = 'RESERVED'
    GROUP BY 1, 2`
  const skuIds = [...new Set(need.map((n) => n.sku_id))]
  const stock = new Map<number, number>()
  if (skuIds.length) {
    const rows = await prisma.$queryRaw<Array<{ sku_id: number; available: number }>>`
      SELECT sku_id, (on_hand - reserved - damaged - quality_control - safety_stock)::int AS available FROM stock_positions
      WHERE location_id = ${target.id} AND sku_id IN (${Prisma.join(skuIds)})`
    for (const r of rows) stock.set(r.sku_id, r.available)
  }

  const actor = automationActor(target.code)
  const pulled: PulledWork[] = []
  for (const c of candidates) {
    if (pulled.length >= room) break
    const lines = need.filter((n) => n.fulfillment_order_id === c.id)
    if (lines.length === 0 || lines.some((l) => (stock.get(l.sku_id) ?? 0) < l.quantity)) continue
    const s = c.source
    const reason =
      `work balancing: ${s.code} will not release it on ${s.day} (released ${s.released} of ${s.capacity}, ${s.waiting} waiting); ` +
      `${target.code} has room on ${target.day} (released ${target.released} of ${target.capacity}, ${target.waiting + pulled.length} waiting)`
    try {
      await inTransaction(prisma, (tx) => moveFulfillmentOrder(tx, { fulfillmentOrderId: c.id, toLocationCode: target.code, reason }, actor, now))
    } catch (err) {
      // Taken meanwhile (picked, cancelled, moved) or the stock went: leave it where it is.
      if (err instanceof DomainError) continue
      throw err
    }
    for (const l of lines) stock.set(l.sku_id, (stock.get(l.sku_id) ?? 0) - l.quantity)
    pulled.push({ fulfillmentOrderId: c.id, number: c.number, from: s.code, reason })
  }
  return { skipped: null, room, pulled }
}

/** Each active fulfilment node's (or one's) working day, release capacity and released count (nodeCapacityDay), and waiting work. */
async function nodeLoads(prisma: PrismaClient, now: Date, onlyId?: number): Promise<NodeLoad[]> {
  const nodes = await prisma.location.findMany({ where: { active: true, isFulfillmentNode: true, ...(onlyId ? { id: onlyId } : {}) }, orderBy: { id: 'asc' } })
  if (nodes.length === 0) return []
  const counts = await prisma.$queryRaw<Array<{ location_id: number; waiting: number }>>`
    SELECT fo.location_id, count(*)::int AS waiting FROM fulfillment_orders fo JOIN orders o ON o.id = fo.order_id
    WHERE ${releasableWork()} AND fo.location_id IN (${Prisma.join(nodes.map((n) => n.id))})
    GROUP BY 1`
  const loads: NodeLoad[] = []
  for (const n of nodes) {
    const day = await nodeCapacityDay(prisma, n, now)
    loads.push({
      id: n.id,
      code: n.code,
      timezone: n.timezone,
      day: day.day,
      atRiskBefore: zonedInstant(day.day, n.cutoffMinutes, n.timezone),
      capacity: day.releaseCapacity,
      released: day.released,
      waiting: counts.find((c) => c.location_id === n.id)?.waiting ?? 0,
    })
  }
  return loads
}
