import { z } from 'zod'
import type { Database, SqlClient } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { DomainError, userError, type UserErrorData } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'
import { SETTING_DEFAULTS, type SettingKey, type SettingValue } from '../../settings/settings.ts'
import { CONFIDENCE_PAGE, scoreConfidenceInPages, scoreConfidencePage, type ConfidenceParams } from '../confidence.ts'
import { idempotencyKeySchema, idempotentOnConnection, requestHash } from '../../shared/idempotency.ts'
import { feedStagingChunks, type FeedParseState, type FeedRowError, type FeedSource } from '../feed/parse-feed.ts'

export const importInventoryFeedInput = z.object({
  locationCode: codeSchema,
  /** When the 3PL took the snapshot; movements booked since then are carried over the diff. Default: now. */
  asOf: z.coerce.date().nullish(),
  fileName: z.string().trim().max(255).nullish(),
  /** The file lists every SKU the 3PL holds: positions missing from it are treated as 0 there. Default false. */
  fullSnapshot: z.boolean().nullish(),
  idempotencyKey: idempotencyKeySchema,
})

export interface FeedImportReport {
  feed: { id: number; status: 'APPLIED' | 'PENDING_REVIEW' }
  rowsRead: number
  /** Positions whose 3PL quantity was accepted: matching the book, or within tolerance and synced (FEED_SYNC). */
  accepted: number
  /** Of the accepted, how many needed a FEED_SYNC adjustment. */
  adjusted: number
  rejected: number
  /** Positions held as FEED_DISCREPANCY for approval. */
  discrepancies: number
}

const MAX_LISTED_ERRORS = 10_000

/** A malformed file: every bad row as a user error, plus the counts the import report shows. Nothing was applied. */
export class FeedRejectedError extends DomainError {
  readonly rowsRead: number
  readonly rejectedRows: number
  constructor(state: FeedParseState) {
    super(rowErrors(state.errors))
    this.rowsRead = state.rowsRead
    this.rejectedRows = new Set(state.errors.map((e) => e.row)).size
  }
}

function rowErrors(errors: FeedRowError[]): UserErrorData[] {
  return errors
    .sort((a, b) => a.row - b.row)
    .map((e) => ({ code: 'INVALID_FEED' as const, message: e.message, field: ['input', 'csv', 'row', String(e.row)] }))
}

/** Phases of an import the benchmark reports (ms each). */
export type FeedImportPhase = 'prepare' | 'copy' | 'diff' | 'write' | 'confidence' | 'commit' | 'transaction'

/**
 * Imports a 3PL stock snapshot for one location in ONE database transaction: the file streams into a temporary
 * staging table by COPY, then set-based SQL validates it (every bad row is reported and nothing is applied), diffs
 * it against the book as of `asOf` (book then = on hand now minus on-hand movements booked since), books deltas
 * within tolerance as FEED_SYNC adjustments (ledger FEED_SYNCED) and holds larger ones as FeedDiscrepancy rows with a
 * FEED_DISCREPANCY exception for approval, and rescores the positions whose confidence that can lower (a held
 * delta, a new position).
 *
 * What the snapshot gives every other position it covered (those that matched the book, most of them, and those
 * whose delta was synced) is source freshness, which can only RAISE their confidence: that gain is applied after
 * commit by `applyFeedFreshness` (the API runs it on the outbox event this import writes; the CLI runs it right
 * after). Until it lands those positions keep their older, lower score: the hub errs on the side of promising less,
 * never more. The positions the feed covered are kept on
 * the feed row (`covered_positions`) for that step. Takes the Database rather than a Prisma transaction because COPY
 * needs the raw connection.
 */
