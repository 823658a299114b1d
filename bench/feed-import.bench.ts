// 3PL feed import: a 100k-row snapshot for 100k SKUs imported by importInventoryFeed (domain level: stream parse,
// COPY into staging, one set-based validate-and-diff pass against the book as of the snapshot, FEED_SYNC adjustments
// and ledger events, discrepancies with exceptions, the positions whose score the import can lower rescored, all in
// one transaction), then, as its own row, the freshness catch-up of the covered positions that the API runs after
// commit (applyFeedFreshness). The file is written by the server (COPY TO) and streamed from disk, so the process
// memory reported is the import's own. Baseline: `\copy staging FROM file CSV HEADER` of the same file into a bare
// two-column table on the same database, in the same run: the floor for getting those bytes into PostgreSQL. Its time
// is psql's own `\timing` of that command (sending the file, the server's COPY, the commit), because the import is
// timed the same way: in a running process on an open connection. Starting psql and connecting cost more than the
// copy on some machines (60-75 ms against 40-55 ms), so the whole psql invocation is shown beside it, never used as
// the baseline.
//
// Both sides are the best of RUNS (3), each run on a fresh database seeded the same way: one import per database
// (the workload cannot be repeated on one book, which the import changes), one \copy per database. The first import
// runs in a cold process (V8 compiles the parser and scoring as it goes, as a freshly started CLI would); the later
// ones show a running hub. Every run is printed.
//
// Two more rows say where the time goes against the goal (<= 3x): the floor of any diff done in SQL (the \copy plus
// the one join the diff cannot do without, timed by psql on the copied rows), and what booking the changes costs
// (the mixed import less a clean one, which has nothing to book).
import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { openDatabase } from '@ops-hub/db'
import { FRESHNESS_PAGE, applyFeedFreshness, importInventoryFeed, type FeedImportReport } from '@ops-hub/domain'
import type { Benchmark, BenchRow } from './harness.ts'
import { admin, serverUrl } from './support/postgres.ts'

const ROWS = Number(process.env.BENCH_FEED_ROWS ?? 100_000)
const RUNS = Number(process.env.BENCH_FEED_RUNS ?? 3)
const PHASES = ['prepare', 'copy', 'diff', 'write', 'confidence', 'commit'] as const

interface Run {
  importMs: number
  /** psql's `\timing` of the \copy command. */
  copyMs: number
  /** The whole psql invocation: process start, connection, the \copy. */
  psqlMs: number
  /** psql's `\timing` of joining the copied rows to the book by SKU code (count only). */
  joinMs: number
  phases: Record<string, number>
  report: FeedImportReport
  bytes: number
  rssBefore: number
  rssPeak: number
  catchUp?: { ms: number; positions: number }
  /** Reserve-and-release latencies (ms, sorted) during the catch-up and with nothing else running. */
  reservations?: { during: number[]; quiet: number[] }
}

/** mixed: 2% of rows differ within tolerance (+-3 units), 0.5% beyond it (-60 units); clean: every row matches the book. */
type Snapshot = 'mixed' | 'clean'

