export type Policy = 'hub' | 'naive'

export interface ScenarioParams {
  scenario: 'promo-spike'
  days: number
  seed: number
  /** Demand multiplier on the promotion's days (default 3). */
  promoMultiplier: number
  /** Hours between two 3PL stock files (default 4). */
  feedIntervalHours: number
  /** Days the late supplier's deliveries slip (default 5). */
  supplierDelayDays: number
}

export interface ScenarioProgress {
  policy: Policy
  day: number
  days: number
}

// Type aliases, not interfaces: the report must be assignable to the domain's checked report type (its passthrough
// objects carry an index signature, which only aliases satisfy), so the CLI compares through compareScenarioPolicies.
export type ScenarioKpis = {
  oversoldUnits: number
  oversoldOrders: number
  /** Units customers wanted that their channel listed as not available to sell (they bought the rest, or nothing). */
  lostSalesUnits: number
  cancellationRate: number | null
  onTimeShipmentRate: number | null
  otif: number | null
  /** Orders placed in the window, still not shipped at its end, whose ship-by had passed: late, though the on-time rate
   * (which counts shipped orders) does not see them yet. */
  lateOpenOrders: number
  orderCycleTimeP50Hours: number | null
  orderCycleTimeP90Hours: number | null
  backorderUnits: number
  inventoryRecordAccuracy: number | null
  stockoutDays: number
  latePurchaseOrders: number
  manualAdjustments: number
  exceptionsByType: Record<string, number>
}

export type DailyPoint = {
  day: string
  /** Customers who came to buy (the same under both policies). */
  customers: number
  /** Orders they placed: fewer where their channel listed none of their cart. */
  orders: number
  backlog: number
  cancellations: number
  onTimeRate: number | null
}

export type PolicyResult = {
  kpis: ScenarioKpis
  daily: DailyPoint[]
}

export interface ScenarioReport {
  scenario: 'promo-spike'
  params: ScenarioParams
  hub: PolicyResult
  naive: PolicyResult
}

/** The simulated start: a Monday, fixed so that the report never depends on the wall clock. */
export const SCENARIO_START = new Date('2026-03-02T00:00:00Z')

export const DEFAULT_PARAMS: ScenarioParams = {
  scenario: 'promo-spike',
  days: 30,
  seed: 7,
  promoMultiplier: 3,
  feedIntervalHours: 4,
  supplierDelayDays: 5,
}

export function scenarioParams(input: Partial<ScenarioParams>): ScenarioParams {
  const p = { ...DEFAULT_PARAMS, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as ScenarioParams
  const problems: string[] = []
  if (p.scenario !== 'promo-spike') problems.push(`unknown scenario "${p.scenario}" (only promo-spike)`)
  if (!Number.isInteger(p.days) || p.days < 1 || p.days > 90) problems.push('days: a whole number from 1 to 90')
  if (!Number.isInteger(p.seed) || p.seed < 0 || p.seed > 2 ** 31) problems.push('seed: a whole number >= 0')
  if (!(p.promoMultiplier >= 1 && p.promoMultiplier <= 10)) problems.push('promoMultiplier: from 1 to 10')
  if (!Number.isInteger(p.feedIntervalHours) || p.feedIntervalHours < 1 || p.feedIntervalHours > 48) problems.push('feedIntervalHours: a whole number from 1 to 48')
  if (!Number.isInteger(p.supplierDelayDays) || p.supplierDelayDays < 0 || p.supplierDelayDays > 60) problems.push('supplierDelayDays: a whole number from 0 to 60')
  if (problems.length) throw new Error(`Invalid scenario parameters: ${problems.join('; ')}`)
  // A fixed key order, so the report's JSON is stable whatever order the caller used.
  return { scenario: p.scenario, days: p.days, seed: p.seed, promoMultiplier: p.promoMultiplier, feedIntervalHours: p.feedIntervalHours, supplierDelayDays: p.supplierDelayDays }
}
