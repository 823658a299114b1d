import type { PrismaClient, Tx } from '@ops-hub/db'
import { SETTING_DEFAULTS, type SettingKey } from '../settings/settings.ts'
import type { PlanParams } from './planning-sql.ts'

const KEYS = [
  'procurement.demandWindowDays',
  'procurement.reviewPeriodDays',
  'procurement.leadTimeMinReceipts',
  'procurement.serviceLevels',
  'procurement.stockoutRiskThreshold',
  'exceptions.slaHours',
] as const satisfies readonly SettingKey[]

export interface PlanningSettings extends PlanParams {
  stockoutRiskThreshold: number
  slaHours: Record<string, number>
}

/** A service level is a fraction strictly between 0 and 1; anything else stored by hand falls back to the default. */
function level(value: unknown, fallback: number): number {
  const n = Number(value)
  return n > 0 && n < 1 ? n : fallback
}

/** The procurement settings a planning pass needs, read in one query. */
export async function planningSettings(db: Tx | PrismaClient, now: Date): Promise<PlanningSettings> {
  const rows = await db.setting.findMany({ where: { key: { in: [...KEYS] } } })
  const stored = new Map(rows.map((r) => [r.key, r.value as unknown]))
  const get = <K extends (typeof KEYS)[number]>(key: K) => (stored.get(key) ?? SETTING_DEFAULTS[key]) as (typeof SETTING_DEFAULTS)[K]
  const levels = get('procurement.serviceLevels') as Record<string, unknown>
  const defaults = SETTING_DEFAULTS['procurement.serviceLevels']
  return {
    now,
    demandWindowDays: Math.max(1, Math.floor(Number(get('procurement.demandWindowDays')))),
    reviewPeriodDays: Math.max(0, Number(get('procurement.reviewPeriodDays'))),
    leadTimeMinReceipts: Math.max(1, Math.floor(Number(get('procurement.leadTimeMinReceipts')))),
    serviceLevels: { A: level(levels.A, defaults.A), B: level(levels.B, defaults.B), C: level(levels.C, defaults.C) },
    stockoutRiskThreshold: Number(get('procurement.stockoutRiskThreshold')),
    slaHours: get('exceptions.slaHours') as Record<string, number>,
  }
}