export async function importInventoryFeed(
  db: Database,
  rawInput: z.input<typeof importInventoryFeedInput> & { csv: FeedSource },
  actor: Actor,
  opts: { now?: Date; onProgress?: (rowsRead: number) => void; onPhase?: (phase: FeedImportPhase, ms: number) => void } = {},
): Promise<FeedImportReport> {
  const { csv, ...rest } = rawInput
  const { idempotencyKey, ...input } = parseInput(importInventoryFeedInput, rest)
  // A retry of the same snapshot with an explicit asOf would be diffed against the same book again: the key stops it.
  if (idempotencyKey && typeof csv !== 'string') throw userError('INVALID_INPUT', 'An idempotency key needs the file as text', ['input', 'idempotencyKey'])
  const keyed = { scope: 'importInventoryFeed', key: idempotencyKey, owner: actor.id, now: opts.now, request: { ...input, csv: idempotencyKey ? requestHash(csv) : null } }
  const now = opts.now ?? new Date()
  const asOf = input.asOf ?? now
  if (asOf.getTime() > now.getTime() + 5 * 60_000) throw userError('INVALID_INPUT', 'asOf is in the future', ['input', 'asOf'])
  const state: FeedParseState = { rowsRead: 0, errors: [], headerOk: false }
  const started = performance.now()
  let mark = started
  const phase = (name: FeedImportPhase) => {
    const at = performance.now()
    opts.onPhase?.(name, at - mark)
    mark = at
  }
  const report = await db.sql.transaction((c) => idempotentOnConnection(c, keyed, async () => {
    const { location, setting, scoring } = await readContext(c, input.locationCode)
    if (!location) throw userError('NOT_FOUND', `No location ${input.locationCode}`, ['input', 'locationCode'])
    if (!location.feedManaged) {
      // A snapshot file for the hub's own warehouse is almost surely the wrong --location: its book is kept by its own
      // receipts, picks and counts, and a feed would overwrite it as FEED_SYNC adjustments.
      throw userError('INVALID_INPUT', `${location.code} is not a 3PL location: its stock is booked by its own receipts, picks and counts, not by snapshot files`, ['input', 'locationCode'])
    }
    if (location.lastFeedAt && asOf < location.lastFeedAt) {
      throw userError('INVALID_FEED', `A newer snapshot (as of ${location.lastFeedAt.toISOString()}) was already imported for ${location.code}`, ['input', 'asOf'])
    }
    const dueBy = new Date(now.getTime() + setting('exceptions.slaHours').MEDIUM * 3_600_000)
    phase('prepare')
    // Scoped to this transaction: the diff hashes 100k SKU codes, and at the 4 MB default work_mem its hash tables
    // spill to disk; its cost also passes the JIT threshold, and compiling it took longer (~25 ms) than the plain
    // executor gains on 100k rows. The thousands of changed positions are then read and written by primary key: with
    // the default random_page_cost (4, a spinning disk's) the planner scans all 100k positions instead, three times
    // slower on a working set that is in memory.
    await c.exec(`SET LOCAL work_mem = '64MB'; SET LOCAL jit = off; SET LOCAL random_page_cost = 1.1;
      CREATE TEMP TABLE feed_staging (row_no int NOT NULL, sku text NOT NULL, quantity int NOT NULL, bin text, lot text) ON COMMIT DROP`)
    await c.copyFrom(
      'COPY feed_staging (row_no, sku, quantity, bin, lot) FROM STDIN WITH (FORMAT csv)',
      feedStagingChunks(csv, state, { onProgress: opts.onProgress, maxErrors: MAX_LISTED_ERRORS }),
    )
    if (!state.headerOk) throw new FeedRejectedError(state)
    if (state.rowsRead === 0 && !input.fullSnapshot) {
      // Nothing to diff, yet applying it would stamp the location as freshly fed: most likely a cut-off export.
      state.errors.push({ row: 2, message: 'Row 2: the file has a header but no rows; a snapshot that lists nothing confirms nothing (import it as a full snapshot if the 3PL holds none of this stock)' })
      throw new FeedRejectedError(state)
    }
    if (state.errors.length) {
      await listStagedErrors(c, state)
      throw new FeedRejectedError(state)
    }
    // A temporary table has no statistics. The plain diff is one join, which the planner sizes from the table's pages
    // alone; grouping rows per SKU needs to know how many distinct SKUs there are, or it sizes its hash tables for
    // a few hundred and probes the indexes row by row (0.9 s): a small sample is enough for that.
    const groupRows = state.binOrLot !== false || state.maybeRepeatedSku !== false
    if (groupRows) await c.exec(`SET LOCAL default_statistics_target = 10; ANALYZE feed_staging; RESET default_statistics_target`)
    phase('copy')
    const args: ApplyArgs = {
      locationId: location.id, locationCode: location.code, asOf, now, actor: actor.id, fileName: input.fileName ?? null,
      fullSnapshot: input.fullSnapshot ?? false, toleranceUnits: setting('inventory.feedToleranceUnits'),
      toleranceRatio: setting('inventory.feedToleranceRatio'), dueBy, rowsRead: state.rowsRead, scoring,
      groupRows,
    }
    const diff = await diffFeed(c, args)
    if (diff.invalid) {
      await listStagedErrors(c, state)
      throw new FeedRejectedError(state)
    }
    phase('diff')
    const result = await applyFeed(c, args, diff, phase)
    mark = performance.now()
    return result
  }))
  phase('commit')
  opts.onPhase?.('transaction', performance.now() - started)
  return report
}

