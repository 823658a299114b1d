// npm run feed -- --location CODE [--as-of 2026-03-01T06:00:00Z] [--full-snapshot] [--by NAME] file.csv
// Imports a 3PL snapshot file straight into the database (DATABASE_URL, or the embedded PGlite in DATA_DIR: stop the
// hub first, PGlite allows one process) in one transaction, with a progress bar, then catches up the confidence of the
// positions it covered. Exit code 1 when the file is rejected.
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import cliProgress from 'cli-progress'
import { openDatabase } from '@ops-hub/db'
import { DomainError, applyFeedFreshness, importInventoryFeed } from '@ops-hub/domain'
import { loadConfig } from '../config.ts'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    location: { type: 'string' },
    'as-of': { type: 'string' },
    'full-snapshot': { type: 'boolean', default: false },
    by: { type: 'string', default: process.env.USER ?? 'cli' },
  },
})
const file = positionals[0]
if (!values.location || !file) {
  console.error('usage: npm run feed -- --location CODE [--as-of ISO-8601] [--full-snapshot] [--by NAME] file.csv')
  process.exit(2)
}
const asOf = values['as-of'] ? new Date(values['as-of']) : undefined
if (asOf && Number.isNaN(asOf.getTime())) {
  console.error(`--as-of ${values['as-of']} is not a date`)
  process.exit(2)
}

const config = loadConfig()
const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: `${config.DATA_DIR}/pglite` })
await db.migrate()

const size = fs.statSync(file).size
const bar = new cliProgress.SingleBar(
  { format: 'feed |{bar}| {percentage}% | {rows} rows | {eta}s left', hideCursor: true },
  cliProgress.Presets.shades_classic,
)
bar.start(size, 0, { rows: 0 })
let bytes = 0
// Pulled lazily by the importer's parser, so the file is read only as fast as COPY takes the rows.
async function* counted() {
  for await (const chunk of fs.createReadStream(file)) {
    bytes += (chunk as Buffer).length
    bar.update(bytes)
    yield chunk as Buffer
  }
}

let exitCode = 0
try {
  const report = await importInventoryFeed(
    db,
    { locationCode: values.location, asOf, fileName: path.basename(file), fullSnapshot: values['full-snapshot'], csv: counted() },
    { id: `cli:${values.by}`, role: 'OPERATIONS' },
    { onProgress: (rows) => bar.update(bytes, { rows }) },
  )
  bar.update(size, { rows: report.rowsRead })
  bar.stop()
  console.log(
    `feed ${report.feed.id} ${report.feed.status}: ${report.rowsRead} rows read, ${report.accepted} accepted ` +
      `(${report.adjusted} synced), ${report.discrepancies} held as FEED_DISCREPANCY`,
  )
  // The hub may be down (PGlite allows one process): catch up the covered positions' confidence here rather than
  // leave it to the next API start.
  const started = performance.now()
  const freshness = await applyFeedFreshness(db, { feedId: report.feed.id })
  console.log(`confidence of ${freshness.positions} covered positions caught up in ${(performance.now() - started).toFixed(0)} ms`)
} catch (err) {
  bar.stop()
  if (!(err instanceof DomainError)) throw err
  console.error(`rejected: nothing was applied`)
  for (const e of err.errors.slice(0, 50)) console.error(`  ${e.code} ${e.field?.join('.') ?? ''}: ${e.message}`)
  if (err.errors.length > 50) console.error(`  ... and ${err.errors.length - 50} more`)
  exitCode = 1
} finally {
  await db.close()
}
process.exit(exitCode)
