import type { AdjustmentReason, InventoryBucket, LocationModel as Location, SkuModel as Sku, Tx } from '@ops-hub/db'
import type { Actor } from '../shared/actor.ts'
import { userError } from '../shared/errors.ts'
import { recordEvents } from '../shared/outbox.ts'
import { getSetting } from '../settings/settings.ts'
import { openException } from '../exceptions/commands/open-exception.ts'
import { moveStock } from './ledger.ts'
import { stockAvailableEvent } from './stock-available.ts'
import type { Buckets } from './buckets.ts'
import { adjustmentNeedsApproval, BUCKET_KEYS, eventTypeFor } from './adjustment-rules.ts'

export interface AdjustmentRequest {
  sku: Pick<Sku, 'id' | 'code' | 'unitCost'>
  location: Pick<Location, 'id' | 'code'>
  bucket: InventoryBucket
  quantityDelta: number
  reason: AdjustmentReason
  referenceDocumentUri?: string | null
  note?: string | null
  expectedQuantity?: number | null
  idempotencyKey?: string | null
  /**
   * `rules`: the value/quantity thresholds decide; `required`: always waits (a count variance beyond tolerance);
   * `none`: applies at once (a count within tolerance, an accepted feed delta: the control happened upstream).
   */
  approval?: 'rules' | 'required' | 'none'
  /** The approval exception to open when it waits (a count variance is a COUNT_VARIANCE, not a plain approval). */
  approvalException?: 'ADJUSTMENT_APPROVAL' | 'COUNT_VARIANCE'
  /** Where to point a user error about the delta (the adjustInventory input, a feed row...). */
  deltaField?: string[]
  /** The business time of the request (the command's clock): the adjustment's createdAt, and appliedAt when it applies at once. */
  now?: Date
}

/** Makes sure the (sku, location) position exists and returns it, so an adjustment always has a subject. */
export async function ensurePosition(tx: Tx, skuId: number, locationId: number) {
  await tx.$executeRaw`
    INSERT INTO stock_positions (sku_id, location_id, updated_at) VALUES (${skuId}, ${locationId}, now())
    ON CONFLICT (sku_id, location_id) DO NOTHING`
  return tx.stockPosition.findUniqueOrThrow({ where: { skuId_locationId: { skuId, locationId } } })
}

/**
 * The bucket deltas of an adjustment. Writing off damaged or QC units removes them from the building too, so
 * WRITE_OFF on DAMAGED/QUALITY_CONTROL also takes them off onHand; everything else touches its one bucket.
 */
export function adjustmentDeltas(bucket: InventoryBucket, reason: AdjustmentReason, delta: number): Partial<Buckets> {
  const key = BUCKET_KEYS[bucket]
  if (reason === 'WRITE_OFF' && (bucket === 'DAMAGED' || bucket === 'QUALITY_CONTROL')) return { [key]: delta, onHand: delta }
  return { [key]: delta }
}

/** Whether the position would stay legal after the deltas: no negative bucket, reserved+damaged+QC within onHand. */
export function legalAfter(position: Buckets, deltas: Partial<Buckets>): boolean {
  const p: Buckets = {
    onHand: position.onHand, reserved: position.reserved, damaged: position.damaged, qualityControl: position.qualityControl,
    incoming: position.incoming, inTransit: position.inTransit, safetyStock: position.safetyStock,
  }
  for (const [k, v] of Object.entries(deltas) as Array<[keyof Buckets, number]>) p[k] += v
  const nonNegative = Object.values(p).every((v) => v >= 0)
  return nonNegative && p.reserved + p.damaged + p.qualityControl <= p.onHand
}

/**
 * Records an adjustment and either applies it through the ledger or parks it for a second person's approval
 * (with an ADJUSTMENT_APPROVAL exception owned by FINANCE). Shared by adjustInventory and recordCount.
 */
