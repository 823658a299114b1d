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
  /** Hours an exception may stay open, by severity, before it is overdue. */
  'exceptions.slaHours': { LOW: 72, MEDIUM: 24, HIGH: 8, CRITICAL: 2 },
} as const

export type SettingKey = keyof typeof SETTING_DEFAULTS
export type SettingValue<K extends SettingKey> = (typeof SETTING_DEFAULTS)[K] extends number ? number : (typeof SETTING_DEFAULTS)[K]

export async function getSetting<K extends SettingKey>(db: Tx | PrismaClient, key: K): Promise<SettingValue<K>> {
  const row = await db.setting.findUnique({ where: { key } })
  return (row?.value ?? SETTING_DEFAULTS[key]) as SettingValue<K>
}