const CONTEXT_SETTINGS = [
  'inventory.feedToleranceUnits', 'inventory.feedToleranceRatio', 'exceptions.slaHours',
  'inventory.cycleCountIntervalDays', 'inventory.feedExpectedHours', 'inventory.confidenceWeights',
] as const satisfies readonly SettingKey[]

/**
 * The location, locked, and the settings an import reads, in one round trip on the import's own connection: a fresh
 * CLI process pays no ORM warm-up, and on PGlite nothing waits for a second connection. The lock serializes imports
 * of one location, so two snapshots are never diffed against the same book; it is the NO KEY kind, so stock moves
 * at the location (whose ledger rows check the location's key) do not wait for the import. Unset settings take
 * SETTING_DEFAULTS.
 */
async function readContext(c: SqlClient, locationCode: string) {
  const [row] = await c.query(
    `SELECT l.id, l.code, l.last_feed_at, l.feed_managed, (SELECT json_object_agg(key, value) FROM settings WHERE key = ANY($2::text[])) AS settings
     FROM locations l WHERE l.code = $1 FOR NO KEY UPDATE OF l`,
    [locationCode, CONTEXT_SETTINGS],
  )
  const stored = (row?.settings ?? {}) as Record<string, unknown>
  const setting = <K extends (typeof CONTEXT_SETTINGS)[number]>(key: K) => (stored[key] ?? SETTING_DEFAULTS[key]) as SettingValue<K>
  const scoring: ConfidenceParams = {
    countIntervalDays: setting('inventory.cycleCountIntervalDays'),
    feedExpectedHours: setting('inventory.feedExpectedHours'),
    weights: setting('inventory.confidenceWeights'),
  }
  const location = row
    ? { id: Number(row.id), code: String(row.code), feedManaged: Boolean(row.feed_managed), lastFeedAt: row.last_feed_at ? new Date(row.last_feed_at as string) : null }
    : null
  return { location, setting, scoring }
}

/** Rows that parse but cannot be applied: unknown SKUs and the same (sku, bin, lot) twice. Only run on a bad file. */
async function listStagedErrors(c: SqlClient, state: FeedParseState) {
  const unknown = await c.query(
    `SELECT st.row_no, st.sku FROM feed_staging st WHERE NOT EXISTS (SELECT 1 FROM skus s WHERE s.code = st.sku) ORDER BY st.row_no LIMIT ${MAX_LISTED_ERRORS}`,
  )
  for (const r of unknown) state.errors.push({ row: Number(r.row_no), message: `Row ${r.row_no}: unknown SKU ${String(r.sku)}` })
  const dupes = await c.query(`
    SELECT row_no, sku, first_row FROM (
      SELECT row_no, sku, row_number() OVER w AS n, min(row_no) OVER w AS first_row FROM feed_staging
      WINDOW w AS (PARTITION BY sku, COALESCE(bin, ''), COALESCE(lot, '') ORDER BY row_no)
    ) x WHERE n > 1 ORDER BY row_no LIMIT ${MAX_LISTED_ERRORS}`)
  for (const r of dupes) state.errors.push({ row: Number(r.row_no), message: `Row ${r.row_no}: ${String(r.sku)} repeats row ${r.first_row}` })
}

