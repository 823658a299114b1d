import { Prisma, type PrismaClient, type Tx } from '@ops-hub/db'
import { planCtes, PLAN_COLUMNS, riskColumns, riskKeyAtMost, planningSession, type PlanRow, type PlanScope } from '../planning-sql.ts'
import { planningSettings } from '../planning-settings.ts'

export interface PositionRisk {
  positionId: number
  skuId: number
  locationId: number
  skuCode: string
  skuName: string
  locationCode: string
  /** P = 1 − Φ(k), k = (IP − μ_LTD) / σ_LTD. */
  probability: number
  /** σ_LTD·G(k): units expected to be short before a new order could arrive. */
  expectedShortageUnits: number
  /** The lead time L a new order would take, in days. */
  horizonDays: number
  /** Open purchase orders (any status before RECEIVED/CANCELLED) with a line for this SKU to this node. */
  openPurchaseOrders: string[]
  terms: {
    inventoryPosition: number
    onHand: number
    damaged: number
    qualityControl: number
    reserved: number
    incoming: number
    inTransit: number
    backordered: number
    dailyDemandMean: number
    dailyDemandStdDev: number
    demandDaysObserved: number
    leadTimeMeanDays: number
    leadTimeStdDevDays: number
    leadTimeBasis: 'OBSERVED' | 'PROMISED'
    leadTimeSamples: number
    leadTimeDemandMean: number
    leadTimeDemandStdDev: number
    /** (IP − μ_LTD) / σ_LTD; null when σ_LTD is 0 (the probability is then 1 if IP < μ_LTD, else 0). */
    k: number | null
    reorderPoint: number
  }
}

type RiskRow = PlanRow & { p: number; shortage: number; sku_code: string; sku_name: string; location_code: string; open_pos: string[] | null }

function toRisk(r: RiskRow): PositionRisk {
  return {
    positionId: r.position_id,
    skuId: r.sku_id,
    locationId: r.location_id,
    skuCode: r.sku_code,
    skuName: r.sku_name,
    locationCode: r.location_code,
    probability: r.p,
    expectedShortageUnits: r.shortage,
    horizonDays: r.lead_time,
    openPurchaseOrders: r.open_pos ?? [],
    terms: {
      inventoryPosition: r.ip,
      onHand: r.on_hand,
      damaged: r.damaged,
      qualityControl: r.quality_control,
      reserved: r.reserved,
      incoming: r.incoming,
      inTransit: r.in_transit,
      backordered: r.backordered,
      dailyDemandMean: r.d,
      dailyDemandStdDev: r.sd,
      demandDaysObserved: r.days_observed,
      leadTimeMeanDays: r.lead_time,
      leadTimeStdDevDays: r.lead_time_sd,
      leadTimeBasis: r.lead_time_observed ? 'OBSERVED' : 'PROMISED',
      leadTimeSamples: r.lead_time_samples,
      leadTimeDemandMean: r.ltd_mean,
      leadTimeDemandStdDev: r.ltd_sd,
      k: r.k === null || !Number.isFinite(r.k) ? null : r.k,
      reorderPoint: r.rop,
    },
  }
}

function riskQuery(plan: Prisma.Sql, tail: Prisma.Sql) {
  return Prisma.sql`${plan}
SELECT ${PLAN_COLUMNS}, ${riskColumns('plan')}, s.code AS sku_code, s.name AS sku_name, l.code AS location_code,
  (SELECT array_agg(DISTINCT po.number ORDER BY po.number) FROM purchase_orders po JOIN purchase_order_lines pol ON pol.purchase_order_id = po.id
   WHERE po.location_id = plan.location_id AND pol.sku_id = plan.sku_id AND po.status NOT IN ('RECEIVED', 'CANCELLED')) AS open_pos
FROM plan JOIN skus s ON s.id = plan.sku_id JOIN locations l ON l.id = plan.location_id
${tail}`
}

/**
 * Positions ranked by their stockout probability over the lead time, one set-based pass over the plan: by k ascending,
 * which is P descending and still tells apart positions whose P rounds to 1. Positions whose SKU no active supplier supplies have no lead time and are not ranked.
 */
export async function rankStockoutRisks(db: Tx | PrismaClient, scope: PlanScope, page: { limit: number; offset: number }, now = new Date()): Promise<PositionRisk[]> {
  const settings = await planningSettings(db, now)
  const rows = await planningSession(db, (tx) =>
    tx.$queryRaw<RiskRow[]>(riskQuery(planCtes(settings, scope), Prisma.sql`ORDER BY plan.risk_key, plan.position_id LIMIT ${page.limit} OFFSET ${page.offset}`)),
  )
  return rows.map(toRisk)
}

/** The stockout risk of each of these positions (null for a position nobody supplies or outside any fulfilment node). */
export async function positionStockoutRisks(db: Tx | PrismaClient, positionIds: readonly number[], now = new Date()): Promise<Array<PositionRisk | null>> {
  if (positionIds.length === 0) return []
  const settings = await planningSettings(db, now)
  const rows = await planningSession(db, (tx) => tx.$queryRaw<RiskRow[]>(riskQuery(planCtes(settings, { positionIds: [...positionIds] }), Prisma.empty)))
  const byId = new Map(rows.map((r) => [r.position_id, toRisk(r)]))
  return positionIds.map((id) => byId.get(id) ?? null)
}

/** How many positions in scope are at or above the risk threshold, and how many are planned at all. */
export async function countStockoutRisks(db: Tx | PrismaClient, scope: PlanScope, threshold: number, now = new Date()) {
  const settings = await planningSettings(db, now)
  const [row] = await planningSession(db, (tx) => tx.$queryRaw<Array<{ planned: number; at_risk: number }>>`${planCtes(settings, scope)}
    SELECT count(*)::int AS planned, count(*) FILTER (WHERE risk_key <= ${riskKeyAtMost(threshold)}::float8)::int AS at_risk FROM plan`)
  return { planned: row.planned, atRisk: row.at_risk }
}

/**
 * One pass for the live replenishment-risk snapshot: how many positions are planned, how many are at or above the
 * threshold, and the `top` most at risk.
 */
export async function summarizeStockoutRisks(db: Tx | PrismaClient, scope: PlanScope, threshold: number, top: number, now = new Date()) {
  const settings = await planningSettings(db, now)
  const rows = await planningSession(db, (tx) => tx.$queryRaw<Array<RiskRow & { planned: number; at_risk: number }>>`${planCtes(settings, scope)},
    counted AS (SELECT plan.*, count(*) OVER () AS planned, count(*) FILTER (WHERE plan.risk_key <= ${riskKeyAtMost(threshold)}::float8) OVER () AS at_risk FROM plan)
    SELECT ${PLAN_COLUMNS}, ${riskColumns('plan')}, plan.planned::int AS planned, plan.at_risk::int AS at_risk, s.code AS sku_code, s.name AS sku_name, l.code AS location_code,
      (SELECT array_agg(DISTINCT po.number ORDER BY po.number) FROM purchase_orders po JOIN purchase_order_lines pol ON pol.purchase_order_id = po.id
       WHERE po.location_id = plan.location_id AND pol.sku_id = plan.sku_id AND po.status NOT IN ('RECEIVED', 'CANCELLED')) AS open_pos
    FROM counted plan JOIN skus s ON s.id = plan.sku_id JOIN locations l ON l.id = plan.location_id
    ORDER BY plan.risk_key, plan.position_id LIMIT ${Math.max(1, top)}`)
  return { planned: rows[0]?.planned ?? 0, atRisk: rows[0]?.at_risk ?? 0, top: rows.map(toRisk) }
}
