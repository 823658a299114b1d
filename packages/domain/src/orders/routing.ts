/**
 * Node routing as a pure function, so every decision can be unit-tested and explained.
 *
 * Rules, in order:
 *  1. Candidates are active fulfilment nodes with promisable stock of at least one of the order's SKUs.
 *     A node whose working day is full - released plus already waiting for release reaches its release capacity -
 *     is used only for what the nodes with room cannot cover (stock in a busy node is better than a backorder), the
 *     one with the shortest queue first (working days of its own capacity), so the order waits where it will be
 *     released soonest rather than at the nearest node.
 *  2. SHIP_COMPLETE: if one or more nodes with room can ship every line complete, the best of them takes it all
 *     (when every node with stock is full, the same among the full ones).
 *  3. SPLIT: otherwise nodes are taken greedily, the one covering the most remaining units first - nodes with room,
 *     then full ones - until the order is covered or no node has more (PARTIAL when units remain, BACKORDER when
 *     nothing was covered).
 *  Ties break by zone (ship-to vs node: 1 same region, 2 same first postal character, 3 same country,
 *  4 abroad), then shipping cost per order, then node code.
 */

export interface RoutingNode {
  locationId: number
  code: string
  country: string
  region: string | null
  postalCode: string | null
  shippingCost: number
  /** Released plus waiting for release fills the node's working day: a new order would wait for a later day. */
  atCapacity: boolean
  /** Working days of release queue ahead of a new order at the node's capacity (0: released on its working day). */
  queueDays?: number
  /** The node's load, e.g. "released 40 of 40 for 2026-11-27, 12 more waiting for release". */
  capacityNote?: string
  /** Promisable units per SKU id at this node. */
  stock: ReadonlyMap<number, number>
}

export interface RoutingLine {
  lineId: number
  skuId: number
  /** Units to place (already limited by channel rules). */
  quantity: number
}

export interface ShipToZone {
  country: string
  region?: string | null
  postalCode?: string | null
}

export type RoutingRule = 'SHIP_COMPLETE' | 'SPLIT' | 'PARTIAL' | 'BACKORDER'

export interface RoutingAssignment {
  lineId: number
  skuId: number
  locationId: number
  quantity: number
}

export interface RoutingDecision {
  rule: RoutingRule
  summary: string
  nodes: Array<{ locationId: number; code: string; quantity: number; reason: string }>
  rejected: Array<{ locationId: number; code: string; reason: string }>
}

export interface RoutingPlan {
  decision: RoutingDecision
  assignments: RoutingAssignment[]
}

export function zoneOf(node: Pick<RoutingNode, 'country' | 'region' | 'postalCode'>, shipTo: ShipToZone): { zone: number; label: string } {
  const norm = (s: string | null | undefined) => (s ?? '').trim().toUpperCase()
  if (norm(node.country) !== norm(shipTo.country)) return { zone: 4, label: 'zone 4 (other country)' }
  if (norm(node.region) && norm(node.region) === norm(shipTo.region)) return { zone: 1, label: `zone 1 (same region ${norm(node.region)})` }
  if (norm(node.postalCode) && norm(node.postalCode)[0] === norm(shipTo.postalCode)[0]) {
    return { zone: 2, label: `zone 2 (same postal area ${norm(shipTo.postalCode)[0]})` }
  }
  return { zone: 3, label: 'zone 3 (same country)' }
}

function compareNodes(a: RoutingNode, b: RoutingNode, shipTo: ShipToZone): number {
  return zoneOf(a, shipTo).zone - zoneOf(b, shipTo).zone || a.shippingCost - b.shippingCost || a.code.localeCompare(b.code)
}

/** Full nodes: the shortest queue first, then as any node. */
function compareFullNodes(a: RoutingNode, b: RoutingNode, shipTo: ShipToZone): number {
  return (a.queueDays ?? 0) - (b.queueDays ?? 0) || compareNodes(a, b, shipTo)
}