interface ApplyArgs {
  locationId: number
  locationCode: string
  asOf: Date
  now: Date
  actor: string
  fileName: string | null
  fullSnapshot: boolean
  toleranceUnits: number
  toleranceRatio: number
  dueBy: Date
  rowsRead: number
  scoring: ConfidenceParams
  /** The file may hold several rows of one SKU (bins, lots, or a repeat the parser could not rule out). */
  groupRows: boolean
}

interface Diff {
  feedId: number
  invalid: boolean
  /** Positions the snapshot covered (listed, or absent from a full snapshot while holding stock). */
  covered: number
}

/**
 * The outcome of one position, in SQL: MATCH, ACCEPT (within tolerance and still covering what is committed) or
 * DISCREPANCY. The values inlined are numbers we parsed, never user text.
 */
function outcomeSql(a: ApplyArgs, feed: string, book: string, onHand: string, committed: string) {
  return `CASE WHEN ${feed} = ${book} THEN 'MATCH'
    WHEN abs(${feed} - ${book}) <= GREATEST(${Number(a.toleranceUnits)}::numeric, ${Number(a.toleranceRatio)}::numeric * GREATEST(${book}, 0))
      AND ${onHand} + (${feed} - ${book}) >= ${committed} THEN 'ACCEPT'
    ELSE 'DISCREPANCY' END`
}

/** On-hand movements booked after the snapshot, per position: the book as of the snapshot is on hand minus these. */
function movedSinceSql(a: ApplyArgs) {
  return `SELECT stock_position_id, sum(on_hand_delta) AS since FROM inventory_events
    WHERE location_id = ${Number(a.locationId)} AND occurred_at > '${a.asOf.toISOString()}'::timestamptz GROUP BY stock_position_id`
}

/**
 * ONE pass over the staged rows: finds each row's position by SKU code (grouping rows per SKU when the file may list
 * one more than once: bins and lots add up, the same (sku, bin, lot) twice is counted), diffs against the book and keeps only
 * the rows that change something in `feed_diff` (a few thousand of 100k); the feed row is written with the set of
 * positions covered, and the counts that decide whether the file is valid come back. Positions missing at the
 * location are created afterwards, only when there are any.
 *
 * The covered set is stored as position-id ranges, always read together with the feed's location: when the feed
 * lists every position of the location between its lowest and highest id (a full or nearly full snapshot), that is
 * one range, found by a count instead of aggregating 100k single-id ranges (~80 ms); otherwise the exact ranges. A
 * range can only over-cover a position created while the import runs (invisible to its snapshot), whose last_feed_at
 * is NULL and so already falls back to the location's latest feed in scoring: applying the snapshot time to it
 * changes nothing.
 */