async function oneRun(snapshotKind: Snapshot, withCatchUp: boolean): Promise<Run> {
  const name = `ops_hub_bench_feed_${crypto.randomBytes(4).toString('hex')}`
  const file = path.join(os.tmpdir(), `${name}.csv`)
  await admin(`CREATE DATABASE "${name}"`)
  const db = await openDatabase({ databaseUrl: serverUrl(name), poolSize: 4 })
  try {
    await db.migrate()
    // 100k SKUs with a booked position each at the 3PL, written set-based with their RECEIVED ledger events
    // (so the ledger still reconciles) and dated a day back, before the snapshot.
    await db.sql.exec(`
      INSERT INTO locations (code, name, kind, feed_managed) VALUES ('BENCH-3PL', 'Bench 3PL', 'THIRD_PARTY', true);
      INSERT INTO skus (code, name, unit_cost, updated_at) SELECT 'BF-' || g, 'Bench item ' || g, 2.5, now() FROM generate_series(1, ${ROWS}) g;
      INSERT INTO stock_positions (sku_id, location_id, on_hand, updated_at, created_at)
        SELECT s.id, l.id, 100 + (s.id % 900), now(), now() - interval '1 day' FROM skus s CROSS JOIN locations l WHERE l.code = 'BENCH-3PL';
      INSERT INTO inventory_events (stock_position_id, sku_id, location_id, type, actor, on_hand_delta, occurred_at)
        SELECT id, sku_id, location_id, 'RECEIVED', 'bench', on_hand, now() - interval '1 day' FROM stock_positions;`)
    // As autovacuum leaves a table at rest: statistics, and hint bits set, so the import does not pay for setting
    // them on 100k freshly loaded rows (work any earlier reader would have done in a running hub).
    await db.sql.exec('VACUUM ANALYZE')
    // The 3PL agrees on most rows; 2% differ within tolerance (+-3 units), 0.5% beyond it (-60 units).
    const quantity =
      snapshotKind === 'clean'
        ? 'sp.on_hand'
        : 'CASE WHEN i % 200 = 7 THEN sp.on_hand - 60 WHEN i % 50 = 3 THEN sp.on_hand + CASE WHEN i % 2 = 1 THEN 3 ELSE -3 END ELSE sp.on_hand END'
    const snapshot = `SELECT s.code AS sku, ${quantity} AS quantity
      FROM (SELECT *, row_number() OVER (ORDER BY id) - 1 AS i FROM stock_positions) sp JOIN skus s ON s.id = sp.sku_id ORDER BY sp.id`
    execFileSync('psql', [serverUrl(name), '-q', '-c', `\\copy (${snapshot.replace(/\s+/g, ' ')}) TO '${file}' CSV HEADER`], { stdio: 'pipe' })
    const bytes = fs.statSync(file).size

    await db.sql.exec('CREATE TABLE copy_baseline (sku text, quantity int)')
    const c0 = performance.now()
    const timed = execFileSync('psql', [serverUrl(name), '-q', '-c', '\\timing on', '-c', `\\copy copy_baseline FROM '${file}' CSV HEADER`], { encoding: 'utf8' })
    const psqlMs = performance.now() - c0
    const copyMs = Number(/Time: ([\d.]+) ms/.exec(timed)?.[1])
    if (!Number.isFinite(copyMs)) throw new Error(`psql printed no timing: ${timed}`)
    // The least any diff done in SQL costs: the copied rows matched to the location's positions by SKU code, the
    // one join the import's diff is built on, counted and nothing else (the import's session settings).
    const joined = execFileSync('psql', [serverUrl(name), '-q', '-c', "SET work_mem = '64MB'; SET jit = off", '-c', '\\timing on', '-c',
      `SELECT count(*) FROM copy_baseline b JOIN stock_positions sp ON sp.location_id = (SELECT id FROM locations WHERE code = 'BENCH-3PL') AND sp.sku_code = b.sku`,
    ], { encoding: 'utf8' })
    const joinMs = Number(/Time: ([\d.]+) ms/.exec(joined)?.[1])
    if (!Number.isFinite(joinMs)) throw new Error(`psql printed no timing: ${joined}`)

    const phases: Record<string, number> = {}
    global.gc?.()
    const rssBefore = process.memoryUsage().rss
    let rssPeak = rssBefore
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 10)
    const t0 = performance.now()
    const report = await importInventoryFeed(
      db,
      { locationCode: 'BENCH-3PL', csv: fs.createReadStream(file), fileName: 'bench.csv' },
      { id: 'bench', role: 'OPERATIONS' },
      { onPhase: (phase, ms) => (phases[phase] = ms) },
    )
    const importMs = performance.now() - t0
    clearInterval(sampler)
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss)
    const run: Run = { importMs, copyMs, psqlMs, joinMs, phases, report, bytes, rssBefore, rssPeak }
    if (withCatchUp) {
      // After commit, as the API's worker does on the import's outbox event: the covered positions' freshness gain.
      // Meanwhile a client reserves and releases one unit of a random position at a time, as orders would: what the
      // catch-up's page locks cost them, against the same client afterwards with nothing else running.
      const reserver = new pg.Client({ connectionString: serverUrl(name) })
      await reserver.connect()
      try {
        let busy = true
        const during = reserveLoop(reserver, () => busy)
        const t1 = performance.now()
        const freshness = await applyFeedFreshness(db, { feedId: report.feed.id })
        run.catchUp = { ms: performance.now() - t1, positions: freshness.positions }
        busy = false
        const quiet = Date.now() + 2_000
        run.reservations = { during: await during, quiet: await reserveLoop(reserver, () => Date.now() < quiet) }
      } finally {
        await reserver.end()
      }
    }
    return run
  } finally {
    await db.close()
    fs.rmSync(file, { force: true })
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  }
}

