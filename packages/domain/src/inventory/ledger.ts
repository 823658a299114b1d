import { Prisma, type InventoryEventType, type Tx } from '@ops-hub/db'
import type { Actor } from '../shared/actor.ts'
import { DomainError } from '../shared/errors.ts'
import { availableOf, type Buckets } from './buckets.ts'

export type BucketDeltas = Partial<Buckets>

export interface StockMovement {
  skuId: number
  locationId: number
  type: InventoryEventType
  deltas: BucketDeltas
  actor: Actor
  reasonCode?: string
  referenceDocumentUri?: string
  orderId?: number
  metadata?: Record<string, unknown>
  /**
   * `buckets` (default): every bucket stays >= 0 and reserved + damaged + QC <= onHand.
   * `available`: additionally the position must stay sellable (available >= 0 counting safety stock);
   * reservations use it so they never promise protected units.
   */
  guard?: 'buckets' | 'available'
  /** Compare-and-swap: the movement applies only if the position's version is still this one. */
  expectedVersion?: number
  /** Compare-and-swap on one bucket: applies only if that bucket still holds `quantity` (e.g. what a counter saw). */
  expectedQuantity?: { bucket: keyof Buckets; quantity: number }
}

export interface MovedPosition extends Buckets {
  id: number
  skuId: number
  locationId: number
  version: number
  available: number
}

export const BUCKET_COLUMNS: Array<[keyof Buckets, string]> = [
  ['onHand', 'on_hand'],
  ['reserved', 'reserved'],
  ['damaged', 'damaged'],
  ['qualityControl', 'quality_control'],
  ['incoming', 'incoming'],
  ['inTransit', 'in_transit'],
  ['safetyStock', 'safety_stock'],
]

/**
 * The one way stock changes: a single conditional UPDATE of the (sku, location) position that applies the
 * deltas only if the result is legal, plus the append-only ledger event, in the caller's transaction.
 * Concurrent movements on one position serialize on its row lock; none can drive a bucket negative or
 * reserve more than is available. Creates the position on first movement.
 */
export async function moveStock(tx: Tx, m: StockMovement): Promise<MovedPosition> {
  const d = Object.fromEntries(BUCKET_COLUMNS.map(([k]) => [k, Math.trunc(m.deltas[k] ?? 0)])) as unknown as Buckets
  const availableGuard =
    m.guard === 'available'
      ? Prisma.sql`AND (on_hand + ${d.onHand}) - (reserved + ${d.reserved}) - (safety_stock + ${d.safetyStock}) - (damaged + ${d.damaged}) - (quality_control + ${d.qualityControl}) >= 0`
      : Prisma.empty
  const versionGuard = m.expectedVersion !== undefined ? Prisma.sql`AND version = ${m.expectedVersion}` : Prisma.empty
  const quantityGuard = m.expectedQuantity
    ? Prisma.sql`AND ${Prisma.raw(BUCKET_COLUMNS.find(([k]) => k === m.expectedQuantity!.bucket)![1])} = ${m.expectedQuantity.quantity}`
    : Prisma.empty

  // The ledger event is written by the same statement as the bucket change (a data-modifying CTE): one round
  // trip per movement, and the event exists exactly when the conditional UPDATE matched.
  const ledger = Prisma.sql`
    INSERT INTO inventory_events (stock_position_id, sku_id, location_id, type, reason_code, actor, reference_document_uri,
      on_hand_delta, reserved_delta, damaged_delta, quality_control_delta, incoming_delta, in_transit_delta, safety_stock_delta,
      order_id, metadata, occurred_at)
    SELECT moved.id, moved.sku_id, moved.location_id, ${m.type}::"InventoryEventType", ${m.reasonCode ?? null}, ${m.actor.id},
      ${m.referenceDocumentUri ?? null}, ${d.onHand}::int, ${d.reserved}::int, ${d.damaged}::int, ${d.qualityControl}::int,
      ${d.incoming}::int, ${d.inTransit}::int, ${d.safetyStock}::int, ${m.orderId ?? null}::int,
      ${m.metadata ? JSON.stringify(m.metadata) : null}::jsonb, ${new Date()}::timestamptz
    FROM moved`
  const update = () => tx.$queryRaw<Array<Record<string, number>>>`
    WITH moved AS (
      UPDATE stock_positions SET
        on_hand = on_hand + ${d.onHand}, reserved = reserved + ${d.reserved}, damaged = damaged + ${d.damaged},
        quality_control = quality_control + ${d.qualityControl}, incoming = incoming + ${d.incoming},
        in_transit = in_transit + ${d.inTransit}, safety_stock = safety_stock + ${d.safetyStock},
        version = version + 1, updated_at = now()
      WHERE sku_id = ${m.skuId} AND location_id = ${m.locationId}
        AND on_hand + ${d.onHand} >= 0 AND reserved + ${d.reserved} >= 0 AND damaged + ${d.damaged} >= 0
        AND quality_control + ${d.qualityControl} >= 0 AND incoming + ${d.incoming} >= 0
        AND in_transit + ${d.inTransit} >= 0 AND safety_stock + ${d.safetyStock} >= 0
        AND (reserved + ${d.reserved}) + (damaged + ${d.damaged}) + (quality_control + ${d.qualityControl}) <= on_hand + ${d.onHand}
        ${availableGuard} ${versionGuard} ${quantityGuard}
      RETURNING id, sku_id, location_id, on_hand, reserved, damaged, quality_control, incoming, in_transit, safety_stock, version
    ), event AS (${ledger})
    SELECT * FROM moved`

  let rows = await update()
  if (rows.length === 0) {
    // The position is created on its first movement; trying the UPDATE first saves a statement on every later one.
    const inserted = await tx.$executeRaw`
      INSERT INTO stock_positions (sku_id, location_id, updated_at) VALUES (${m.skuId}, ${m.locationId}, now())
      ON CONFLICT (sku_id, location_id) DO NOTHING`
    if (inserted > 0) rows = await update()
  }
  if (rows.length === 0) {
    const current = await tx.stockPosition.findUniqueOrThrow({ where: { skuId_locationId: { skuId: m.skuId, locationId: m.locationId } } })
    if (m.expectedVersion !== undefined && current.version !== m.expectedVersion) {
      throw new DomainError({ code: 'STALE_QUANTITY', field: null, message: 'Stock changed since it was read; reload and retry' })
    }
    if (m.expectedQuantity && current[m.expectedQuantity.bucket] !== m.expectedQuantity.quantity) {
      throw new DomainError({
        code: 'STALE_QUANTITY',
        field: ['input', 'expectedQuantity'],
        message: `Expected ${m.expectedQuantity.quantity} but the book now shows ${current[m.expectedQuantity.bucket]}; recount or reload and retry`,
      })
    }
    throw new DomainError({
      code: 'INSUFFICIENT_STOCK',
      field: null,
      message: `Not enough stock: on hand ${current.onHand}, reserved ${current.reserved}, available ${availableOf(current)}`,
    })
  }
  const r = rows[0]
  const position: MovedPosition = {
    id: Number(r.id),
    skuId: Number(r.sku_id),
    locationId: Number(r.location_id),
    onHand: Number(r.on_hand),
    reserved: Number(r.reserved),
    damaged: Number(r.damaged),
    qualityControl: Number(r.quality_control),
    incoming: Number(r.incoming),
    inTransit: Number(r.in_transit),
    safetyStock: Number(r.safety_stock),
    version: Number(r.version),
    available: 0,
  }
  position.available = availableOf(position)

  return position
}