async function diffFeed(c: SqlClient, a: ApplyArgs): Promise<Diff> {
  // Rows are grouped per SKU only when the file may list one twice (bins and lots add up; a repeat is an error).
  // Grouping 100k rows costs about as much as the lookup itself, and the parser proves most files need none.
  const rows = a.groupRows
    ? `(SELECT sku AS code, sum(quantity)::bigint AS feed_qty, max(n) AS n FROM (
         SELECT sku, sum(quantity) AS quantity, count(*) AS n FROM feed_staging GROUP BY sku, bin, lot) r GROUP BY sku) g`
    : `(SELECT sku AS code, quantity::bigint AS feed_qty, 1 AS n FROM feed_staging) g`
  await c.exec(`CREATE TEMP TABLE feed_diff (position_id int, sku_id int, code text NOT NULL, feed_qty bigint NOT NULL, book_qty bigint NOT NULL,
    on_hand bigint NOT NULL, committed bigint NOT NULL, delta bigint NOT NULL, outcome text NOT NULL, new_position boolean NOT NULL) ON COMMIT DROP`)
  // Each row finds its position at the location by SKU code (stock_positions.sku_code: one hash join over the
  // location's positions). A row without one names a SKU not stocked here yet, or no SKU at all: those few are kept
  // and resolved against skus afterwards. One aggregate over the joined rows returns the counts and carries the
  // changed rows out as an array (measured ~35% faster than materializing the 100k joined rows to scan them three
  // times). Column order is feed_diff's.
  const [row] = await c.query(
    `WITH agg AS (
       SELECT count(*) FILTER (WHERE n > 1)::int AS repeated, count(*) FILTER (WHERE position_id IS NULL)::int AS unmatched,
         count(*)::int AS covered, min(position_id) AS lo, max(position_id) AS hi, count(position_id) AS n,
         array_agg(ROW(position_id, sku_id, code, feed_qty, book_qty, on_hand, committed, feed_qty - book_qty,
           ${outcomeSql(a, 'feed_qty', 'book_qty', 'on_hand', 'committed')}, position_id IS NULL)::feed_diff)
           FILTER (WHERE position_id IS NULL OR feed_qty <> book_qty) AS changed
       FROM (
         SELECT g.code, g.feed_qty, g.n, sp.id AS position_id, sp.sku_id, COALESCE(sp.on_hand, 0) AS on_hand,
           COALESCE(sp.reserved + sp.damaged + sp.quality_control, 0) AS committed, COALESCE(sp.on_hand, 0) - COALESCE(m.since, 0) AS book_qty
         FROM ${rows}
         LEFT JOIN stock_positions sp ON sp.location_id = $1 AND sp.sku_code = g.code
         LEFT JOIN (${movedSinceSql(a)}) m ON m.stock_position_id = sp.id
       ) j
     ), kept AS (
       INSERT INTO feed_diff SELECT d.* FROM agg, unnest(agg.changed) d
     ), span AS (
       SELECT agg.*, agg.n > 0 AND (SELECT count(*) FROM stock_positions WHERE location_id = $1 AND id BETWEEN agg.lo AND agg.hi) = agg.n AS one_range
       FROM agg
     ), feed AS (
       INSERT INTO inventory_feeds (location_id, as_of, file_name, status, rows_read, imported_by, created_at, covered_positions)
       SELECT $1, $2, $3, 'APPLIED', $4, $5, $6, CASE WHEN one_range THEN int4multirange(int4range(lo, hi, '[]')) END FROM span
       RETURNING id
     )
     SELECT (SELECT id FROM feed) AS feed_id, repeated, unmatched, covered, n > 0 AND NOT one_range AS ranges_needed FROM span`,
    [a.locationId, a.asOf, a.fileName, a.rowsRead, a.actor, a.now],
  )
  let unknown = 0
  if (Number(row.unmatched) > 0) {
    // SKUs without a position here: known ones get their id (a position is created below), the rest are unknown.
    await c.exec(`UPDATE feed_diff d SET sku_id = s.id FROM skus s WHERE d.position_id IS NULL AND s.code = d.code`)
    const [u] = await c.query(`SELECT count(*)::int AS n FROM feed_diff WHERE sku_id IS NULL`)
    unknown = Number(u.n)
  }
  const missing = Number(row.unmatched) - unknown
  const diff: Diff = { feedId: Number(row.feed_id), invalid: Number(row.repeated) + unknown > 0, covered: Number(row.covered) }
  if (diff.invalid) return diff
  if (row.ranges_needed) {
    // The listed positions are not one span of the location's ids: store them exactly.
    await c.query(
      `UPDATE inventory_feeds SET covered_positions = (
         SELECT range_agg(int4range(sp.id, sp.id, '[]')) FROM feed_staging st JOIN stock_positions sp ON sp.location_id = $1 AND sp.sku_code = st.sku)
       WHERE id = $2`,
      [a.locationId, diff.feedId],
    )
  }
  if (missing > 0) {
    // Listed SKUs without a position here yet: created empty (book 0). A position created meanwhile by someone else
    // is picked up by the second statement.
    await c.query(
      `INSERT INTO stock_positions (sku_id, location_id, updated_at) SELECT sku_id, $1, $2 FROM feed_diff WHERE position_id IS NULL
       ON CONFLICT (sku_id, location_id) DO NOTHING`,
      [a.locationId, a.now],
    )
    await c.query(
      `UPDATE feed_diff d SET position_id = sp.id FROM stock_positions sp WHERE d.position_id IS NULL AND sp.sku_id = d.sku_id AND sp.location_id = $1`,
      [a.locationId],
    )
  }
  if (a.fullSnapshot) {
    // Positions holding stock that a full snapshot does not list: the 3PL has none of it.
    const [absent] = await c.query(
      `WITH absent AS MATERIALIZED (
         SELECT sp.id AS position_id, sp.sku_id, sp.sku_code AS code, 0::bigint AS feed_qty, sp.on_hand - COALESCE(m.since, 0) AS book_qty, sp.on_hand,
           sp.reserved + sp.damaged + sp.quality_control AS committed
         FROM stock_positions sp LEFT JOIN (${movedSinceSql(a)}) m ON m.stock_position_id = sp.id
         WHERE sp.location_id = $1 AND sp.on_hand > 0
           AND NOT EXISTS (SELECT 1 FROM feed_staging st WHERE st.sku = sp.sku_code)
       ), kept AS (
         INSERT INTO feed_diff (position_id, sku_id, code, feed_qty, book_qty, on_hand, committed, delta, outcome, new_position)
         SELECT position_id, sku_id, code, feed_qty, book_qty, on_hand, committed, feed_qty - book_qty,
           ${outcomeSql(a, 'feed_qty', 'book_qty', 'on_hand', 'committed')}, false
         FROM absent WHERE feed_qty <> book_qty
       ), covered AS (
         UPDATE inventory_feeds SET covered_positions = COALESCE(covered_positions, '{}'::int4multirange)
           + COALESCE((SELECT range_agg(int4range(position_id, position_id, '[]')) FROM absent), '{}'::int4multirange)
         WHERE id = $2
       )
       SELECT count(*)::int AS n FROM absent`,
      [a.locationId, diff.feedId],
    )
    diff.covered += Number(absent.n)
  }
  if (missing > 0) {
    await c.query(
      `UPDATE inventory_feeds SET covered_positions = COALESCE(covered_positions, '{}'::int4multirange)
         + (SELECT range_agg(int4range(position_id, position_id, '[]')) FROM feed_diff WHERE position_id IS NOT NULL)
       WHERE id = $1`,
      [diff.feedId],
    )
  }
  // feed_diff is small now; the joins below must know it.
  await c.exec(`ANALYZE feed_diff`)
  return diff
}