const days = (n: number) => `${n} working day${n === 1 ? '' : 's'}`
const queueOf = (n: RoutingNode) => `at capacity (${n.capacityNote ?? 'no release capacity left today'}; ${days(n.queueDays ?? 0)} of queue)`
const describe = (n: RoutingNode, shipTo: ShipToZone) =>
  `${zoneOf(n, shipTo).label}, cost ${n.shippingCost.toFixed(2)}${n.atCapacity ? `, ${queueOf(n)}` : ''}`

export function planRouting(lines: RoutingLine[], nodes: RoutingNode[], shipTo: ShipToZone): RoutingPlan {
  const demand = new Map<number, number>()
  for (const l of lines) demand.set(l.skuId, (demand.get(l.skuId) ?? 0) + l.quantity)
  const totalUnits = lines.reduce((s, l) => s + l.quantity, 0)
  const rejected: RoutingDecision['rejected'] = []
  const withStock: RoutingNode[] = []
  for (const n of nodes) {
    const has = [...demand.keys()].some((sku) => (n.stock.get(sku) ?? 0) > 0)
    if (has) withStock.push(n)
    else rejected.push({ locationId: n.locationId, code: n.code, reason: 'no promisable stock of the ordered SKUs' })
  }
  const withRoom = withStock.filter((n) => !n.atCapacity).sort((a, b) => compareNodes(a, b, shipTo))
  const full = withStock.filter((n) => n.atCapacity).sort((a, b) => compareFullNodes(a, b, shipTo))
  const rejectFull = (used: Set<RoutingNode>) => {
    for (const n of full) if (!used.has(n)) rejected.push({ locationId: n.locationId, code: n.code, reason: `at capacity: ${n.capacityNote ?? 'no release capacity left today'}` })
  }

  if (totalUnits === 0 || withStock.length === 0) {
    return {
      assignments: [],
      decision: {
        rule: 'BACKORDER',
        summary: totalUnits === 0 ? 'Nothing to place: channel allocation rules leave no units for this order.' : 'No node has promisable stock for this order; it is backordered.',
        nodes: [],
        rejected,
      },
    }
  }

  // Ship complete from the best node with room; when every node with stock is full, from the full one released soonest.
  const tier = withRoom.length > 0 ? withRoom : full
  const fallbackNote = withRoom.length === 0 ? ' Every node with stock is at capacity today; release waits for capacity.' : ''
  const complete = tier.filter((n) => [...demand].every(([sku, qty]) => (n.stock.get(sku) ?? 0) >= qty))
  if (complete.length > 0) {
    const best = complete[0]
    for (const n of tier) {
      if (n === best) continue
      rejected.push({
        locationId: n.locationId,
        code: n.code,
        reason: complete.includes(n)
          ? `could also ship complete, but ${best.code} ranks first (${describe(best, shipTo)} vs ${describe(n, shipTo)})`
          : `cannot ship complete (${unitsCoverable(n, demand)} of ${totalUnits} units)`,
      })
    }
    if (tier === withRoom) rejectFull(new Set())
    return {
      assignments: lines.filter((l) => l.quantity > 0).map((l) => ({ lineId: l.lineId, skuId: l.skuId, locationId: best.locationId, quantity: l.quantity })),
      decision: {
        rule: 'SHIP_COMPLETE',
        summary: `${best.code} can ship all ${totalUnits} units complete (${describe(best, shipTo)}); no split needed.${fallbackNote}`,
        nodes: [{ locationId: best.locationId, code: best.code, quantity: totalUnits, reason: `ships complete; ${describe(best, shipTo)}` }],
        rejected,
      },
    }
  }

  // Greedy split: the node covering most of what is still missing goes next - nodes with room first, then full ones.
  const left = new Map(withStock.map((n) => [n.locationId, new Map(n.stock)]))
  const remaining = new Map(lines.map((l) => [l.lineId, l.quantity]))
  const chosen: RoutingDecision['nodes'] = []
  const used = new Set<RoutingNode>()
  const assignments: RoutingAssignment[] = []
  const coverable = (n: RoutingNode) => lines.reduce((s, l) => s + Math.min(remaining.get(l.lineId)!, left.get(n.locationId)!.get(l.skuId) ?? 0), 0)
  const covered = () => [...remaining.values()].every((q) => q === 0)
  for (const [candidates, order] of [
    [withRoom, compareNodes],
    [full, compareFullNodes],
  ] as const) {
    const pool = [...candidates]
    while (pool.length > 0 && !covered()) {
      const pick = pool.map((n) => ({ n, units: coverable(n) })).sort((a, b) => b.units - a.units || order(a.n, b.n, shipTo))[0]
      if (pick.units === 0) break
      pool.splice(pool.indexOf(pick.n), 1)
      used.add(pick.n)
      const stock = left.get(pick.n.locationId)!
      const missing = [...remaining.values()].reduce((s, q) => s + q, 0)
      let units = 0
      for (const l of lines) {
        const q = Math.min(remaining.get(l.lineId)!, stock.get(l.skuId) ?? 0)
        if (q <= 0) continue
        remaining.set(l.lineId, remaining.get(l.lineId)! - q)
        stock.set(l.skuId, (stock.get(l.skuId) ?? 0) - q)
        assignments.push({ lineId: l.lineId, skuId: l.skuId, locationId: pick.n.locationId, quantity: q })
        units += q
      }
      chosen.push({
        locationId: pick.n.locationId,
        code: pick.n.code,
        quantity: units,
        reason: `covers ${units} of the ${missing} units still needed (most of any ${pick.n.atCapacity && withRoom.length ? 'full ' : ''}node; ${describe(pick.n, shipTo)})`,
      })
    }
  }
  for (const n of withRoom) {
    if (!used.has(n)) rejected.push({ locationId: n.locationId, code: n.code, reason: 'not needed: the chosen nodes already cover what it could add' })
  }
  if (withRoom.length) rejectFull(used)
  else for (const n of full) if (!used.has(n)) rejected.push({ locationId: n.locationId, code: n.code, reason: 'not needed: the chosen nodes already cover what it could add' })

  const short = [...remaining.values()].reduce((s, q) => s + q, 0)
  const placed = totalUnits - short
  const rule: RoutingRule = placed === 0 ? 'BACKORDER' : short > 0 ? 'PARTIAL' : 'SPLIT'
  const bestSingle = tier.map((n) => ({ n, units: unitsCoverable(n, demand) })).sort((a, b) => b.units - a.units || compareNodes(a.n, b.n, shipTo))[0]
  const completeFull = withRoom.length ? full.find((n) => [...demand].every(([sku, qty]) => (n.stock.get(sku) ?? 0) >= qty)) : undefined
  const why = completeFull
    ? `No node with release capacity left can ship all ${totalUnits} units (best: ${bestSingle.n.code} with ${bestSingle.units}; ${completeFull.code} could, but is ${queueOf(completeFull)}).`
    : `No single node can ship all ${totalUnits} units (best: ${bestSingle.n.code} with ${bestSingle.units}).`
  const split = chosen.map((c) => `${c.code} (${c.quantity})`).join(', ')
  const busy = withRoom.length ? chosen.filter((c) => full.some((n) => n.locationId === c.locationId)).map((c) => c.code) : []
  const busyNote = busy.length ? ` ${busy.join(', ')} ${busy.length === 1 ? 'is' : 'are'} at capacity today: ${busy.length === 1 ? 'its' : 'their'} part waits for release rather than being backordered.` : ''
  const summary =
    rule === 'SPLIT'
      ? `${why} Split across ${split}.`
      : rule === 'PARTIAL'
        ? `${why} ${placed} units placed at ${split}; ${short} backordered.`
        : 'No node has promisable stock for this order; it is backordered.'
  return { assignments, decision: { rule, summary: summary + busyNote + fallbackNote, nodes: chosen, rejected } }
}

function unitsCoverable(n: RoutingNode, demand: Map<number, number>): number {
  let units = 0
  for (const [sku, qty] of demand) units += Math.min(qty, n.stock.get(sku) ?? 0)
  return units
}
