import type { AdjustmentReason, InventoryBucket, InventoryEventType } from '@ops-hub/db'
import type { Buckets } from './buckets.ts'

/** Buckets a person may adjust directly; reserved, incoming and in-transit belong to orders, POs and transfers. */
export const ADJUSTABLE_BUCKETS = ['ON_HAND', 'DAMAGED', 'QUALITY_CONTROL', 'SAFETY_STOCK'] as const
export type AdjustableBucket = (typeof ADJUSTABLE_BUCKETS)[number]

/** Reasons a person may give; CYCLE_COUNT and FEED_SYNC are written only by recordCount and importInventoryFeed. */
export const MANUAL_REASONS = ['RECEIVED', 'DAMAGED', 'SHRINKAGE', 'FOUND', 'CORRECTION', 'RETURN', 'WRITE_OFF', 'QUALITY_HOLD', 'QUALITY_RELEASE'] as const

export const BUCKET_KEYS: Record<InventoryBucket, keyof Buckets> = {
  ON_HAND: 'onHand',
  RESERVED: 'reserved',
  DAMAGED: 'damaged',
  QUALITY_CONTROL: 'qualityControl',
  INCOMING: 'incoming',
  IN_TRANSIT: 'inTransit',
  SAFETY_STOCK: 'safetyStock',
}

/** Reasons that only make sense in one direction (you cannot "find" minus five units). */
export const REASON_SIGN: Partial<Record<AdjustmentReason, 1 | -1>> = {
  RECEIVED: 1,
  FOUND: 1,
  RETURN: 1,
  SHRINKAGE: -1,
  WRITE_OFF: -1,
}

export interface ApprovalThresholds {
  value: number
  quantity: number
}

/**
 * Who needs a second person. A positive RECEIVED or RETURN adjustment books goods that arrived against a
 * document (a receipt, an RMA): it is not a write-off, so it never waits. Everything else, negative
 * adjustments (shrinkage, damage, write-off) and positive ones that could create phantom stock (FOUND,
 * CORRECTION), waits for approval when it moves more units than `quantity` or more cost value than `value`.
 * Safety stock carries no value, so only the quantity threshold applies to it.
 */
export function adjustmentNeedsApproval(a: {
  reason: AdjustmentReason
  bucket: InventoryBucket
  quantityDelta: number
  unitCost: number
  thresholds: ApprovalThresholds
}): boolean {
  if (a.quantityDelta > 0 && (a.reason === 'RECEIVED' || a.reason === 'RETURN')) return false
  const units = Math.abs(a.quantityDelta)
  const value = a.bucket === 'SAFETY_STOCK' ? 0 : units * a.unitCost
  return units > a.thresholds.quantity || value > a.thresholds.value
}

/** The ledger event type an adjustment is recorded as, so history reads like what happened. */
export function eventTypeFor(reason: AdjustmentReason, bucket: InventoryBucket, delta: number): InventoryEventType {
  if (reason === 'CYCLE_COUNT') return 'COUNTED'
  if (reason === 'WRITE_OFF') return 'ADJUSTED'
  if (reason === 'FEED_SYNC') return 'FEED_SYNCED'
  if (bucket === 'ON_HAND' && reason === 'RECEIVED') return 'RECEIVED'
  if (bucket === 'ON_HAND' && reason === 'RETURN') return 'RETURNED'
  if (bucket === 'DAMAGED') return 'DAMAGED'
  if (bucket === 'QUALITY_CONTROL') return delta > 0 ? 'QUALITY_HOLD' : 'QUALITY_RELEASED'
  return 'ADJUSTED'
}
