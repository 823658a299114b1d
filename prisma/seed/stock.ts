import type { Rng } from './rng.ts'
import type { World, SkuInfo, NodeInfo } from './world.ts'
import type { Row } from './bulk-insert.ts'

export interface Buckets {
  onHand: number
  reserved: number
  damaged: number
  qualityControl: number
  incoming: number
  inTransit: number
  safetyStock: number
}

export interface Position extends Buckets {
  id: number
  sku: SkuInfo
  node: NodeInfo
  binIds: number[]
  lastCountedAt: number | null
  /** Mean daily demand this node is expected to serve, for replenishment. */
  dailyDemand: number
  /**
   * Chance that a shipment from this position is mis-picked (one unit too many or too few leaves the bin), and a third
   * of the chance per PO receipt of a miscount at put-away: some bins are error-prone (mixed SKUs, awkward slots).
   */
  errorRate: number
  /** Units physically here minus units on the book: what the next count finds (unknown to the hub until then). */
  drift: number
  /** When the position was set up (its last count in the previous system, so its drift has piled up since). */
  createdAt: number
}

const DELTA_COLUMNS: Array<[keyof Buckets, string]> = [
  ['onHand', 'on_hand_delta'],
  ['reserved', 'reserved_delta'],
  ['damaged', 'damaged_delta'],
  ['qualityControl', 'quality_control_delta'],
  ['incoming', 'incoming_delta'],
  ['inTransit', 'in_transit_delta'],
  ['safetyStock', 'safety_stock_delta'],
]

export interface MoveOptions {
  actor: string
  reason?: string | null
  ref?: string | null
  orderId?: number | null
  metadata?: Record<string, unknown> | null
}

/** Stock positions keyed by (sku, node), and the ledger every bucket change is written to. */
export class Stock {
  readonly positions: Position[] = []
  private readonly byKey = new Map<string, Position>()
  /** Draws the physical errors of shipments and receipts (set by assignErrorRates); none before. */
  private driftRng: Rng | null = null

  constructor(private readonly w: World) {}

  /**
   * Gives every position its error rate (lognormal around a small base: most bins are clean, a few are not) and from
   * then on lets shipments and PO receipts drift the physical stock away from the book, for counts to find.
   */
  assignErrorRates(rng: Rng, carriedOver: { openedAt: number; meanDaysSinceCount: (p: Position) => number }): void {
    for (const p of this.positions) {
      p.errorRate = Math.min(0.2, 0.01 * Math.exp(rng.normal(0, 1.1)))
      // The warehouse did not start clean: each position was last counted in the previous system some while before the
      // migration (as often as counting reaches it here), and has drifted since at its own rates.
      const days = Math.min(365, -carriedOver.meanDaysSinceCount(p) * Math.log(1 - rng.next()))
      p.createdAt = carriedOver.openedAt - days * 86_400_000 - 3_600_000
      const errors = poisson(rng, days * (p.errorRate / 8 + p.errorRate * p.dailyDemand * 0.8))
      for (let k = 0; k < errors; k++) p.drift += rng.chance(0.5) ? -1 : 1
    }
    this.driftRng = rng
  }

  /** A day on the floor: units are misplaced, borrowed or pocketed (mostly lost, now and then turned up) at error-prone positions. */
  driftOvernight(): void {
    const rng = this.driftRng
    if (!rng) return
    for (const p of this.positions) if (rng.chance(p.errorRate / 8)) p.drift += (rng.chance(0.8) ? -1 : 1) * rng.int(1, 2)
  }

  create(sku: SkuInfo, node: NodeInfo, binIds: number[]): Position {
    const p: Position = {
      id: this.positions.length + 1,
      sku,
      node,
      binIds,
      lastCountedAt: null,
      dailyDemand: 0,
      errorRate: 0,
      drift: 0,
      createdAt: this.w.now - 90 * 86_400_000 - 3_600_000,
      onHand: 0,
      reserved: 0,
      damaged: 0,
      qualityControl: 0,
      incoming: 0,
      inTransit: 0,
      safetyStock: 0,
    }
    this.positions.push(p)
    this.byKey.set(`${sku.id}:${node.id}`, p)
    return p
  }

  get(skuId: number, nodeId: number): Position | undefined {
    return this.byKey.get(`${skuId}:${nodeId}`)
  }

  /** Sellable units: what a reservation may take without touching protected, damaged or QC units. */
  available(p: Position): number {
    return Math.max(0, p.onHand - p.reserved - p.safetyStock - p.damaged - p.qualityControl)
  }