async function applyFeed(c: SqlClient, a: ApplyArgs, diff: Diff, phase: (name: FeedImportPhase) => void): Promise<FeedImportReport> {
  const { feedId } = diff
  const reference = `feed:${feedId}`
  await applyAcceptedDeltas(c, a)
  await c.query(
    `WITH adj AS (
       INSERT INTO adjustments (stock_position_id, sku_id, location_id, bucket, quantity_delta, reason, status,
         reference_document_uri, note, value_delta, requested_by, decided_by, decided_at, created_at, applied_at)
       SELECT d.position_id, d.sku_id, $1, 'ON_HAND', d.delta, 'FEED_SYNC', 'APPLIED', $2,
         '3PL reported ' || d.feed_qty || ', book as of the snapshot ' || d.book_qty, round(d.delta * (SELECT unit_cost FROM skus WHERE id = d.sku_id), 2), $3, $3, $4, $4, $4
       FROM feed_diff d WHERE d.outcome = 'ACCEPT'
       RETURNING id, stock_position_id, sku_id, quantity_delta
     )
     INSERT INTO inventory_events (stock_position_id, sku_id, location_id, type, reason_code, actor, reference_document_uri, on_hand_delta, metadata, occurred_at)
     SELECT stock_position_id, sku_id, $1, 'FEED_SYNCED', 'FEED_SYNC', $3, $2, quantity_delta,
       jsonb_build_object('adjustmentId', id, 'feedId', $5::int), $4
     FROM adj`,
    [a.locationId, reference, a.actor, a.now, feedId],
  )
  // A newer snapshot supersedes older pending deltas of the positions it covered (and their exceptions).
  const [superseded] = await c.query(
    `WITH covered AS (SELECT covered_positions AS ids FROM inventory_feeds WHERE id = $3),
     d AS (
       UPDATE feed_discrepancies SET status = 'REJECTED', decided_by = $1, decided_at = $2
       WHERE status = 'PENDING' AND stock_position_id <@ (SELECT ids FROM covered)
       RETURNING stock_position_id
     ), e AS (
       UPDATE exceptions SET status = 'RESOLVED', resolved_by = $4, resolved_at = $2, resolution = 'Superseded by a newer 3PL snapshot', updated_at = $2
       WHERE status <> 'RESOLVED' AND type = 'FEED_DISCREPANCY' AND stock_position_id <@ (SELECT ids FROM covered)
     )
     SELECT count(*)::int AS n FROM d`,
    [`superseded by ${reference}`, a.now, feedId, a.actor],
  )
  await c.query(
    `UPDATE inventory_feeds f SET status = 'APPLIED' WHERE f.location_id = $1 AND f.status = 'PENDING_REVIEW' AND f.id <> $2
     AND NOT EXISTS (SELECT 1 FROM feed_discrepancies d WHERE d.feed_id = f.id AND d.status = 'PENDING')`,
    [a.locationId, feedId],
  )
  await c.query(
    `WITH disc AS (
       INSERT INTO feed_discrepancies (feed_id, stock_position_id, book_quantity, feed_quantity, delta)
       SELECT $1, position_id, book_qty, feed_qty, delta FROM feed_diff WHERE outcome = 'DISCREPANCY'
       RETURNING id, stock_position_id, book_quantity, feed_quantity, delta
     ), ex AS (
       INSERT INTO exceptions (type, severity, owner_role, subject_type, subject_id, stock_position_id, title, detail, data, due_by, dedupe_key, created_at, updated_at)
       SELECT 'FEED_DISCREPANCY', 'MEDIUM', 'OPERATIONS', 'StockPosition', d.stock_position_id, d.stock_position_id,
         '3PL feed differs by ' || CASE WHEN d.delta > 0 THEN '+' ELSE '' END || d.delta || ' on ' || s.code || ' at ' || $2,
         '3PL reported ' || d.feed_quantity || ', book as of the snapshot ' || d.book_quantity || '. Approve to book the difference or reject to keep the book.',
         jsonb_build_object('feedId', $1::int, 'discrepancyId', d.id, 'bookQuantity', d.book_quantity, 'feedQuantity', d.feed_quantity, 'delta', d.delta),
         $3, 'feed-discrepancy:' || d.stock_position_id, $4, $4
       FROM disc d JOIN feed_diff s ON s.position_id = d.stock_position_id
       RETURNING id
     )
     INSERT INTO outbox_events (topic, aggregate_type, aggregate_id, payload)
     SELECT 'exception.opened', 'Exception', id, '{"type":"FEED_DISCREPANCY","ownerRole":"OPERATIONS","severity":"MEDIUM"}'::jsonb FROM ex`,
    [feedId, a.locationCode, a.dueBy, a.now],
  )
  const [counts] = await c.query(
    `SELECT count(*) FILTER (WHERE outcome = 'ACCEPT')::int AS adjusted, count(*) FILTER (WHERE outcome = 'DISCREPANCY')::int AS discrepancies FROM feed_diff`,
  )
  const discrepancies = Number(counts.discrepancies)
  const accepted = diff.covered - discrepancies
  const status = discrepancies > 0 ? 'PENDING_REVIEW' : 'APPLIED'
  await c.query(`UPDATE inventory_feeds SET status = $2, accepted = $3, discrepancies = $4, rejected = 0 WHERE id = $1`, [feedId, status, accepted, discrepancies])
  await c.query(`UPDATE locations SET last_feed_at = GREATEST(COALESCE(last_feed_at, $2), $2) WHERE id = $1`, [a.locationId, a.asOf])
  phase('write')
  await rescoreLoweredPositions(c, a)
  phase('confidence')
  // With the import's own event, in the same statement: the stock.available event (see stockAvailableEvent) for the
  // SKUs whose accepted delta raised their position, if any - backorders of those SKUs are served from them first.
  await c.query(
    `INSERT INTO outbox_events (topic, aggregate_type, aggregate_id, payload)
     SELECT 'stock.changed', 'InventoryFeed', $1::int, $2::jsonb
     UNION ALL
     SELECT 'stock.available', 'Location', $3::int, jsonb_build_object('locationId', $3::int, 'skuIds', to_jsonb(array_agg(DISTINCT sku_id ORDER BY sku_id)),
       'cause', 'FEED_SYNC', 'reference', 'feed:' || $1::int)
     FROM feed_diff WHERE outcome = 'ACCEPT' AND delta > 0 HAVING count(*) > 0`,
    [feedId, JSON.stringify({ locationId: a.locationId, adjusted: Number(counts.adjusted), discrepancies, covered: diff.covered, supersededDiscrepancies: Number(superseded.n) }), a.locationId],
  )
  return { feed: { id: feedId, status }, rowsRead: a.rowsRead, accepted, adjusted: Number(counts.adjusted), rejected: 0, discrepancies }
}

