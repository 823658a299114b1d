// Public entry of @ops-hub/simulator: the promo-spike scenario run twice, through the hub's rules and through the
// naive baseline, each on a fresh database, compared KPI by KPI.
import { Worker } from 'node:worker_threads'
import { SimClock } from './clock.ts'
import { scratchDatabase } from './database.ts'
import { PROFILE, ScenarioEngine } from './engine.ts'
import { policyResult } from './report.ts'
import { SCENARIO_START, scenarioParams, type Policy, type PolicyResult, type ScenarioParams, type ScenarioProgress, type ScenarioReport } from './params.ts'

export * from './params.ts'
export { formatReport } from './format.ts'
export { promoWindow, SCENARIO_SCALE } from './engine.ts'

export interface RunScenarioOptions {
  /** PostgreSQL server on which to create (and drop) the runs' databases; embedded PGlite when absent. */
  databaseUrl?: string
  onProgress?: (p: ScenarioProgress) => void
  /** Run the two policies one after the other in this thread instead of side by side in two worker threads. */
  sequential?: boolean
  /** Benchmarks: the promotion's multiplier on every day of the run, not only on the promotion's days. */
  promoEveryDay?: boolean
}

export async function runScenario(input: ScenarioParams, opts: RunScenarioOptions = {}): Promise<ScenarioReport> {
  const params = scenarioParams(input)
  if (opts.sequential) {
    const hub = await runPolicy(params, 'hub', opts)
    const naive = await runPolicy(params, 'naive', opts)
    return { scenario: params.scenario, params, hub, naive }
  }
  const [hub, naive] = await Promise.all([inWorker(params, 'hub', opts), inWorker(params, 'naive', opts)])
  return { scenario: params.scenario, params, hub, naive }
}

/** One policy in a worker thread (TypeScript loaded through tsx, as the CLI is). */
function inWorker(params: ScenarioParams, policy: Policy, opts: RunScenarioOptions): Promise<PolicyResult> {
  return new Promise((resolve, reject) => {
    const entry = new URL('./worker.ts', import.meta.url).href
    const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}) })`
    const worker = new Worker(boot, { eval: true, workerData: { params, policy, databaseUrl: opts.databaseUrl, promoEveryDay: opts.promoEveryDay } })
    let settled = false
    worker.on('message', (m: { type: string; progress?: ScenarioProgress; result?: PolicyResult; message?: string }) => {
      if (m.type === 'progress') opts.onProgress?.(m.progress!)
      else if (m.type === 'result') {
        settled = true
        resolve(m.result!)
      } else if (m.type === 'error') {
        settled = true
        reject(new Error(`${policy} run failed: ${m.message}`))
      }
    })
    worker.on('error', (err) => {
      settled = true
      reject(err)
    })
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`${policy} run's worker exited with code ${code}`))
    })
  })
}

export async function runPolicy(params: ScenarioParams, policy: Policy, opts: RunScenarioOptions = {}): Promise<PolicyResult> {
  const clock = new SimClock(SCENARIO_START)
  clock.install()
  try {
    const scratch = await scratchDatabase(policy, opts.databaseUrl)
    try {
      const engine = new ScenarioEngine(scratch.db, clock, params, policy, { promoEveryDay: opts.promoEveryDay })
      opts.onProgress?.({ policy, day: 0, days: params.days })
      await engine.setup()
      const run = await engine.run((day) => opts.onProgress?.({ policy, day, days: params.days }))
      if (process.env.SIM_PROFILE) printProfile(policy)
      return await policyResult(scratch.db, run)
    } finally {
      await scratch.dispose()
    }
  } finally {
    clock.uninstall()
  }
}

/** SIM_PROFILE=1: where a policy's run spent its time, by step (stderr; never in the report). */
function printProfile(policy: Policy): void {
  const rows = [...PROFILE].sort((a, b) => b[1].ms - a[1].ms)
  const lines: string[] = []
  for (const [label, e] of rows) {
    lines.push(`${policy.padEnd(6)} ${label.padEnd(22)} ${String(e.n).padStart(7)} x ${(e.ms / Math.max(1, e.n)).toFixed(1).padStart(7)} ms = ${(e.ms / 1000).toFixed(1).padStart(7)} s, ${(e.statements / Math.max(1, e.n)).toFixed(1)} statements each`)
    if (process.env.SIM_PROFILE === 'sql') {
      for (const [text, n] of [...e.texts].sort((a, b) => b[1] - a[1]).slice(0, 6)) lines.push(`         ${String(n).padStart(7)}  ${text}`)
    }
  }
  process.stderr.write(`${lines.join('\n')}\n`)
}
