import { Prisma, type PrismaClient } from '@ops-hub/db'
import { userError } from '@ops-hub/domain'

/** Purchase orders the business is committed to: approved or sent, and not yet received in full. */
export const OPEN_PURCHASE_ORDER_STATUSES = ['APPROVED', 'SENT', 'PARTIALLY_RECEIVED'] as const

export interface SupplierCommitment {
  supplierCode: string
  supplierName: string
  openPurchaseOrders: number
  /** Open POs whose expected arrival has passed. */
  latePurchaseOrders: number
  openUnits: number
  /** Units still to arrive x the PO line's unit cost (a string: exact money). */
  value: string
  lateValue: string
  /** The earliest expected arrival among its open POs. */
  nextExpectedAt: Date | null
  /** How late its most overdue open PO is, in days (0 when none is late). */
  maxDaysLate: number
}

export interface PurchaseCommitmentReport {
  asOf: string
  locationCode: string | null
  openPurchaseOrders: number
  latePurchaseOrders: number
  openUnits: number
  value: string
  lateValue: string
  bySupplier: SupplierCommitment[]
}

/**
 * Open purchase commitments per supplier: what is on order and not yet received (quantity - receivedQuantity of each
 * line, at the line's unit cost), and which POs are late against their expected arrival at `now`. One grouped
 * aggregate over the open POs' lines (ROLLUP adds the total).
 */
export async function purchaseCommitments(prisma: PrismaClient, args: { locationCode?: string | null }, now = new Date()): Promise<PurchaseCommitmentReport> {
  let at = Prisma.empty
  if (args.locationCode) {
    const location = await prisma.location.findUnique({ where: { code: args.locationCode }, select: { id: true } })
    if (!location) throw userError('NOT_FOUND', `No location ${args.locationCode}`, ['locationCode'])
    at = Prisma.sql`AND po.location_id = ${location.id}`
  }
  const rows = await prisma.$queryRaw<Array<{
    code: string | null; name: string | null; total: boolean; pos: number; late_pos: number; units: number; value: string; late_value: string; next_expected: Date | null; max_days_late: number | null
  }>>`
    WITH open_lines AS (
      SELECT po.id AS po_id, po.supplier_id, po.expected_at, po.expected_at < ${now}::timestamptz AS late,
        GREATEST(pol.quantity - pol.received_quantity, 0) AS units, pol.unit_cost
      FROM purchase_orders po JOIN purchase_order_lines pol ON pol.purchase_order_id = po.id
      WHERE po.status IN (${Prisma.join(OPEN_PURCHASE_ORDER_STATUSES.map((s) => Prisma.sql`${s}::"PurchaseOrderStatus"`))}) ${at}
    )
    SELECT s.code, min(s.name) AS name, GROUPING(s.code) = 1 AS total,
      count(DISTINCT l.po_id)::int AS pos, count(DISTINCT l.po_id) FILTER (WHERE l.late)::int AS late_pos,
      sum(l.units)::int AS units,
      COALESCE(sum(l.units * l.unit_cost), 0)::numeric(16, 2)::text AS value,
      COALESCE(sum(l.units * l.unit_cost) FILTER (WHERE l.late), 0)::numeric(16, 2)::text AS late_value,
      min(l.expected_at) AS next_expected,
      COALESCE(max(extract(epoch FROM ${now}::timestamptz - l.expected_at) / 86400) FILTER (WHERE l.late), 0)::float8 AS max_days_late
    FROM open_lines l JOIN suppliers s ON s.id = l.supplier_id
    GROUP BY ROLLUP (s.code)
    ORDER BY GROUPING(s.code), count(DISTINCT l.po_id) FILTER (WHERE l.late) DESC, sum(l.units * l.unit_cost) DESC, s.code`
  const total = rows.find((r) => r.total)
  return {
    asOf: now.toISOString(),
    locationCode: args.locationCode ?? null,
    openPurchaseOrders: total?.pos ?? 0,
    latePurchaseOrders: total?.late_pos ?? 0,
    openUnits: total?.units ?? 0,
    value: total?.value ?? '0.00',
    lateValue: total?.late_value ?? '0.00',
    bySupplier: rows
      .filter((r) => !r.total)
      .map((r) => ({
        supplierCode: r.code!,
        supplierName: r.name ?? r.code!,
        openPurchaseOrders: r.pos,
        latePurchaseOrders: r.late_pos,
        openUnits: r.units,
        value: r.value,
        lateValue: r.late_value,
        nextExpectedAt: r.next_expected,
        maxDaysLate: Math.round(Number(r.max_days_late ?? 0) * 10) / 10,
      })),
  }
}
