// Runs one policy in a worker thread: each thread has its own globals, so its simulated clock is its own and the
// two policies of a scenario run side by side.
import { parentPort, workerData } from 'node:worker_threads'
import { runPolicy } from './index.ts'
import type { Policy, ScenarioParams } from './params.ts'

// stdout belongs to the CLI (its NDJSON protocol): anything the run's code logs goes to stderr.
const toStderr = (...args: unknown[]) => void process.stderr.write(`${args.map(String).join(' ')}\n`)
console.log = console.info = console.debug = console.warn = toStderr

const { params, policy, databaseUrl, promoEveryDay } = workerData as { params: ScenarioParams; policy: Policy; databaseUrl?: string; promoEveryDay?: boolean }
try {
  const result = await runPolicy(params, policy, { databaseUrl, promoEveryDay, onProgress: (p) => parentPort!.postMessage({ type: 'progress', progress: p }) })
  parentPort!.postMessage({ type: 'result', result })
} catch (err) {
  parentPort!.postMessage({ type: 'error', message: String((err as Error)?.stack ?? err) })
}