  /**
   * Applies deltas if the result is legal (no bucket negative, reserved + damaged + QC <= onHand, and for
   * `guard: 'available'` the position stays sellable) and appends the ledger event; returns false otherwise.
   */
  /** Whether the deltas would leave the position legal (see `move`). */
  allows(p: Position, deltas: Partial<Buckets>): boolean {
    const n = this.apply(p, deltas)
    return !Object.values(n).some((v) => v < 0) && n.reserved + n.damaged + n.qualityControl <= n.onHand
  }

  private apply(p: Position, deltas: Partial<Buckets>): Buckets {
    return {
      onHand: p.onHand + (deltas.onHand ?? 0),
      reserved: p.reserved + (deltas.reserved ?? 0),
      damaged: p.damaged + (deltas.damaged ?? 0),
      qualityControl: p.qualityControl + (deltas.qualityControl ?? 0),
      incoming: p.incoming + (deltas.incoming ?? 0),
      inTransit: p.inTransit + (deltas.inTransit ?? 0),
      safetyStock: p.safetyStock + (deltas.safetyStock ?? 0),
    }
  }

  move(p: Position, type: string, deltas: Partial<Buckets>, at: number, o: MoveOptions, guard: 'buckets' | 'available' = 'buckets'): boolean {
    const n = this.apply(p, deltas)
    if (Object.values(n).some((v) => v < 0)) return false
    if (n.reserved + n.damaged + n.qualityControl > n.onHand) return false
    if (guard === 'available' && n.onHand - n.reserved - n.safetyStock - n.damaged - n.qualityControl < 0) return false
    Object.assign(p, n)
    const drift = this.driftRng
    if (drift && p.errorRate > 0) {
      if (type === 'SHIPPED' && drift.chance(p.errorRate)) p.drift += drift.chance(0.5) ? -1 : 1
      else if (type === 'RECEIVED' && o.reason === 'PO_RECEIPT' && drift.chance(Math.min(1, 3 * p.errorRate))) p.drift += (drift.chance(0.5) ? -1 : 1) * drift.int(1, 3)
    }
    const row: Row = {
      stock_position_id: p.id,
      sku_id: p.sku.id,
      location_id: p.node.id,
      type,
      reason_code: o.reason ?? null,
      actor: o.actor,
      reference_document_uri: o.ref ?? null,
    }
    for (const [k, col] of DELTA_COLUMNS) row[col] = deltas[k] ?? 0
    row.order_id = o.orderId ?? null
    row.metadata = o.metadata ?? null
    row.occurred_at = new Date(at)
    this.w.insert('inventory_events', row)
    return true
  }

  /**
   * Writes the final positions and their bin stock: each position's on-hand spread over its one or two bins
   * (the first holds most), so bin quantities always add up to on-hand.
   */
  finish(rng: Rng): void {
    const now = new Date(this.w.now)
    for (const p of this.positions) {
      this.w.push('stock_positions', {
        id: p.id,
        sku_id: p.sku.id,
        location_id: p.node.id,
        // Written here: the load runs with triggers suspended, so stock_positions_sku_code does not fill it.
        sku_code: p.sku.code,
        on_hand: p.onHand,
        reserved: p.reserved,
        damaged: p.damaged,
        quality_control: p.qualityControl,
        incoming: p.incoming,
        in_transit: p.inTransit,
        safety_stock: p.safetyStock,
        last_counted_at: p.lastCountedAt === null ? null : new Date(p.lastCountedAt),
        last_feed_at: p.node.row.last_feed_at ?? null,
        confidence: 1,
        version: 0,
        created_at: new Date(p.createdAt),
        updated_at: now,
      })
      const [first, second] = p.binIds
      const inFirst = second === undefined ? p.onHand : Math.round(p.onHand * rng.uniform(0.55, 0.85))
      this.w.push('bin_stocks', { bin_id: first, sku_id: p.sku.id, quantity: inFirst })
      if (second !== undefined) this.w.push('bin_stocks', { bin_id: second, sku_id: p.sku.id, quantity: p.onHand - inFirst })
    }
  }
}

/** A Poisson draw (Knuth's method; a rounded normal for large means). */
function poisson(rng: Rng, mean: number): number {
  if (mean > 30) return Math.max(0, Math.round(rng.normal(mean, Math.sqrt(mean))))
  const limit = Math.exp(-mean)
  let k = 0
  for (let p = rng.next(); p > limit; p *= rng.next()) k++
  return k
}
