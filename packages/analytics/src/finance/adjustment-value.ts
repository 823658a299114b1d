import { Prisma, type AdjustmentReason, type InventoryBucket, type PrismaClient } from '@ops-hub/db'
import { userError } from '@ops-hub/domain'
import { checkWindow } from './money-window.ts'

/**
 * Reasons whose removals are write-offs: value leaving the books with no goods leaving against a document (a sale, a
 * transfer, a return to a supplier). Goods booked in (RECEIVED, RETURN) and moves in or out of quality control are not.
 */
export const WRITE_OFF_REASONS: AdjustmentReason[] = ['SHRINKAGE', 'WRITE_OFF', 'DAMAGED', 'CORRECTION', 'CYCLE_COUNT', 'FEED_SYNC']

export interface AdjustmentValueRow {
  reason: AdjustmentReason
  /** The bucket it changed: units moved into damaged or quality control stay on hand, their value with them. */
  bucket: InventoryBucket
  adjustments: number
  unitsAdded: number
  unitsRemoved: number
  /** Cost value booked in, at the unit cost when each adjustment was requested (a string: exact money). */
  valueAdded: string
  valueRemoved: string
  netValue: string
  /** Removals under this reason are write-offs (see WRITE_OFF_REASONS). */
  writeOff: boolean
}

export interface AdjustmentValueReport {
  from: Date
  to: Date
  locationCode: string | null
  rows: AdjustmentValueRow[]
  /** Value removed under write-off reasons in the window. */
  writtenOff: string
  netValue: string
  /** Adjustments still waiting for a second approver (requested at any time): what would move if approved. */
  pendingApproval: { adjustments: number; netValue: string }
}

/**
 * Adjustment and write-off value by reason (and the bucket changed): adjustments that took effect in [from, to) (applied_at), with the cost
 * value each carried when requested (Adjustment.valueDelta: what the approver saw), in one grouped aggregate;
 * and what still waits for approval.
 */
export async function adjustmentValue(prisma: PrismaClient, args: { from: Date; to: Date; locationCode?: string | null }): Promise<AdjustmentValueReport> {
  checkWindow(args.from, args.to)
  let at = Prisma.empty
  if (args.locationCode) {
    const location = await prisma.location.findUnique({ where: { code: args.locationCode }, select: { id: true } })
    if (!location) throw userError('NOT_FOUND', `No location ${args.locationCode}`, ['locationCode'])
    at = Prisma.sql`AND a.location_id = ${location.id}`
  }
  const rows = await prisma.$queryRaw<Array<{ reason: AdjustmentReason | null; bucket: InventoryBucket; pending: boolean; adjustments: number; units_added: number; units_removed: number; value_added: string; value_removed: string; net_value: string }>>`
    SELECT a.reason::text AS reason, a.bucket::text AS bucket, a.status = 'PENDING_APPROVAL' AS pending, count(*)::int AS adjustments,
      COALESCE(sum(a.quantity_delta) FILTER (WHERE a.quantity_delta > 0), 0)::int AS units_added,
      COALESCE(-sum(a.quantity_delta) FILTER (WHERE a.quantity_delta < 0), 0)::int AS units_removed,
      COALESCE(sum(a.value_delta) FILTER (WHERE a.value_delta > 0), 0)::numeric(16, 2)::text AS value_added,
      COALESCE(-sum(a.value_delta) FILTER (WHERE a.value_delta < 0), 0)::numeric(16, 2)::text AS value_removed,
      COALESCE(sum(a.value_delta), 0)::numeric(16, 2)::text AS net_value
    FROM adjustments a
    WHERE ((a.status = 'APPLIED' AND a.applied_at >= ${args.from}::timestamptz AND a.applied_at < ${args.to}::timestamptz)
      OR a.status = 'PENDING_APPROVAL') ${at}
    GROUP BY a.reason, a.bucket, a.status = 'PENDING_APPROVAL'
    ORDER BY a.reason, a.bucket`
  const applied = rows.filter((r) => !r.pending)
  const pending = rows.filter((r) => r.pending)
  const cents = (xs: string[]) => (xs.reduce((s, x) => s + Math.round(Number(x) * 100), 0) / 100).toFixed(2)
  return {
    from: args.from,
    to: args.to,
    locationCode: args.locationCode ?? null,
    rows: applied.map((r) => ({
      reason: r.reason!,
      bucket: r.bucket,
      adjustments: r.adjustments,
      unitsAdded: r.units_added,
      unitsRemoved: r.units_removed,
      valueAdded: r.value_added,
      valueRemoved: r.value_removed,
      netValue: r.net_value,
      writeOff: WRITE_OFF_REASONS.includes(r.reason!),
    })),
    writtenOff: cents(applied.filter((r) => WRITE_OFF_REASONS.includes(r.reason!)).map((r) => r.value_removed)),
    netValue: cents(applied.map((r) => r.net_value)),
    pendingApproval: { adjustments: pending.reduce((s, r) => s + r.adjustments, 0), netValue: cents(pending.map((r) => r.net_value)) },
  }
}
