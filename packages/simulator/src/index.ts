// Public entry of @ops-hub/simulator: the promo-spike scenario run twice, through the hub's rules and through the
// naive baseline, each on a fresh database, compared KPI by KPI.
import { SimClock } from './clock.ts'
import { scratchDatabase } from './database.ts'
import { ScenarioEngine } from './engine.ts'
import { policyResult } from './report.ts'
import { SCENARIO_START, scenarioParams, type Policy, type PolicyResult, type ScenarioParams, type ScenarioProgress, type ScenarioReport } from './params.ts'

export * from './params.ts'
export { formatReport } from './format.ts'
export { promoWindow, SCENARIO_SCALE } from './engine.ts'

export interface RunScenarioOptions {
  /** PostgreSQL server on which to create (and drop) the runs' databases; embedded PGlite when absent. */
  databaseUrl?: string
  onProgress?: (p: ScenarioProgress) => void
}

export async function runScenario(input: ScenarioParams, opts: RunScenarioOptions = {}): Promise<ScenarioReport> {
  const params = scenarioParams(input)
  const hub = await runPolicy(params, 'hub', opts)
  const naive = await runPolicy(params, 'naive', opts)
  return { scenario: params.scenario, params, hub, naive }
}

export async function runPolicy(params: ScenarioParams, policy: Policy, opts: RunScenarioOptions = {}): Promise<PolicyResult> {
  const clock = new SimClock(SCENARIO_START)
  clock.install()
  try {
    const scratch = await scratchDatabase(policy, opts.databaseUrl)
    try {
      const engine = new ScenarioEngine(scratch.db, clock, params, policy)
      opts.onProgress?.({ policy, day: 0, days: params.days })
      await engine.setup()
      const run = await engine.run((day) => opts.onProgress?.({ policy, day, days: params.days }))
      return await policyResult(scratch.db, run)
    } finally {
      await scratch.dispose()
    }
  } finally {
    clock.uninstall()
  }
}
