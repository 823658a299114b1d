// npm run backtest -- <name> [--seed N] [--scale X]
// Replays the demo's 90 days of history for one prediction (apps/api/src/backtests/<name>.backtest.ts): predicts at
// each moment with only what was known then, and scores the forecasts against what happened. With DATABASE_URL the
// configured database is used (seeded with the demo when empty); otherwise a fresh in-memory embedded one is seeded.
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { openDatabase } from '@ops-hub/db'
import { formatForecastScore } from '@ops-hub/analytics'
import { seedDemo } from '../../../../prisma/seed/seed-demo.ts'
import type { Backtest } from '../backtests/backtest.ts'

const dir = path.resolve(import.meta.dirname, '../backtests')
const available = fs.readdirSync(dir).filter((f) => f.endsWith('.backtest.ts')).map((f) => f.replace(/\.backtest\.ts$/, '')).sort()
const { values, positionals } = parseArgs({ allowPositionals: true, options: { seed: { type: 'string', default: '42' }, scale: { type: 'string', default: '1' } } })
const seed = Number(values.seed)
const scale = Number(values.scale)
const names = positionals.length ? positionals : []
if (!names.length || names.some((n) => !available.includes(n)) || !Number.isInteger(seed) || !(scale > 0 && scale <= 5)) {
  console.error(`usage: npm run backtest -- <${available.join('|') || 'name'}> [more names] [--seed <integer>] [--scale <0 < x <= 5>]`)
  process.exit(2)
}

const databaseUrl = process.env.DATABASE_URL
const db = await openDatabase(databaseUrl ? { databaseUrl } : { dataDir: 'memory://' })
try {
  await db.migrate()
  if ((await db.prisma.channel.count()) === 0) {
    const report = await seedDemo(db, { seed, scale, progress: process.stderr.isTTY })
    console.log(`demo history: seed ${seed}, scale ${scale}, ${report.orders} orders${databaseUrl ? ' (seeded into DATABASE_URL)' : ' (embedded, in memory)'}`)
  } else {
    console.log('demo history: the data already in DATABASE_URL')
  }
  for (const name of names) {
    const backtest = (await import(path.join(dir, `${name}.backtest.ts`))).default as Backtest
    const started = performance.now()
    const result = await backtest.run(db, { log: (line) => console.error(`  ${line}`) })
    console.log(`\n${formatForecastScore(`${backtest.name}: ${backtest.description}`, result.score)}`)
    for (const note of result.notes ?? []) console.log(`  ${note}`)
    console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`)
  }
} finally {
  await db.close()
}
