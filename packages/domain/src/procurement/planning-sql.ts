import { Prisma, type PrismaClient, type Tx } from '@ops-hub/db'
import { inverseNormalCdf } from './normal.ts'

const DAY_MS = 86_400_000

/** Which positions a planning pass covers: one node, some (sku, node) pairs, some positions or SKUs, or every node. */
export interface PlanScope {
  locationId?: number | null
  pairs?: Array<{ skuId: number; locationId: number }> | null
  positionIds?: number[] | null
  /** Every fulfilment position of these SKUs (a backorder is charged to a node only once planned). */
  skuIds?: number[] | null
}

/** The settings a plan is computed with (see procurement settings in SETTING_DEFAULTS). */
export interface PlanParams {
  now: Date
  demandWindowDays: number
  reviewPeriodDays: number
  leadTimeMinReceipts: number
  serviceLevels: { A: number; B: number; C: number }
  /**
   * Plan as the hub would have at `now` in the past (back-tests): buckets are the ledger's sums up to `now`, a line's
   * node is its largest allocation made by then, and a line's backordered units are those not allocated by then of orders
   * that were BACKORDERED or PARTIALLY_ALLOCATED then (as their timeline says). Off (the default): the live buckets.
   */
  asOfLedger?: boolean
}

/**
 * The replenishment plan of every position in scope as one set-based statement (a chain of CTEs ending in `plan`):
 * demand velocity from the order lines of the last `demandWindowDays` (one aggregate: lines -> days -> positions),
 * lead times learned from receipts (or promised), the reorder policy and the stockout risk. Callers append what they
 * do with it (write suggestions, rank risks, count). `plan` has one row per position in scope whose SKU has an active
 * supplier; its columns are the explanation of ReorderPolicy (reorder-policy.ts), which computes the same numbers.
 *
 * Rules the statement encodes:
 * - Demand counts what customers ordered (line quantity) of non-bundle SKUs, whatever happened to the order later,
 *   so stockouts and cancellations do not hide demand. Bundle lines are never counted: their component lines are.
 * - A line's demand is charged to the node of its largest allocation; a line never allocated (backordered, held,
 *   cancelled first) is charged to its SKU's home node: the one that took most of the SKU's allocated units in the
 *   window (ties and no allocations: the lowest location id). Open backorders are charged the same way.
 * - Days run from `now - window`; a day without orders is a day of zero demand. Observation starts at the earlier of
 *   the SKU's creation and its first order in the window (at any node), so a new SKU is not diluted by days before it
 *   existed, and a node that started carrying an existing SKU is not inflated by a short history.
 * - Inventory position = onHand − damaged − qualityControl + incoming + inTransit − reserved − backordered: the issue's
 *   onHand + incoming + inTransit − reserved − backordered, counting on hand only what can fill demand (damaged and
 *   QC-held units are on hand but cannot be sold; a lot on QC hold must not hide a stockout).
 * - The source is the SKU's primary supplier (else the cheapest, then the lowest id) among active suppliers.
 * - Lead time: with at least `leadTimeMinReceipts` first receipts of that supplier's SKU (observed days = first
 *   receipt of a PO line − the moment the PO was sent), their mean and sample standard deviation; else the promise.
 */
