import { z } from 'zod'
import { Prisma, type Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'
import { planCtes, riskColumns, riskKeyAtMost, planningSession, type PlanScope } from '../planning-sql.ts'
import { planningSettings, type PlanningSettings } from '../planning-settings.ts'

export const generateReplenishmentSuggestionsInput = z.object({ locationCode: codeSchema.nullish() })

export interface ReplenishmentRun {
  /** Node the run covered; null = every fulfilment node. */
  locationId: number | null
  /** Positions planned (in scope and supplied by an active supplier). */
  planned: number
  /** Of those, below their reorder point with no purchase order in progress: the OPEN suggestions of the scope. */
  due: number
  created: number
  updated: number
  /** OPEN suggestions closed because their position is back at or above its reorder point (or a PO now covers it). */
  expired: number
  risksOpened: number
  risksResolved: number
}

/**
 * Plans every fulfilment position (or one node's): where the inventory position is below the reorder point and no
 * purchase order for it is in progress, the one OPEN suggestion of that SKU × node is created or updated with its
 * whole explanation; OPEN suggestions no longer due expire; positions whose stockout probability reaches the threshold
 * with no open PO covering them open a REPLENISHMENT_RISK exception (and those that recovered are resolved).
 */
export async function generateReplenishmentSuggestions(
  tx: Tx,
  rawInput: z.input<typeof generateReplenishmentSuggestionsInput>,
  actor: Actor,
  now = new Date(),
): Promise<ReplenishmentRun> {
  const input = parseInput(generateReplenishmentSuggestionsInput, rawInput)
  let locationId: number | null = null
  if (input.locationCode) {
    const location = await tx.location.findUnique({ where: { code: input.locationCode }, select: { id: true, isFulfillmentNode: true } })
    if (!location) throw userError('NOT_FOUND', `No location ${input.locationCode}`, ['input', 'locationCode'])
    if (!location.isFulfillmentNode) throw userError('INVALID_INPUT', `${input.locationCode} is not a fulfilment node: nothing is replenished there`, ['input', 'locationCode'])
    locationId = location.id
  }
  return planReplenishment(tx, { locationId }, actor, now)
}

/**
 * The planning pass behind generateReplenishmentSuggestions, for any scope (the reservation worker plans the positions
 * its events named). One statement: the plan, the suggestion upserts and expiries, the risk exceptions and their
 * outbox events. Safe to run twice or concurrently: the database admits one OPEN suggestion per SKU × node
 * (`reorder_suggestions_one_open`) and one open exception per dedupe key, and both writes go through those keys.
 */
export async function planReplenishment(tx: Tx, scope: PlanScope, actor: Actor, now = new Date()): Promise<ReplenishmentRun> {
  const settings = await planningSettings(tx, now)
  const [row] = await planningSession(tx, (t) => t.$queryRaw<Array<Omit<ReplenishmentRun, 'locationId'> & { events: number }>>(replenishmentPassSql(settings, scope, actor)))
  const { events: _events, ...counts } = row
  return { locationId: scope.locationId ?? null, ...counts }
}

/** The one statement of a planning pass (exported so benches and diagnostics can time or EXPLAIN exactly it). */
export function replenishmentPassSql(settings: PlanningSettings, scope: PlanScope, actor: Actor): Prisma.Sql {
  const now = settings.now
  const slaMs = (severity: string) => (Number(settings.slaHours[severity]) || 24) * 3_600_000
  const dueHigh = new Date(now.getTime() + slaMs('HIGH'))
  const dueMedium = new Date(now.getTime() + slaMs('MEDIUM'))
  const wallClock = new Date()
  return Prisma.sql`
${planCtes(settings, scope)},
in_progress AS (
  SELECT po.location_id, pol.sku_id, bool_or(po.status IN ('DRAFT', 'PENDING_APPROVAL', 'APPROVED')) AS unsent
  FROM purchase_orders po JOIN purchase_order_lines pol ON pol.purchase_order_id = po.id
  WHERE po.status NOT IN ('RECEIVED', 'CANCELLED') AND pol.sku_id IN (SELECT sku_id FROM scope)
  GROUP BY 1, 2
),
due AS (
  SELECT plan.*, ${riskColumns('plan')} FROM plan LEFT JOIN in_progress ip ON ip.location_id = plan.location_id AND ip.sku_id = plan.sku_id
  WHERE plan.below AND NOT coalesce(ip.unsent, false)
),
upserted AS (
  INSERT INTO reorder_suggestions (sku_id, location_id, supplier_id, status, daily_demand_mean, daily_demand_std_dev, lead_time_mean_days,
    lead_time_std_dev_days, service_level_z, reorder_point, order_up_to, inventory_position, suggested_quantity, stockout_probability,
    created_at, abc_class, service_level, safety_stock, review_period_days, demand_window_days, demand_days_observed, lead_time_basis,
    lead_time_samples, on_hand, damaged, quality_control, reserved, incoming, in_transit, backordered, minimum_order_quantity, pack_size, unrounded_quantity,
    expected_shortage_units, need_by, planned_at)
  SELECT sku_id, location_id, supplier_id, 'OPEN', d, sd, lead_time, lead_time_sd, z, rop, order_up_to, ip, quantity::int, p,
    ${now}::timestamptz, abc_class, service_level, safety_stock, review_period_days, window_days, days_observed,
    (CASE WHEN lead_time_observed THEN 'OBSERVED' ELSE 'PROMISED' END)::"LeadTimeBasis", lead_time_samples, on_hand, damaged, quality_control, reserved, incoming,
    in_transit, backordered, moq, pack_size, unrounded, shortage, need_by, ${now}::timestamptz
  FROM due
  ON CONFLICT (sku_id, location_id) WHERE status = 'OPEN' DO UPDATE SET
    supplier_id = EXCLUDED.supplier_id, daily_demand_mean = EXCLUDED.daily_demand_mean, daily_demand_std_dev = EXCLUDED.daily_demand_std_dev,
    lead_time_mean_days = EXCLUDED.lead_time_mean_days, lead_time_std_dev_days = EXCLUDED.lead_time_std_dev_days,
    service_level_z = EXCLUDED.service_level_z, reorder_point = EXCLUDED.reorder_point, order_up_to = EXCLUDED.order_up_to,
    inventory_position = EXCLUDED.inventory_position, suggested_quantity = EXCLUDED.suggested_quantity,
    stockout_probability = EXCLUDED.stockout_probability, abc_class = EXCLUDED.abc_class, service_level = EXCLUDED.service_level,
    safety_stock = EXCLUDED.safety_stock, review_period_days = EXCLUDED.review_period_days, demand_window_days = EXCLUDED.demand_window_days,
    demand_days_observed = EXCLUDED.demand_days_observed, lead_time_basis = EXCLUDED.lead_time_basis,
    lead_time_samples = EXCLUDED.lead_time_samples, on_hand = EXCLUDED.on_hand, damaged = EXCLUDED.damaged,
    quality_control = EXCLUDED.quality_control, reserved = EXCLUDED.reserved,
    incoming = EXCLUDED.incoming, in_transit = EXCLUDED.in_transit, backordered = EXCLUDED.backordered,
    minimum_order_quantity = EXCLUDED.minimum_order_quantity, pack_size = EXCLUDED.pack_size,
    unrounded_quantity = EXCLUDED.unrounded_quantity, expected_shortage_units = EXCLUDED.expected_shortage_units,
    need_by = EXCLUDED.need_by, planned_at = EXCLUDED.planned_at
  RETURNING location_id, (xmax = 0) AS inserted
),
expired AS (
  UPDATE reorder_suggestions rs SET status = 'EXPIRED', decided_by = ${actor.id}, decided_at = ${now}::timestamptz, planned_at = ${now}::timestamptz,
    decision_note = 'No longer due: the position is at or above its reorder point, a purchase order for it is in progress, or no active supplier supplies it'
  FROM scope sc
  WHERE rs.status = 'OPEN' AND rs.sku_id = sc.sku_id AND rs.location_id = sc.location_id
    AND NOT EXISTS (SELECT 1 FROM due WHERE due.sku_id = rs.sku_id AND due.location_id = rs.location_id)
  RETURNING rs.location_id
),
risky AS (
  -- P >= threshold is k <= Φ⁻¹(1 − threshold): found by the key, then P computed (and checked) for those alone.
  SELECT plan.*, ${riskColumns('plan')} FROM plan WHERE plan.risk_key <= ${riskKeyAtMost(settings.stockoutRiskThreshold) + 1e-9}::float8
),
at_risk AS (
  SELECT risky.*, s.code AS sku_code, l.code AS location_code
  FROM risky
  JOIN skus s ON s.id = risky.sku_id JOIN locations l ON l.id = risky.location_id
  LEFT JOIN in_progress ip ON ip.location_id = risky.location_id AND ip.sku_id = risky.sku_id
  WHERE risky.p >= ${settings.stockoutRiskThreshold}::float8 AND ip.sku_id IS NULL
),
risk_opened AS (
  INSERT INTO exceptions (type, severity, owner_role, status, subject_type, subject_id, stock_position_id, title, detail, data, due_by,
    dedupe_key, created_at, updated_at)
  SELECT 'REPLENISHMENT_RISK', (CASE WHEN p >= 0.9 THEN 'HIGH' ELSE 'MEDIUM' END)::"ExceptionSeverity", 'PROCUREMENT', 'OPEN', 'StockPosition',
    position_id, position_id,
    sku_code || ' at ' || location_code || ': ' || round((p * 100)::numeric, 0) || '% chance of running out within its lead time',
    'Inventory position ' || ip || ' against ' || round(ltd_mean::numeric, 1) || ' units of expected demand over a ' || round(lead_time::numeric, 1)
      || '-day lead time (σ ' || round(ltd_sd::numeric, 1) || '); no open purchase order covers it.',
    jsonb_build_object('probability', p, 'inventoryPosition', ip, 'leadTimeDemandMean', ltd_mean, 'leadTimeDemandStdDev', ltd_sd,
      'leadTimeMeanDays', lead_time, 'reorderPoint', rop),
    CASE WHEN p >= 0.9 THEN ${dueHigh}::timestamptz ELSE ${dueMedium}::timestamptz END,
    'replenishment-risk:' || position_id, ${now}::timestamptz, ${now}::timestamptz
  FROM at_risk
  ON CONFLICT (dedupe_key) WHERE status <> 'RESOLVED' AND dedupe_key IS NOT NULL DO NOTHING
  RETURNING id, severity::text AS severity
),
risk_resolved AS (
  UPDATE exceptions e SET status = 'RESOLVED', resolved_by = ${actor.id}, resolved_at = ${now}::timestamptz, updated_at = ${now}::timestamptz,
    resolution = 'Stockout probability fell below the threshold, or a purchase order now covers the position'
  FROM scope sc
  WHERE e.type = 'REPLENISHMENT_RISK' AND e.status <> 'RESOLVED' AND e.stock_position_id = sc.position_id
    AND NOT EXISTS (SELECT 1 FROM at_risk a WHERE a.position_id = sc.position_id)
  RETURNING e.id
),
events AS (
  INSERT INTO outbox_events (topic, aggregate_type, aggregate_id, payload, created_at)
  SELECT 'exception.opened', 'Exception', id, jsonb_build_object('type', 'REPLENISHMENT_RISK', 'ownerRole', 'PROCUREMENT', 'severity', severity), ${wallClock}::timestamptz
  FROM risk_opened
  UNION ALL
  SELECT 'exception.changed', 'Exception', id, jsonb_build_object('to', 'RESOLVED', 'type', 'REPLENISHMENT_RISK', 'ownerRole', 'PROCUREMENT'), ${wallClock}::timestamptz
  FROM risk_resolved
  UNION ALL
  SELECT 'procurement.changed', 'Location', location_id, jsonb_build_object('locationId', location_id, 'suggestions', count(*)), ${wallClock}::timestamptz
  FROM (SELECT location_id FROM upserted UNION ALL SELECT location_id FROM expired) changed GROUP BY location_id
  RETURNING 1
)
SELECT (SELECT count(*) FROM plan)::int AS planned, (SELECT count(*) FROM due)::int AS due,
  (SELECT count(*) FILTER (WHERE inserted) FROM upserted)::int AS created, (SELECT count(*) FILTER (WHERE NOT inserted) FROM upserted)::int AS updated,
  (SELECT count(*) FROM expired)::int AS expired, (SELECT count(*) FROM risk_opened)::int AS "risksOpened",
  (SELECT count(*) FROM risk_resolved)::int AS "risksResolved", (SELECT count(*) FROM events)::int AS events`
}

/** Suggestions of a run, for its payload: the OPEN ones of its scope, most at risk first. */
export function openSuggestionsOrder(): Prisma.ReorderSuggestionOrderByWithRelationInput[] {
  return [{ stockoutProbability: 'desc' }, { expectedShortageUnits: 'desc' }, { id: 'asc' }]
}