/**
 * Books the accepted deltas on their positions in ONE statement, which takes the row locks and re-checks, on the
 * current row, what the diff checked without them: that on hand after the delta still covers what is committed. A
 * reservation that landed in between can make that false; such a delta is held as a discrepancy instead, so the import
 * never leaves a position short of what it promised. Changes stay relative (on_hand + delta), so a movement booked
 * meanwhile is not overwritten. The snapshot time is recorded too; the score follows after commit (it can only rise:
 * see rescoreLoweredPositions).
 */
async function applyAcceptedDeltas(c: SqlClient, a: ApplyArgs) {
  await c.query(
    `WITH applied AS (
       UPDATE stock_positions sp SET on_hand = sp.on_hand + d.delta, version = sp.version + 1, updated_at = $2,
         last_feed_at = GREATEST(COALESCE(sp.last_feed_at, $1), $1)
       FROM feed_diff d
       WHERE d.outcome = 'ACCEPT' AND sp.id = d.position_id AND sp.on_hand + d.delta >= sp.reserved + sp.damaged + sp.quality_control
       RETURNING sp.id
     )
     UPDATE feed_diff d SET outcome = 'DISCREPANCY' WHERE d.outcome = 'ACCEPT' AND NOT EXISTS (SELECT 1 FROM applied WHERE applied.id = d.position_id)`,
    [a.asOf, a.now],
  )
}