/** Reserve-and-release round trips on random positions while `running()`: their latencies, sorted (ms). */
async function reserveLoop(c: pg.Client, running: () => boolean): Promise<number[]> {
  const latencies: number[] = []
  while (running()) {
    const id = 1 + Math.floor(Math.random() * ROWS)
    const t0 = performance.now()
    await c.query('BEGIN')
    await c.query('UPDATE stock_positions SET reserved = reserved + 1 WHERE id = $1 AND on_hand >= reserved + damaged + quality_control + 1', [id])
    await c.query('UPDATE stock_positions SET reserved = reserved - 1 WHERE id = $1 AND reserved > 0', [id])
    await c.query('COMMIT')
    latencies.push(performance.now() - t0)
  }
  return latencies.sort((a, b) => a - b)
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]

const bench: Benchmark = {
  name: 'feed-import',
  requires: ['postgres'],
  async run(): Promise<BenchRow[]> {
    const runs: Run[] = []
    for (let i = 0; i < RUNS; i++) runs.push(await oneRun('mixed', i === RUNS - 1))
    // The same machinery when nothing needs booking: what the 100k rows cost before any change is written.
    const clean: Run[] = []
    for (let i = 0; i < RUNS; i++) clean.push(await oneRun('clean', false))
    const cleanBest = clean.reduce((a, b) => (b.importMs < a.importMs ? b : a))
    const cleanCopyMs = Math.min(...clean.map((r) => r.copyMs))
    const best = runs.reduce((a, b) => (b.importMs < a.importMs ? b : a))
    const copyMs = Math.min(...runs.map((r) => r.copyMs))
    const all = [...runs, ...clean]
    const joinMs = Math.min(...all.map((r) => r.joinMs))
    const first = runs[0]
    const catchUp = runs[runs.length - 1].catchUp!
    const reservations = runs[runs.length - 1].reservations!
    const { report } = best
    const mb = (n: number) => (n / 1024 / 1024).toFixed(0)
    const ms = (xs: number[]) => xs.map((x) => x.toFixed(0)).join('/')
    return [
      {
        name: `importInventoryFeed ${ROWS.toLocaleString('en-US')} rows (${(best.bytes / 1e6).toFixed(1)} MB), best of ${RUNS} fresh databases`,
        value: best.importMs,
        unit: 'ms',
        baseline: { name: `psql \\copy of the same file (its \\timing), best of ${RUNS}`, value: copyMs, unit: 'ms' },
        ratio: best.importMs / copyMs,
        goal: '<= 3',
        notes:
          `${report.rowsRead} rows read, ${report.accepted} accepted (${report.adjusted} synced), ${report.discrepancies} discrepancies; one transaction; ` +
          `imports ${ms(runs.map((r) => r.importMs))} ms (the first in a cold process: ratio ${(first.importMs / copyMs).toFixed(2)}), \\copy ${ms(runs.map((r) => r.copyMs))} ms ` +
          `(whole psql invocations ${ms(runs.map((r) => r.psqlMs))} ms: against the best of those the ratio would read ${(best.importMs / Math.min(...runs.map((r) => r.psqlMs))).toFixed(2)}); ` +
          `process RSS peak during the first import ${mb(first.rssPeak)} MB (${mb(first.rssBefore)} MB before it)`,
      },
      {
        name: 'of which: the import transaction (parse, COPY, validate, diff, ledger writes, lowered scores rewritten, commit)',
        value: best.phases.transaction,
        unit: 'ms',
        baseline: { name: 'psql \\copy', value: copyMs, unit: 'ms' },
        ratio: best.phases.transaction / copyMs,
        notes: PHASES.map((p) => `${p} ${best.phases[p]?.toFixed(0)} ms`).join(', '),
      },
      {
        name: `after commit: confidence of the ${catchUp.positions.toLocaleString('en-US')} covered positions caught up (applyFeedFreshness, pages of ${FRESHNESS_PAGE.toLocaleString('en-US')}, one transaction each)`,
        value: catchUp.ms,
        unit: 'ms',
        notes: 'not part of the import call: the API runs it on the import\'s outbox event; until it lands those positions keep their older, lower scores',
      },
      {
        name: 'reserving one unit of a random position while that catch-up runs (its page locks), p99',
        value: percentile(reservations.during, 0.99),
        unit: 'ms',
        baseline: { name: 'the same with nothing else running, p99', value: percentile(reservations.quiet, 0.99), unit: 'ms' },
        ratio: percentile(reservations.during, 0.99) / percentile(reservations.quiet, 0.99),
        notes:
          `${reservations.during.length} reservations during it (p50 ${percentile(reservations.during, 0.5).toFixed(1)} ms, max ${reservations.during.at(-1)!.toFixed(0)} ms); ` +
          `${reservations.quiet.length} in 2 s without it (p50 ${percentile(reservations.quiet, 0.5).toFixed(1)} ms, max ${reservations.quiet.at(-1)!.toFixed(0)} ms)`,
      },
      {
        name: `reference: a clean snapshot (every row matches the book), best of ${RUNS} fresh databases`,
        value: cleanBest.importMs,
        unit: 'ms',
        baseline: { name: `psql \\copy of the same file (its \\timing), best of ${RUNS}`, value: cleanCopyMs, unit: 'ms' },
        ratio: cleanBest.importMs / cleanCopyMs,
        notes:
          `${cleanBest.report.accepted} accepted, nothing to book; imports ${ms(clean.map((r) => r.importMs))} ms; ` +
          PHASES.map((p) => `${p} ${cleanBest.phases[p]?.toFixed(0)} ms`).join(', ') +
          '. The difference to the row above is the cost of booking 2,500 changes: ledger rows, discrepancies with exceptions, lowered scores',
      },
      // Why the 3x goal is out of reach here: two floors, each measured in this run. A diff in SQL costs at least the
      // copy plus the join; booking the changes costs what the clean snapshot does not.
      {
        name: 'floor of any import that diffs in SQL: the \\copy plus joining its rows to the book by SKU code (count only, nothing written), best of both',
        value: copyMs + joinMs,
        unit: 'ms',
        baseline: { name: 'psql \\copy', value: copyMs, unit: 'ms' },
        ratio: (copyMs + joinMs) / copyMs,
        notes: `joins ${ms(all.map((r) => r.joinMs))} ms`,
      },
      {
        name: `booking the ${(report.adjusted + report.discrepancies).toLocaleString('en-US')} changes: the best import above less the best clean one`,
        value: best.importMs - cleanBest.importMs,
        unit: 'ms',
        baseline: { name: 'psql \\copy', value: copyMs, unit: 'ms' },
        ratio: (best.importMs - cleanBest.importMs) / copyMs,
        notes: `${report.adjusted} FEED_SYNC adjustments with their ledger events and position updates, ${report.discrepancies} discrepancies with exceptions and outbox events, their positions rescored: phases write ${(best.phases.write - cleanBest.phases.write).toFixed(0)} ms, confidence ${(best.phases.confidence - cleanBest.phases.confidence).toFixed(0)} ms, diff ${(best.phases.diff - cleanBest.phases.diff).toFixed(0)} ms more than the clean run`,
      },
      { name: 'importInventoryFeed throughput (best run)', value: (ROWS / best.importMs) * 1000, unit: 'rows/s' },
    ]
  },
}

export default bench
