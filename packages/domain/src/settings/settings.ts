import type { Tx, PrismaClient } from '@ops-hub/db'

/**
 * Tunable business thresholds with their defaults. Stored overrides live in the `settings` table and are
 * editable at run time by ADMIN; code reads them through `getSetting` so the default is stated once.
 */
export const SETTING_DEFAULTS = {
  /** Orders with a fraud score above this go on hold for review. */
  'orders.fraudScoreThreshold': 0.85,
  /**
   * How releaseOrders takes the queue: PRIORITY_CAPACITY (at-risk ship-by, service level, channel and order priority,
   * age; bounded by the day's capacity) or FIFO_UNBOUNDED (placement order, everything, capacity ignored: the naive
   * baseline of the scenario lab, not a recommended setting).
   */
  'orders.releasePolicy': 'PRIORITY_CAPACITY' as 'PRIORITY_CAPACITY' | 'FIFO_UNBOUNDED',
  /**
   * The share of each working day's release capacity kept for work due that day (ship-by by its cut-off) that is still
   * to come - same-day orders placed after the day's work was released: work due on later days may not take it until
   * `opensMinutesBeforeCutoff` before the cut-off. Without it a release after the previous cut-off (or over a weekend)
   * fills the next day with work due days later, and that day's same-day orders ship a day late.
   */
  'orders.releaseReserve': { share: 0.1, opensMinutesBeforeCutoff: 120 },
  /**
   * Whether routing weighs each node's release queue (released plus waiting against its daily capacity): a full node
   * takes only what nodes with room cannot, the shortest queue first. Off, nodes are chosen by stock, zone and cost
   * alone, capacity ignored: the scenario lab's naive baseline, not a recommended setting.
   */
  'orders.routeByCapacity': true as boolean,
  /**
   * Whether an automated node with room on its working day pulls waiting work that another node will not release on
   * its own (pullQueuedWork). Off: work stays where it was routed (the scenario lab's naive baseline).
   */
  'orders.balanceQueues': true as boolean,
  /**
   * Whether a short pick's missing units may be re-reserved at other fulfilment nodes (a new allocation there, released
   * at once). Off, they are re-sought only in other bins of the same node and the rest is backordered: the scenario
   * lab's naive baseline (no exception routing), not a recommended setting.
   */
  'fulfillment.shortPickReroute': true as boolean,
  /** Adjustments worth more than this (absolute cost value) need a second approver. */
  'inventory.adjustmentApprovalValue': 500,
  /** ...or moving more units than this. */
  'inventory.adjustmentApprovalQuantity': 100,
  /** Positions below this confidence are not safely promisable. */
  'inventory.confidenceThreshold': 0.6,
  /** Feed deltas within this many units (or this fraction of book) are auto-accepted. */
  'inventory.feedToleranceUnits': 5,
  'inventory.feedToleranceRatio': 0.02,
  /** Days between cycle counts by ABC class (A monthly, B quarterly, C yearly). */
  'inventory.cycleCountIntervalDays': { A: 30, B: 90, C: 365 },
  /** A count within max(units, ratio x book) of the book is auto-adjusted; beyond it is recounted, then approved. */
  'inventory.countTolerance': { A: { units: 0, ratio: 0.01 }, B: { units: 2, ratio: 0.02 }, C: { units: 5, ratio: 0.05 } },
  /** How often a 3PL is expected to send a snapshot; source-freshness confidence decays against it. */
  'inventory.feedExpectedHours': 6,
  /** Weights of the inventory-confidence factors (see scoreConfidence). */
  'inventory.confidenceWeights': { countAge: 0.3, countVariance: 0.2, sourceFreshness: 0.25, unreconciled: 0.15, manualAdjustments: 0.1 },
  /** When a manual adjustment is flagged as anomalous (see scoreAnomaly). */
  'inventory.anomaly': { zThreshold: 3.5, minHistory: 5, repeatCount: 3, repeatHours: 24, afterCountHours: 24, workdayStartHour: 6, workdayEndHour: 22 },
  /** Business days in transit assumed per service level before a carrier is chosen (projected delivery of unshipped orders). */
  'shipments.defaultTransitDays': { SAME_DAY: 0, EXPRESS: 1, STANDARD: 3 },
  /** Hours an exception may stay open, by severity, before it is overdue. */
  'exceptions.slaHours': { LOW: 72, MEDIUM: 24, HIGH: 8, CRITICAL: 2 },
  /**
   * A receipt keeps to its supplier's lead time when the observed lead time (first receipt of the PO line minus the
   * moment the PO was sent, `orderedAt`) is at most the promised lead time (the SupplierSku's mean) plus this many days.
   * Shared by the supplier scorecard and the replenishment lead-time adherence KPI, so both count alike.
   */
  'procurement.leadTimeToleranceDays': 2,

  // ---- public API: cost limits, persisted operations, idempotency, webhooks ----
  /**
   * Query-cost leaky bucket per API key or user (Shopify's classic defaults: 1,000 points, 50 restored a second),
   * with overrides per role; `maxQueryCost` is the most one query may cost (never more than the bucket holds).
   */
  'api.costLimits': {
    maximumAvailable: 1000,
    restoreRate: 50,
    maxQueryCost: 1000,
    byRole: {} as Partial<Record<'ADMIN' | 'EXECUTIVE' | 'OPERATIONS' | 'PROCUREMENT' | 'FINANCE' | 'CUSTOMER_SERVICE' | 'PARTNER', { maximumAvailable?: number; restoreRate?: number; maxQueryCost?: number }>>,
  },
  /**
   * Who must send persisted operations (a hash from the allow-list) instead of query text: by role, or by API key
   * prefix (`ohk_ab12cd34`). Staff may send any operation unless listed here.
   */
  'api.persistedOperations': { requiredForRoles: [] as string[], requiredForKeys: [] as string[] },
  /** Idempotency keys are kept this long, then purged (Stripe keeps them at least 24 hours). */
  'api.idempotencyRetentionHours': 24,
  /** Tries of a webhook delivery before it is dead-lettered (redeliverWebhook starts it again). */
  'webhooks.maxTries': 8,
  // ----- KPIs (operational intelligence, issue 17) -----
  /**
   * Target and WATCH band of every KPI: a value at least as good as `target` is ON_TARGET, one between `target` and
   * `watch` is WATCH, one worse than `watch` OFF_TARGET; `better` says which way is good. Durations are judged on
   * their p90 (hours), the adjustment frequency per 1,000 units shipped. Sources (docs: shared REFERENCES.md):
   * on-time shipment > 99.7% and order picking accuracy > 99.9% are WERC DC Measures 2020 best in class (a
   * warehouse exception rate of at most 0.1% is the picking-accuracy mirror); inventory record accuracy: 99% best
   * in class, 95% the usual target (our WATCH floor); OTIF: Walmart's 2024 supplier targets (in full 95%, on time
   * 90-98%). The cycle- and return-time targets, the cancellation, backorder and adjustment targets and every
   * other WATCH floor are this hub's defaults for a mid-market retailer, not published figures: tune them here.
   */
  'kpi.targets': {
    orderCycleTime: { target: 48, watch: 72, better: 'LOWER' },
    onTimeShipmentRate: { target: 0.997, watch: 0.95, better: 'HIGHER' },
    otifRate: { target: 0.95, watch: 0.9, better: 'HIGHER' },
    cancellationRate: { target: 0.02, watch: 0.05, better: 'LOWER' },
    inventoryRecordAccuracy: { target: 0.99, watch: 0.95, better: 'HIGHER' },
    backorderRate: { target: 0.02, watch: 0.05, better: 'LOWER' },
    replenishmentLeadTimeAdherence: { target: 0.95, watch: 0.85, better: 'HIGHER' },
    warehouseExceptionRate: { target: 0.001, watch: 0.01, better: 'LOWER' },
    returnProcessingTime: { target: 48, watch: 96, better: 'LOWER' },
    manualAdjustmentFrequency: { target: 1, watch: 3, better: 'LOWER' },
  },
  // ----- predictions (issue 17): SLA-miss risk, cycle-count priority -----
  /**
   * SLA-miss risk of open orders (see orders/sla-risk): history is the orders open at every `stepHours` over the last
   * `lookbackDays`, each labelled with whether it was still open at its ship-by. Time left is cut at `timeLeftBandsHours`.
   * A cell with fewer than `minObservations` order-moments falls back to the next coarser level; the estimate is shrunk
   * toward that coarser level's rate with `pseudoCount` order-moments. At `exceptionThreshold` or above, the risk job
   * opens a SHIP_BY_RISK exception (HIGH from `highSeverityAt`).
   */
  'orders.slaRisk': {
    lookbackDays: 28,
    stepHours: 3,
    timeLeftBandsHours: [2, 4, 8, 12, 24, 48],
    minObservations: 30,
    pseudoCount: 20,
    exceptionThreshold: 0.5,
    highSeverityAt: 0.8,
  },
  /**
   * Cycle-count priority (see inventory/count-priority): score = sum of weight x term / sum of weights, each term 0..1 -
   * lowConfidence (1 - confidence), valueAtRisk (onHand x unit cost on a log scale up to `valueScale`), varianceHistory
   * (share of the position's past counts that found a variance, shrunk toward its location's share with
   * `variancePseudoCounts`), daysSinceCount (days since the last count over `daysForFull`, capped at 1) and
   * anomalies (anomaly-flagged adjustments since the last count over `anomaliesForFull`, capped at 1). The chance that
   * a count finds a variance is read off a logistic curve of score fitted to the counts of the last `calibrationDays`
   * (each scored as it stood just before it), its slope held back by a ridge penalty `curveRidge`.
   */
  'inventory.countPriority': {
    weights: { lowConfidence: 0.25, valueAtRisk: 0.15, varianceHistory: 0.25, daysSinceCount: 0.25, anomalies: 0.1 },
    valueScale: 50000,
    variancePseudoCounts: 2,
    anomaliesForFull: 2,
    daysForFull: 90,
    calibrationDays: 90,
    curveRidge: 0.1,
  },
  /** Counts a location can do per day: when more positions are due, scheduleCycleCounts takes the highest priorities. */
  'inventory.dailyCountCapacity': 40,
  // ---- replenishment (issue 15): demand velocity, reorder policy, purchase orders, stockout risk ----
  /** Days of order history behind demand velocity; days without orders count as zero demand. */
  'procurement.demandWindowDays': 56,
  /** Below this many receipts of a supplier's SKU the promised lead time is used instead of the observed one. */
  'procurement.leadTimeMinReceipts': 5,
  /** Target cycle service level per ABC class (the chance of not running out in a replenishment cycle); z = Φ⁻¹(level). */
  'procurement.serviceLevels': { A: 0.98, B: 0.95, C: 0.9 },
  /** Days between reviews of a position: order-up-to = reorder point + daily demand x this. */
  'procurement.reviewPeriodDays': 7,
  /** A purchase order worth more than this needs a FINANCE (or ADMIN) approver other than its submitter; 0 = every PO. */
  'procurement.poApprovalValue': 0,
  /** A receipt may exceed a line's outstanding quantity by at most this fraction of the ordered quantity. */
  'procurement.overReceiptTolerance': 0.05,
  /** A position whose stockout probability over its lead time is at least this opens REPLENISHMENT_RISK (unless a PO covers it). */
  'procurement.stockoutRiskThreshold': 0.5,
} as const

export type SettingKey = keyof typeof SETTING_DEFAULTS
export type SettingValue<K extends SettingKey> = (typeof SETTING_DEFAULTS)[K] extends number ? number : (typeof SETTING_DEFAULTS)[K]

export async function getSetting<K extends SettingKey>(db: Tx | PrismaClient, key: K): Promise<SettingValue<K>> {
  const row = await db.setting.findUnique({ where: { key } })
  return (row?.value ?? SETTING_DEFAULTS[key]) as SettingValue<K>
}
