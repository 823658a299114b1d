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

  constructor(private readonly w: World) {}

  create(sku: SkuInfo, node: NodeInfo, binIds: number[]): Position {
    const p: Position = {
      id: this.positions.length + 1,
      sku,
      node,
      binIds,
      lastCountedAt: null,
      dailyDemand: 0,
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
        created_at: new Date(this.w.now - 90 * 86_400_000 - 3_600_000),
        updated_at: now,
      })
      const [first, second] = p.binIds
      const inFirst = second === undefined ? p.onHand : Math.round(p.onHand * rng.uniform(0.55, 0.85))
      this.w.push('bin_stocks', { bin_id: first, sku_id: p.sku.id, quantity: inFirst })
      if (second !== undefined) this.w.push('bin_stocks', { bin_id: second, sku_id: p.sku.id, quantity: p.onHand - inFirst })
    }
  }
}