export function planCtes(params: PlanParams, scope: PlanScope = {}): Prisma.Sql {
  const now = params.now
  const windowDays = Math.max(1, Math.floor(params.demandWindowDays))
  const from = new Date(now.getTime() - windowDays * DAY_MS)
  const z = { A: inverseNormalCdf(params.serviceLevels.A), B: inverseNormalCdf(params.serviceLevels.B), C: inverseNormalCdf(params.serviceLevels.C) }
  const filters: Prisma.Sql[] = []
  if (scope.locationId != null) filters.push(Prisma.sql`AND sp.location_id = ${scope.locationId}::int`)
  if (scope.positionIds) filters.push(Prisma.sql`AND sp.id = ANY(${scope.positionIds}::int[])`)
  if (scope.skuIds) filters.push(Prisma.sql`AND sp.sku_id = ANY(${scope.skuIds}::int[])`)
  if (scope.pairs) {
    filters.push(Prisma.sql`AND (sp.sku_id, sp.location_id) IN (SELECT * FROM unnest(${scope.pairs.map((p) => p.skuId)}::int[], ${scope.pairs.map((p) => p.locationId)}::int[]))`)
  }
  const where = filters.length ? Prisma.join(filters, ' ') : Prisma.empty
  const positions = params.asOfLedger
    ? Prisma.sql`
  SELECT sp.id AS position_id, sp.sku_id, sp.location_id, b.on_hand, b.damaged, b.quality_control, b.reserved, b.incoming, b.in_transit,
    s.abc_class, s.created_at AS sku_created_at
  FROM stock_positions sp
  JOIN skus s ON s.id = sp.sku_id AND s.active AND NOT s.is_bundle
  JOIN locations l ON l.id = sp.location_id AND l.active AND l.is_fulfillment_node
  JOIN (
    SELECT stock_position_id, sum(on_hand_delta)::int AS on_hand, sum(damaged_delta)::int AS damaged, sum(quality_control_delta)::int AS quality_control,
      sum(reserved_delta)::int AS reserved, sum(incoming_delta)::int AS incoming, sum(in_transit_delta)::int AS in_transit
    FROM inventory_events WHERE occurred_at <= ${now}::timestamptz GROUP BY 1
  ) b ON b.stock_position_id = sp.id
  WHERE TRUE ${where}`
    : Prisma.sql`
  SELECT sp.id AS position_id, sp.sku_id, sp.location_id, sp.on_hand, sp.damaged, sp.quality_control, sp.reserved, sp.incoming, sp.in_transit,
    s.abc_class, s.created_at AS sku_created_at
  FROM stock_positions sp
  JOIN skus s ON s.id = sp.sku_id AND s.active AND NOT s.is_bundle
  JOIN locations l ON l.id = sp.location_id AND l.active AND l.is_fulfillment_node
  WHERE TRUE ${where}`
  const lines = params.asOfLedger
    ? Prisma.sql`
  SELECT ol.id, ol.sku_id, ol.quantity,
    CASE WHEN x.allocated >= ol.quantity THEN 0
      WHEN (SELECT e.to_status FROM order_events e WHERE e.order_id = o.id AND e.to_status IS NOT NULL AND e.occurred_at <= ${now}::timestamptz
            ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1) IN ('BACKORDERED', 'PARTIALLY_ALLOCATED') THEN ol.quantity - x.allocated
      ELSE 0
    END AS backordered_quantity,
    o.placed_at, true AS in_window
  FROM order_lines ol JOIN orders o ON o.id = ol.order_id
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(a.quantity), 0)::int AS allocated FROM allocations a WHERE a.order_line_id = ol.id AND a.created_at <= ${now}::timestamptz
  ) x
  WHERE ol.sku_id IN (SELECT sku_id FROM source) AND o.placed_at >= ${from}::timestamptz AND o.placed_at < ${now}::timestamptz`
    : Prisma.sql`
  SELECT ol.id, ol.sku_id, ol.quantity, ol.backordered_quantity, o.placed_at, true AS in_window
  FROM order_lines ol JOIN orders o ON o.id = ol.order_id
  WHERE ol.sku_id IN (SELECT sku_id FROM source) AND o.placed_at >= ${from}::timestamptz AND o.placed_at < ${now}::timestamptz
  UNION ALL
  SELECT ol.id, ol.sku_id, ol.quantity, ol.backordered_quantity, o.placed_at, false AS in_window
  FROM order_lines ol JOIN orders o ON o.id = ol.order_id
  WHERE ol.sku_id IN (SELECT sku_id FROM source) AND ol.backordered_quantity > 0 AND o.placed_at < ${from}::timestamptz`
  const allocatedBy = params.asOfLedger ? Prisma.sql`WHERE a.created_at <= ${now}::timestamptz` : Prisma.empty
  return Prisma.sql`
WITH scope AS (${positions}
),
source AS (
  SELECT DISTINCT ON (ss.sku_id) ss.sku_id, ss.supplier_id, ss.lead_time_mean_days, ss.lead_time_std_dev_days,
    ss.minimum_order_quantity, ss.pack_size
  FROM supplier_skus ss JOIN suppliers su ON su.id = ss.supplier_id AND su.active
  WHERE ss.sku_id IN (SELECT sku_id FROM scope)
  ORDER BY ss.sku_id, ss.is_primary DESC, ss.unit_cost, ss.supplier_id
),
nodes AS (
  SELECT sp.sku_id, sp.location_id
  FROM stock_positions sp JOIN locations l ON l.id = sp.location_id AND l.active AND l.is_fulfillment_node
  WHERE sp.sku_id IN (SELECT sku_id FROM source)
),
lines AS (${lines}
),
line_node AS (
  SELECT DISTINCT ON (a.order_line_id) a.order_line_id, a.location_id
  FROM allocations a JOIN lines l ON l.id = a.order_line_id ${allocatedBy}
  ORDER BY a.order_line_id, a.quantity DESC, a.location_id
),
attributed AS (
  SELECT l.sku_id, ln.location_id AS allocated_at, l.quantity, l.backordered_quantity, l.placed_at, l.in_window
  FROM lines l LEFT JOIN line_node ln ON ln.order_line_id = l.id
),
home AS (
  SELECT DISTINCT ON (n.sku_id) n.sku_id, n.location_id
  FROM nodes n
  LEFT JOIN (
    SELECT sku_id, allocated_at, sum(quantity) AS units FROM attributed WHERE in_window AND allocated_at IS NOT NULL GROUP BY 1, 2
  ) u ON u.sku_id = n.sku_id AND u.allocated_at = n.location_id
  ORDER BY n.sku_id, coalesce(u.units, 0) DESC, n.location_id
),
charged AS (
  SELECT a.sku_id, coalesce(a.allocated_at, h.location_id) AS location_id, a.quantity, a.backordered_quantity, a.placed_at, a.in_window
  FROM attributed a LEFT JOIN home h ON h.sku_id = a.sku_id
),
daily AS (
  SELECT sku_id, location_id, floor(extract(epoch FROM placed_at - ${from}::timestamptz) / 86400)::int AS day, sum(quantity)::float8 AS units
  FROM charged WHERE in_window GROUP BY 1, 2, 3
),
velocity AS (
  SELECT sku_id, location_id, sum(units) AS units, sum(units * units) AS sum_squares
  FROM daily GROUP BY 1, 2
),
first_order AS (
  SELECT sku_id, min(day) AS first_day FROM daily GROUP BY 1
),
backorders AS (
  SELECT sku_id, location_id, sum(backordered_quantity)::int AS units FROM charged WHERE backordered_quantity > 0 GROUP BY 1, 2
),
first_receipts AS (
  SELECT po.supplier_id, pol.sku_id, extract(epoch FROM min(r.received_at) - po.ordered_at)::float8 / 86400 AS days
  FROM purchase_order_lines pol
  JOIN purchase_orders po ON po.id = pol.purchase_order_id AND po.ordered_at IS NOT NULL AND po.ordered_at <= ${now}::timestamptz
  JOIN source so ON so.sku_id = pol.sku_id AND so.supplier_id = po.supplier_id
  JOIN receipt_lines rl ON rl.purchase_order_line_id = pol.id
  JOIN receipts r ON r.id = rl.receipt_id AND r.received_at <= ${now}::timestamptz
  GROUP BY pol.id, po.supplier_id, pol.sku_id, po.ordered_at
),
observed AS (
  SELECT supplier_id, sku_id, count(*)::int AS samples, avg(days) AS mean, coalesce(stddev_samp(days), 0) AS sd
  FROM first_receipts GROUP BY 1, 2
),
observation AS (
  SELECT sc.*, so.supplier_id, so.minimum_order_quantity AS moq, so.pack_size,
    coalesce(v.units, 0) AS units, coalesce(v.sum_squares, 0) AS sum_squares, coalesce(b.units, 0) AS backordered,
    ${windowDays}::int - least(
      greatest(0, least(${windowDays - 1}::int, floor(extract(epoch FROM sc.sku_created_at - ${from}::timestamptz) / 86400)::int)),
      coalesce(fo.first_day, ${windowDays}::int)
    ) AS days_observed,
    coalesce(o.samples, 0) AS lead_time_samples,
    coalesce(o.samples, 0) >= ${params.leadTimeMinReceipts}::int AS lead_time_observed,
    CASE WHEN coalesce(o.samples, 0) >= ${params.leadTimeMinReceipts}::int THEN o.mean ELSE so.lead_time_mean_days END AS lead_time,
    CASE WHEN coalesce(o.samples, 0) >= ${params.leadTimeMinReceipts}::int THEN o.sd ELSE so.lead_time_std_dev_days END AS lead_time_sd,
    CASE sc.abc_class WHEN 'A' THEN ${params.serviceLevels.A}::float8 WHEN 'B' THEN ${params.serviceLevels.B}::float8 ELSE ${params.serviceLevels.C}::float8 END AS service_level,
    CASE sc.abc_class WHEN 'A' THEN ${z.A}::float8 WHEN 'B' THEN ${z.B}::float8 ELSE ${z.C}::float8 END AS z
  FROM scope sc
  JOIN source so ON so.sku_id = sc.sku_id
  LEFT JOIN velocity v ON v.sku_id = sc.sku_id AND v.location_id = sc.location_id
  LEFT JOIN first_order fo ON fo.sku_id = sc.sku_id
  LEFT JOIN backorders b ON b.sku_id = sc.sku_id AND b.location_id = sc.location_id
  LEFT JOIN observed o ON o.supplier_id = so.supplier_id AND o.sku_id = sc.sku_id
  -- OFFSET 0 keeps each stage a subquery of its own: pulled up into the next, every expression would be repeated in
  -- every later one that uses it (d in σ_LTD, in the ROP, in order-up-to...), a projection of some 50 kB per row.
  OFFSET 0
),
demand AS (
  SELECT ob.*, ob.units / ob.days_observed AS d,
    CASE WHEN ob.days_observed > 1
      THEN sqrt(greatest(0, (ob.sum_squares - ob.days_observed * (ob.units / ob.days_observed) * (ob.units / ob.days_observed)) / (ob.days_observed - 1)))
      ELSE 0 END AS sd,
    ob.on_hand - ob.damaged - ob.quality_control + ob.incoming + ob.in_transit - ob.reserved - ob.backordered AS ip
  FROM observation ob OFFSET 0
),
spread AS (
  SELECT dm.*, dm.d * dm.lead_time AS ltd_mean,
    sqrt(dm.lead_time * dm.sd * dm.sd + dm.d * dm.d * dm.lead_time_sd * dm.lead_time_sd) AS ltd_sd
  FROM demand dm OFFSET 0
),
levels AS (
  SELECT s.*, s.z * s.ltd_sd AS safety_stock, s.d * s.lead_time + s.z * s.ltd_sd AS rop,
    s.d * s.lead_time + s.z * s.ltd_sd + s.d * ${params.reviewPeriodDays}::float8 AS order_up_to,
    CASE WHEN s.ltd_sd > 0 THEN (s.ip - s.ltd_mean) / s.ltd_sd END AS k
  FROM spread s OFFSET 0
),
plan AS (
  SELECT lv.*, ${params.reviewPeriodDays}::float8 AS review_period_days, ${windowDays}::int AS window_days,
    lv.ip < lv.rop AS below,
    lv.order_up_to - lv.ip AS unrounded,
    ceil(greatest(ceil(lv.order_up_to - lv.ip), lv.moq::float8) / lv.pack_size) * lv.pack_size AS quantity,
    CASE WHEN lv.ltd_sd > 0 THEN lv.k WHEN lv.ip < lv.ltd_mean THEN '-Infinity'::float8 ELSE 'Infinity'::float8 END AS risk_key,
    ${now}::timestamptz + least(3650, CASE WHEN lv.d > 0 THEN greatest(0, lv.ip / lv.d) ELSE lv.lead_time END) * interval '1 day' AS need_by
  FROM levels lv
)`
}