export async function requestAdjustment(tx: Tx, r: AdjustmentRequest, actor: Actor) {
  const position = await ensurePosition(tx, r.sku.id, r.location.id)
  const key = BUCKET_KEYS[r.bucket]
  const deltaField = r.deltaField ?? ['input', 'quantityDelta']
  if (r.expectedQuantity != null && position[key] !== r.expectedQuantity) {
    throw userError(
      'STALE_QUANTITY',
      `Expected ${r.expectedQuantity} ${r.bucket} but the book now shows ${position[key]}; recount or reload and retry`,
      ['input', 'expectedQuantity'],
    )
  }
  if (!legalAfter(position, adjustmentDeltas(r.bucket, r.reason, r.quantityDelta))) {
    throw userError(
      'INSUFFICIENT_STOCK',
      `${r.quantityDelta} on ${r.bucket} would leave ${r.sku.code} at ${r.location.code} negative or with more reserved/damaged/QC than on hand (on hand ${position.onHand}, reserved ${position.reserved}, damaged ${position.damaged}, QC ${position.qualityControl}, ${r.bucket} ${position[key]})`,
      deltaField,
    )
  }
  const unitCost = Number(r.sku.unitCost)
  const thresholds = {
    value: await getSetting(tx, 'inventory.adjustmentApprovalValue'),
    quantity: await getSetting(tx, 'inventory.adjustmentApprovalQuantity'),
  }
  const pending =
    r.approval === 'required' ||
    (r.approval !== 'none' && adjustmentNeedsApproval({ reason: r.reason, bucket: r.bucket, quantityDelta: r.quantityDelta, unitCost, thresholds }))

  const adjustment = await tx.adjustment.create({
    data: {
      stockPositionId: position.id,
      skuId: r.sku.id,
      locationId: r.location.id,
      bucket: r.bucket,
      quantityDelta: r.quantityDelta,
      reason: r.reason,
      status: pending ? 'PENDING_APPROVAL' : 'APPLIED',
      referenceDocumentUri: r.referenceDocumentUri ?? null,
      note: r.note ?? null,
      expectedQuantity: r.expectedQuantity ?? null,
      valueDelta: (r.bucket === 'SAFETY_STOCK' ? 0 : r.quantityDelta * unitCost).toFixed(2),
      requestedBy: actor.id,
      idempotencyKey: r.idempotencyKey ?? null,
      createdAt: r.now ?? new Date(),
      appliedAt: pending ? null : (r.now ?? new Date()),
    },
  })

  if (pending) {
    const isCount = r.approvalException === 'COUNT_VARIANCE'
    await openException(tx, {
      type: r.approvalException ?? 'ADJUSTMENT_APPROVAL',
      severity: isCount ? 'HIGH' : 'MEDIUM',
      ownerRole: 'FINANCE',
      subjectType: 'Adjustment',
      subjectId: adjustment.id,
      stockPositionId: position.id,
      title: `${isCount ? 'Count variance' : 'Approve'} ${r.reason} of ${r.quantityDelta > 0 ? '+' : ''}${r.quantityDelta} ${r.sku.code} at ${r.location.code}`,
      detail: `Requested by ${actor.id}; value ${adjustment.valueDelta.toString()}. A different person must approve or reject it.`,
      data: { quantityDelta: r.quantityDelta, value: Number(adjustment.valueDelta), thresholds, requestedBy: actor.id },
      dedupeKey: `adjustment:${adjustment.id}`,
    })
  } else {
    await applyToLedger(tx, adjustment, actor, r.expectedQuantity ?? undefined)
  }
  return adjustment
}

/** Moves the stock of an adjustment through the ledger (the only place buckets change). */
export async function applyToLedger(
  tx: Tx,
  a: { id: number; skuId: number; locationId: number; bucket: InventoryBucket; quantityDelta: number; reason: AdjustmentReason; referenceDocumentUri: string | null; requestedBy: string },
  actor: Actor,
  expectedQuantity?: number,
) {
  const key = BUCKET_KEYS[a.bucket]
  const moved = await moveStock(tx, {
    skuId: a.skuId,
    locationId: a.locationId,
    type: eventTypeFor(a.reason, a.bucket, a.quantityDelta),
    deltas: adjustmentDeltas(a.bucket, a.reason, a.quantityDelta),
    actor,
    reasonCode: a.reason,
    referenceDocumentUri: a.referenceDocumentUri ?? `adjustment:${a.id}`,
    metadata: { adjustmentId: a.id, requestedBy: a.requestedBy },
    expectedQuantity: expectedQuantity !== undefined ? { bucket: key, quantity: expectedQuantity } : undefined,
  })
  // Units found, corrected upwards, counted up, synced up by a feed or released from damaged/QC are promisable:
  // backorders of the SKU are served from them first.
  const d = adjustmentDeltas(a.bucket, a.reason, a.quantityDelta)
  const promisable = (d.onHand ?? 0) - (d.reserved ?? 0) - (d.damaged ?? 0) - (d.qualityControl ?? 0) - (d.safetyStock ?? 0)
  await recordEvents(tx, [
    { topic: 'stock.changed', aggregateType: 'StockPosition', aggregateId: moved.id, payload: { skuId: a.skuId, locationId: a.locationId, adjustmentId: a.id } },
    ...(promisable > 0 ? [stockAvailableEvent(a.locationId, [a.skuId], a.reason === 'FEED_SYNC' ? 'FEED_SYNC' : 'ADJUSTMENT', `adjustment:${a.id}`)] : []),
  ])
  return moved
}
