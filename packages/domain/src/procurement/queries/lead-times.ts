import type { PrismaClient, Tx } from '@ops-hub/db'
import { getSetting } from '../../settings/settings.ts'
import { inverseNormalCdf } from '../normal.ts'

export type LeadTimeBasis = 'OBSERVED' | 'PROMISED'

export interface LeadTime {
  meanDays: number
  stdDevDays: number
  /** OBSERVED: the 90th percentile of the samples; PROMISED: mean + z(0.90)·σ, the normal approximation. */
  p90Days: number
  /** First receipts measured (observed days = first receipt of a PO line − the moment its PO was sent). */
  samples: number
  basis: LeadTimeBasis
}

const Z90 = inverseNormalCdf(0.9)

interface Row {
  key: number
  promised_mean: number
  promised_sd: number
  samples: number
  mean: number | null
  sd: number | null
  p90: number | null
}

function toLeadTime(r: Row, minReceipts: number): LeadTime {
  if (r.samples >= minReceipts && r.mean !== null) {
    return { meanDays: r.mean, stdDevDays: r.sd ?? 0, p90Days: r.p90 ?? r.mean, samples: r.samples, basis: 'OBSERVED' }
  }
  return { meanDays: r.promised_mean, stdDevDays: r.promised_sd, p90Days: r.promised_mean + Z90 * r.promised_sd, samples: r.samples, basis: 'PROMISED' }
}

/**
 * Lead times of supplier SKUs learned from receipts (the same rule the planner applies): with at least
 * `procurement.leadTimeMinReceipts` first receipts the observed mean, sample standard deviation and 90th percentile,
 * otherwise the promised figures. Receipts after `now` are not known yet. Keyed by SupplierSku id.
 */
export async function supplierSkuLeadTimes(db: Tx | PrismaClient, supplierSkuIds: readonly number[], now = new Date()): Promise<Map<number, LeadTime>> {
  if (supplierSkuIds.length === 0) return new Map()
  const minReceipts = Number(await getSetting(db, 'procurement.leadTimeMinReceipts'))
  const rows = await db.$queryRaw<Row[]>`
    WITH wanted AS (SELECT * FROM supplier_skus WHERE id = ANY(${[...supplierSkuIds]}::int[])),
    firsts AS (
      SELECT w.id AS key, extract(epoch FROM min(r.received_at) - po.ordered_at)::float8 / 86400 AS days
      FROM wanted w
      JOIN purchase_orders po ON po.supplier_id = w.supplier_id AND po.ordered_at IS NOT NULL
      JOIN purchase_order_lines pol ON pol.purchase_order_id = po.id AND pol.sku_id = w.sku_id
      JOIN receipt_lines rl ON rl.purchase_order_line_id = pol.id
      JOIN receipts r ON r.id = rl.receipt_id AND r.received_at <= ${now}::timestamptz
      GROUP BY w.id, pol.id, po.ordered_at
    )
    SELECT w.id AS key, w.lead_time_mean_days AS promised_mean, w.lead_time_std_dev_days AS promised_sd,
      count(f.days)::int AS samples, avg(f.days) AS mean, coalesce(stddev_samp(f.days), 0) AS sd,
      percentile_cont(0.9) WITHIN GROUP (ORDER BY f.days) AS p90
    FROM wanted w LEFT JOIN firsts f ON f.key = w.id
    GROUP BY w.id, w.lead_time_mean_days, w.lead_time_std_dev_days`
  return new Map(rows.map((r) => [r.key, toLeadTime(r, minReceipts)]))
}

/**
 * A supplier's lead time over all its SKUs: observed from every first receipt when there are enough, else its promises
 * (the mean of its SKUs' promised means, and the root mean square of their standard deviations).
 */
export async function supplierLeadTimes(db: Tx | PrismaClient, supplierIds: readonly number[], now = new Date()): Promise<Map<number, LeadTime>> {
  if (supplierIds.length === 0) return new Map()
  const minReceipts = Number(await getSetting(db, 'procurement.leadTimeMinReceipts'))
  const rows = await db.$queryRaw<Row[]>`
    WITH promised AS (
      SELECT su.id AS key, coalesce(avg(ss.lead_time_mean_days), 0)::float8 AS promised_mean,
        coalesce(sqrt(avg(ss.lead_time_std_dev_days * ss.lead_time_std_dev_days)), 0)::float8 AS promised_sd
      FROM suppliers su LEFT JOIN supplier_skus ss ON ss.supplier_id = su.id
      WHERE su.id = ANY(${[...supplierIds]}::int[]) GROUP BY su.id
    ),
    firsts AS (
      SELECT po.supplier_id AS key, extract(epoch FROM min(r.received_at) - po.ordered_at)::float8 / 86400 AS days
      FROM purchase_orders po
      JOIN purchase_order_lines pol ON pol.purchase_order_id = po.id
      JOIN receipt_lines rl ON rl.purchase_order_line_id = pol.id
      JOIN receipts r ON r.id = rl.receipt_id AND r.received_at <= ${now}::timestamptz
      WHERE po.supplier_id = ANY(${[...supplierIds]}::int[]) AND po.ordered_at IS NOT NULL
      GROUP BY po.supplier_id, pol.id, po.ordered_at
    )
    SELECT p.key, p.promised_mean, p.promised_sd, count(f.days)::int AS samples, avg(f.days) AS mean,
      coalesce(stddev_samp(f.days), 0) AS sd, percentile_cont(0.9) WITHIN GROUP (ORDER BY f.days) AS p90
    FROM promised p LEFT JOIN firsts f ON f.key = p.key
    GROUP BY p.key, p.promised_mean, p.promised_sd`
  return new Map(rows.map((r) => [r.key, toLeadTime(r, minReceipts)]))
}