/** The row `plan` yields per position, as read back by callers that select `plan.*`. */
export interface PlanRow {
  position_id: number
  sku_id: number
  location_id: number
  supplier_id: number
  abc_class: 'A' | 'B' | 'C'
  on_hand: number
  damaged: number
  quality_control: number
  reserved: number
  incoming: number
  in_transit: number
  backordered: number
  moq: number
  pack_size: number
  days_observed: number
  window_days: number
  d: number
  sd: number
  lead_time: number
  lead_time_sd: number
  lead_time_samples: number
  lead_time_observed: boolean
  service_level: number
  z: number
  ip: number
  ltd_mean: number
  ltd_sd: number
  safety_stock: number
  rop: number
  order_up_to: number
  review_period_days: number
  k: number | null
  /** k, or ∓Infinity when σ_LTD is 0: ascending risk_key is descending stockout probability, without computing Φ. */
  risk_key: number
  below: boolean
  unrounded: number
  quantity: number
  p: number
  shortage: number
  need_by: Date
}

/** The columns of `plan` a caller reads back, cast to JavaScript-friendly types. */
export const PLAN_COLUMNS = Prisma.sql`plan.position_id, plan.sku_id, plan.location_id, plan.supplier_id, plan.abc_class::text AS abc_class,
  plan.on_hand, plan.damaged, plan.quality_control, plan.reserved, plan.incoming, plan.in_transit, plan.backordered::int AS backordered, plan.moq, plan.pack_size,
  plan.days_observed::int AS days_observed, plan.window_days, plan.d::float8 AS d, plan.sd::float8 AS sd, plan.lead_time::float8 AS lead_time,
  plan.lead_time_sd::float8 AS lead_time_sd, plan.lead_time_samples, plan.lead_time_observed, plan.service_level, plan.z, plan.ip::int AS ip,
  plan.ltd_mean::float8 AS ltd_mean, plan.ltd_sd::float8 AS ltd_sd, plan.safety_stock::float8 AS safety_stock, plan.rop::float8 AS rop,
  plan.order_up_to::float8 AS order_up_to, plan.review_period_days, plan.k::float8 AS k, plan.risk_key::float8 AS risk_key, plan.below, plan.unrounded::float8 AS unrounded,
  plan.quantity::int AS quantity, plan.need_by`

