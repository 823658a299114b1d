// npm run simulate -- --scenario promo-spike --days 30 --seed 7 [--promo-multiplier 3] [--feed-hours 4]
//   [--supplier-delay-days 5] [--out FILE] [--progress-json]
// Runs the promo-spike scenario through the hub's rules and through the naive baseline, each on a fresh database
// (embedded PGlite; with DATABASE_URL, databases created on that server and dropped after), and prints the KPIs side
// by side. --progress-json: stdout carries only NDJSON ({"type":"progress",...} lines, then {"type":"report",...}).
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { formatReport, runScenario, scenarioParams, type ScenarioParams } from './index.ts'

const USAGE =
  'usage: npm run simulate -- --scenario promo-spike --days <1-90> --seed <n> [--promo-multiplier 3] [--feed-hours 4] [--supplier-delay-days 5] [--out FILE] [--progress-json]'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'promo-spike' },
      days: { type: 'string', default: '30' },
      seed: { type: 'string', default: '7' },
      'promo-multiplier': { type: 'string', default: '3' },
      'feed-hours': { type: 'string', default: '4' },
      'supplier-delay-days': { type: 'string', default: '5' },
      out: { type: 'string' },
      'progress-json': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    process.stderr.write(`${USAGE}\n`)
    return
  }
  const params = scenarioParams({
    scenario: values.scenario as ScenarioParams['scenario'],
    days: Number(values.days),
    seed: Number(values.seed),
    promoMultiplier: Number(values['promo-multiplier']),
    feedIntervalHours: Number(values['feed-hours']),
    supplierDelayDays: Number(values['supplier-delay-days']),
  })
  const json = values['progress-json']
  // Domain code may log through console: in NDJSON mode stdout belongs to the protocol alone.
  if (json) console.log = console.info = console.warn = console.debug = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`)
  const write = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`)
  const total = params.days * 2
  const reached = { hub: 0, naive: 0 }
  const report = await runScenario(params, {
    databaseUrl: process.env.DATABASE_URL || undefined,
    onProgress: (p) => {
      if (json) return write({ type: 'progress', policy: p.policy, day: p.day, days: p.days })
      reached[p.policy] = p.day
      const done = reached.hub + reached.naive
      const width = 30
      const filled = Math.round((width * done) / total)
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] hub day ${String(reached.hub).padStart(2)}/${p.days}, naive day ${String(reached.naive).padStart(2)}/${p.days}`)
      if (done === total) process.stderr.write('\n')
    },
  })
  if (values.out) fs.writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`)
  if (json) write({ type: 'report', report })
  else process.stdout.write(`${formatReport(report)}\n`)
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`simulate: ${(err as Error)?.stack ?? String(err)}\n${USAGE}\n`)
    process.exit(1)
  },
)
