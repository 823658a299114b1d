import type { PrismaClient, Tx } from '@ops-hub/db'
import { getSetting } from '../../settings/settings.ts'

export interface SupplierScorecard {
  from: Date
  to: Date
  /** PO lines due in the period: sent, not cancelled, expected arrival within [from, to) and not after now. */
  linesDue: number
  onTimeRate: number | null
  inFullRate: number | null
  fillRate: number | null
  /** PO lines whose first receipt fell in [from, to): the population of lead-time adherence. */
  linesMeasured: number
  leadTimeAdherence: number | null
  leadTimeToleranceDays: number
  meanDaysLate: number | null
  receipts: number
}

/**
 * A supplier's delivery performance over [from, to) (definitions in the GraphQL field descriptions). Lead-time
 * adherence follows the definition shared with the replenishment lead-time adherence KPI: per PO line, its first
 * receipt; observed days = (that receipt − the PO's `orderedAt`) / 1 day; adherent when observed <= the SupplierSku's
 * promised mean + `procurement.leadTimeToleranceDays`.
 */
export async function supplierScorecard(db: Tx | PrismaClient, supplierId: number, from: Date, to: Date, now = new Date()): Promise<SupplierScorecard> {
  const tolerance = Number(await getSetting(db, 'procurement.leadTimeToleranceDays'))
  const [row] = await db.$queryRaw<Array<{
    lines_due: number; on_time: number; in_full: number; ordered: number; good: number
    late_lines: number; days_late: number | null; measured: number; adherent: number; receipts: number
  }>>`
    WITH lines AS (
      SELECT pol.id, pol.quantity, po.status, po.expected_at, po.ordered_at, ss.lead_time_mean_days AS promised,
        (SELECT min(r.received_at) FROM receipt_lines rl JOIN receipts r ON r.id = rl.receipt_id
          WHERE rl.purchase_order_line_id = pol.id AND r.received_at <= ${now}::timestamptz) AS first_receipt,
        (SELECT coalesce(sum(rl.quantity - rl.damaged_quantity), 0) FROM receipt_lines rl JOIN receipts r ON r.id = rl.receipt_id
          WHERE rl.purchase_order_line_id = pol.id AND r.received_at <= ${now}::timestamptz)::int AS good
      FROM purchase_orders po
      JOIN purchase_order_lines pol ON pol.purchase_order_id = po.id
      LEFT JOIN supplier_skus ss ON ss.supplier_id = po.supplier_id AND ss.sku_id = pol.sku_id
      WHERE po.supplier_id = ${supplierId} AND po.ordered_at IS NOT NULL
    ),
    due AS (
      SELECT * FROM lines l
      WHERE l.expected_at >= ${from}::timestamptz AND l.expected_at < ${to}::timestamptz AND l.expected_at <= ${now}::timestamptz
        AND l.status <> 'CANCELLED'
    ),
    measured AS (
      SELECT * FROM lines WHERE first_receipt >= ${from}::timestamptz AND first_receipt < ${to}::timestamptz AND promised IS NOT NULL
    )
    SELECT (SELECT count(*) FROM due)::int AS lines_due,
      (SELECT count(*) FROM due WHERE first_receipt IS NOT NULL AND first_receipt <= expected_at)::int AS on_time,
      (SELECT count(*) FROM due WHERE good >= quantity)::int AS in_full,
      (SELECT coalesce(sum(quantity), 0) FROM due)::int AS ordered,
      (SELECT coalesce(sum(least(good, quantity)), 0) FROM due)::int AS good,
      (SELECT count(*) FROM due WHERE coalesce(first_receipt, ${now}::timestamptz) > expected_at)::int AS late_lines,
      (SELECT avg(extract(epoch FROM coalesce(first_receipt, ${now}::timestamptz) - expected_at)::float8 / 86400) FROM due
        WHERE coalesce(first_receipt, ${now}::timestamptz) > expected_at) AS days_late,
      (SELECT count(*) FROM measured)::int AS measured,
      (SELECT count(*) FROM measured WHERE extract(epoch FROM first_receipt - ordered_at)::float8 / 86400 <= promised + ${tolerance}::float8)::int AS adherent,
      (SELECT count(*) FROM receipts r JOIN purchase_orders po ON po.id = r.purchase_order_id
        WHERE po.supplier_id = ${supplierId} AND r.received_at >= ${from}::timestamptz AND r.received_at < ${to}::timestamptz AND r.received_at <= ${now}::timestamptz)::int AS receipts`
  const rate = (n: number, d: number) => (d > 0 ? n / d : null)
  return {
    from,
    to,
    linesDue: row.lines_due,
    onTimeRate: rate(row.on_time, row.lines_due),
    inFullRate: rate(row.in_full, row.lines_due),
    fillRate: rate(row.good, row.ordered),
    linesMeasured: row.measured,
    leadTimeAdherence: rate(row.adherent, row.measured),
    leadTimeToleranceDays: tolerance,
    meanDaysLate: row.days_late,
    receipts: row.receipts,
  }
}