/**
 * Rescores, before commit, every position whose confidence this import can LOWER, with inputs that already see the
 * snapshot: a held delta (a new discrepancy weighs on its position), a position created here (it starts at the
 * default score of 1), and an accepted delta on a position with a count variance awaiting approval (a smaller on hand
 * makes those pending units weigh more). Every other position the file covered, accepted deltas included, can only
 * gain (fresher source, superseded discrepancies gone, FEED_SYNC is not a manual adjustment): that gain is applied
 * after commit by `applyFeedFreshness`, with the rest of the covered positions. Inputs come page by page from one
 * set-based query (memory stays flat); each page's scores are computed here and written by one UPDATE.
 */
async function rescoreLoweredPositions(c: SqlClient, a: ApplyArgs) {
  const page = {
    positionsSql: `SELECT sp.id, sp.sku_id, sp.location_id, sp.created_at, sp.last_counted_at, sp.on_hand,
        GREATEST(COALESCE(sp.last_feed_at, $4), $4) AS last_feed_at
      FROM feed_diff d JOIN stock_positions sp ON sp.id = d.position_id
      WHERE sp.id > $2 AND (d.outcome <> 'ACCEPT' OR d.new_position
        OR EXISTS (SELECT 1 FROM cycle_counts cc WHERE cc.stock_position_id = sp.id AND cc.status = 'PENDING_APPROVAL'))
      ORDER BY sp.id LIMIT $3`,
    params: [a.asOf],
  }
  await scoreConfidenceInPages(CONFIDENCE_PAGE, (afterId) =>
    scoreConfidencePage((text, params) => c.query(text, params), page, { now: a.now, params: a.scoring, afterId, limit: CONFIDENCE_PAGE, lastFeedAt: a.asOf }),
  )
}