/**
 * P = 1 − Φ(k) and the expected shortage σ_LTD·G(k) of the rows of `alias` (a plan row). Kept out of `plan` itself:
 * Φ costs a function call, and a pass needs it only for the positions it writes or shows, found first by `risk_key`.
 */
export function riskColumns(alias: string): Prisma.Sql {
  const a = Prisma.raw(alias)
  return Prisma.sql`CASE WHEN ${a}.ltd_sd > 0 THEN 1 - ops_hub_normal_cdf(${a}.k) WHEN ${a}.ip < ${a}.ltd_mean THEN 1::float8 ELSE 0::float8 END AS p,
    CASE WHEN ${a}.ltd_sd > 0
      THEN ${a}.ltd_sd * (CASE WHEN abs(${a}.k) > 37 THEN 0 ELSE exp(-${a}.k * ${a}.k / 2) / sqrt(2 * pi()) END - ${a}.k * (1 - ops_hub_normal_cdf(${a}.k)))
      ELSE greatest(0, ${a}.ltd_mean - ${a}.ip) END AS shortage`
}

/**
 * The risk_key at or below which a position's stockout probability reaches `threshold`: P >= t ⟺ k <= Φ⁻¹(1 − t).
 * A threshold of 0 or less admits every position, 1 or more only those certain to run out.
 */
export function riskKeyAtMost(threshold: number): number {
  if (threshold <= 0) return Number.MAX_VALUE
  if (threshold >= 1) return -Number.MAX_VALUE
  return inverseNormalCdf(1 - threshold)
}

/**
 * Runs planning statements in the session settings they are tuned for: JIT compilation off (the plan is analytic but
 * short, and JIT cost about 0.7 s of a 0.9 s plan on the demo history) and 64 MB of work memory, so the sorts and
 * hashes of a whole-network pass (a million order lines) stay in memory instead of spilling to disk. With a client, the
 * statements run in a transaction of their own (SET LOCAL lasts for a transaction); within a caller's transaction,
 * the settings hold until it ends.
 */
export async function planningSession<T>(db: Tx | PrismaClient, fn: (tx: Tx) => Promise<T>): Promise<T> {
  // A transaction client has no $connect (Prisma leaves it out of interactive transactions); $transaction it does have.
  if ('$connect' in db) {
    return (db as PrismaClient).$transaction(async (tx) => {
      await configure(tx)
      return fn(tx)
    })
  }
  await configure(db as Tx)
  return fn(db as Tx)
}

async function configure(tx: Tx) {
  await tx.$executeRaw`SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`
}
