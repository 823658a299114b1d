import type { Tx, PrismaClient } from '@ops-hub/db'

/**
 * Tunable business thresholds with their defaults. Stored overrides live in the `settings` table and are
 * editable at run time by ADMIN; code reads them through `getSetting` so the default is stated once.
 */
export const SETTING_DEFAULTS = {
  /** Orders with a fraud score above this go on hold for review. */
  'orders.fraudScoreThreshold': 0.85,
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
