import { z } from 'zod'
import type { Database, SqlClient } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { DomainError, userError, type UserErrorData } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'
import { getSetting } from '../../settings/settings.ts'
import { confidenceInputsSql, confidenceParams, confidenceWindowStart, scoreConfidence, toConfidenceInputs, type ConfidenceParams } from '../confidence.ts'
import { feedStagingChunks, type FeedParseState, type FeedRowError, type FeedSource } from '../feed/parse-feed.ts'

export const importInventoryFeedInput = z.object({
  locationCode: codeSchema,
  /** When the 3PL took the snapshot; movements booked since then are carried over the diff. Default: now. */
  asOf: z.coerce.date().nullish(),
  fileName: z.string().trim().max(255).nullish(),
  /** The file lists every SKU the 3PL holds: positions missing from it are treated as 0 there. Default false. */
  fullSnapshot: z.boolean().nullish(),
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

/**
 * Imports a 3PL stock snapshot for one location in ONE database transaction: the file streams into a temporary
 * staging table by COPY, then set-based SQL validates it (every bad row is reported and nothing is applied), diffs
 * it against the book as of `asOf` (book then = on hand now minus on-hand movements booked since), books deltas
 * within tolerance as FEED_SYNC adjustments (ledger FEED_SYNCED) and holds larger ones as FeedDiscrepancy rows with a
 * FEED_DISCREPANCY exception for approval, and rescores the confidence of the location's positions (their source
 * freshness just changed) in the same transaction. Takes the Database rather than a Prisma transaction because COPY
 * needs the raw connection.
 */
export async function importInventoryFeed(
  db: Database,
  rawInput: z.input<typeof importInventoryFeedInput> & { csv: FeedSource },
  actor: Actor,
  opts: { now?: Date; onProgress?: (rowsRead: number) => void; onPhase?: (phase: 'transaction' | 'confidence', ms: number) => void } = {},
): Promise<FeedImportReport> {
  const { csv, ...rest } = rawInput
  const input = parseInput(importInventoryFeedInput, rest)
  const now = opts.now ?? new Date()
  const asOf = input.asOf ?? now
  const prisma = db.prisma
  const location = await prisma.location.findUnique({ where: { code: input.locationCode } })
  if (!location) throw userError('NOT_FOUND', `No location ${input.locationCode}`, ['input', 'locationCode'])
  if (asOf.getTime() > now.getTime() + 5 * 60_000) throw userError('INVALID_INPUT', 'asOf is in the future', ['input', 'asOf'])
  if (location.lastFeedAt && asOf < location.lastFeedAt) {
    throw userError('INVALID_FEED', `A newer snapshot (as of ${location.lastFeedAt.toISOString()}) was already imported for ${location.code}`, ['input', 'asOf'])
  }
  const toleranceUnits = await getSetting(prisma, 'inventory.feedToleranceUnits')
  const toleranceRatio = await getSetting(prisma, 'inventory.feedToleranceRatio')
  const slaHours = (await getSetting(prisma, 'exceptions.slaHours')).MEDIUM
  const dueBy = new Date(now.getTime() + slaHours * 3_600_000)
  // Read before the transaction: on PGlite the raw transaction holds the connection Prisma would wait for.
  const scoring = await confidenceParams(prisma)

  const state: FeedParseState = { rowsRead: 0, errors: [], headerOk: false }
  const started = performance.now()
  const report = await db.sql.transaction(async (c) => {
    await c.exec(`CREATE TEMP TABLE feed_staging (row_no int NOT NULL, sku text NOT NULL, quantity bigint NOT NULL, bin text, lot text) ON COMMIT DROP`)
    await c.copyFrom(
      'COPY feed_staging (row_no, sku, quantity, bin, lot) FROM STDIN WITH (FORMAT csv)',
      feedStagingChunks(csv, state, { onProgress: opts.onProgress, maxErrors: MAX_LISTED_ERRORS }),
    )
    if (!state.headerOk) throw new FeedRejectedError(state)
    await validateStaged(c, state)
    if (state.errors.length) throw new FeedRejectedError(state)
    return applyFeed(c, {
      locationId: location.id, locationCode: location.code, asOf, now, actor: actor.id, fileName: input.fileName ?? null,
      fullSnapshot: input.fullSnapshot ?? false, toleranceUnits, toleranceRatio, dueBy, rowsRead: state.rowsRead, scoring,
      onConfidence: (ms) => opts.onPhase?.('confidence', ms),
    })
  })
  opts.onPhase?.('transaction', performance.now() - started)
  return report
}

/** Rows that parse but cannot be applied: unknown SKUs and the same (sku, bin, lot) twice. */
async function validateStaged(c: SqlClient, state: FeedParseState) {
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
  onConfidence: (ms: number) => void
}

async function applyFeed(c: SqlClient, a: ApplyArgs): Promise<FeedImportReport> {
  const [feed] = await c.query(
    `INSERT INTO inventory_feeds (location_id, as_of, file_name, status, rows_read, imported_by, created_at)
     VALUES ($1, $2, $3, 'APPLIED', $4, $5, $6) RETURNING id`,
    [a.locationId, a.asOf, a.fileName, a.rowsRead, a.actor, a.now],
  )
  const feedId = Number(feed.id)
  const reference = `feed:${feedId}`

  // Several bins/lots of one SKU add up to the position's quantity.
  await c.exec(`CREATE TEMP TABLE feed_rows ON COMMIT DROP AS
    SELECT s.id AS sku_id, s.unit_cost, sum(st.quantity)::bigint AS feed_qty
    FROM feed_staging st JOIN skus s ON s.code = st.sku GROUP BY s.id, s.unit_cost`)
  if (a.fullSnapshot) {
    await c.query(
      `INSERT INTO feed_rows (sku_id, unit_cost, feed_qty)
       SELECT sp.sku_id, s.unit_cost, 0 FROM stock_positions sp JOIN skus s ON s.id = sp.sku_id
       WHERE sp.location_id = $1 AND sp.on_hand > 0 AND NOT EXISTS (SELECT 1 FROM feed_rows f WHERE f.sku_id = sp.sku_id)`,
      [a.locationId],
    )
  }
  await c.query(
    `INSERT INTO stock_positions (sku_id, location_id, updated_at)
     SELECT f.sku_id, $1, $2 FROM feed_rows f
     WHERE NOT EXISTS (SELECT 1 FROM stock_positions sp WHERE sp.sku_id = f.sku_id AND sp.location_id = $1)
     ON CONFLICT (sku_id, location_id) DO NOTHING`,
    [a.locationId, a.now],
  )
  // Book as of the snapshot = on hand now - on-hand movements booked after it (reservations move no on-hand units).
  // CREATE TABLE AS takes no bind parameters: the values inlined below are numbers and an ISO timestamp we produced.
  await c.exec(
    `CREATE TEMP TABLE feed_diff ON COMMIT DROP AS
     SELECT b.*, b.feed_qty - b.book_qty AS delta,
       CASE WHEN b.feed_qty = b.book_qty THEN 'MATCH'
            WHEN abs(b.feed_qty - b.book_qty) <= GREATEST(${Number(a.toleranceUnits)}::numeric, ${Number(a.toleranceRatio)}::numeric * GREATEST(b.book_qty, 0))
                 AND b.on_hand + (b.feed_qty - b.book_qty) >= b.committed THEN 'ACCEPT'
            ELSE 'DISCREPANCY' END AS outcome
     FROM (
       SELECT sp.id AS position_id, f.sku_id, f.unit_cost, f.feed_qty, sp.on_hand,
         sp.reserved + sp.damaged + sp.quality_control AS committed, sp.on_hand - COALESCE(m.since, 0) AS book_qty
       FROM feed_rows f
       JOIN stock_positions sp ON sp.sku_id = f.sku_id AND sp.location_id = ${Number(a.locationId)}
       LEFT JOIN (
         SELECT stock_position_id, sum(on_hand_delta) AS since FROM inventory_events
         WHERE location_id = ${Number(a.locationId)} AND occurred_at > '${a.asOf.toISOString()}'::timestamptz GROUP BY stock_position_id
       ) m ON m.stock_position_id = sp.id
     ) b`,
  )
  // Temporary tables get no statistics from autovacuum: without them the joins below guess badly at 100k rows.
  await c.exec(`CREATE UNIQUE INDEX ON feed_diff (position_id); ANALYZE feed_diff`)
  // Accepted positions get their buckets written at the end (with every position, once). Lock them now, so a
  // reservation cannot land between the check above (on hand + delta covers reserved) and that write.
  await c.query(`SELECT count(*) FROM (SELECT sp.id FROM stock_positions sp JOIN feed_diff d ON d.position_id = sp.id WHERE d.outcome = 'ACCEPT' FOR UPDATE OF sp) locked`)
  await c.query(
    `WITH adj AS (
       INSERT INTO adjustments (stock_position_id, sku_id, location_id, bucket, quantity_delta, reason, status,
         reference_document_uri, note, value_delta, requested_by, decided_by, decided_at, created_at, applied_at)
       SELECT position_id, sku_id, $1, 'ON_HAND', delta, 'FEED_SYNC', 'APPLIED', $2,
         '3PL reported ' || feed_qty || ', book as of the snapshot ' || book_qty, round(delta * unit_cost, 2), $3, $3, $4, $4, $4
       FROM feed_diff WHERE outcome = 'ACCEPT'
       RETURNING id, stock_position_id, sku_id, quantity_delta
     )
     INSERT INTO inventory_events (stock_position_id, sku_id, location_id, type, reason_code, actor, reference_document_uri, on_hand_delta, metadata, occurred_at)
     SELECT stock_position_id, sku_id, $1, 'FEED_SYNCED', 'FEED_SYNC', $3, $2, quantity_delta,
       jsonb_build_object('adjustmentId', id, 'feedId', $5::int), $4
     FROM adj`,
    [a.locationId, reference, a.actor, a.now, feedId],
  )
  // A newer snapshot supersedes older pending deltas of the same positions (and their exceptions).
  await c.query(
    `UPDATE feed_discrepancies SET status = 'REJECTED', decided_by = $1, decided_at = $2
     WHERE status = 'PENDING' AND stock_position_id IN (SELECT position_id FROM feed_diff)`,
    [`superseded by ${reference}`, a.now],
  )
  await c.query(
    `UPDATE exceptions SET status = 'RESOLVED', resolved_by = $1, resolved_at = $2, resolution = 'Superseded by a newer 3PL snapshot', updated_at = $2
     WHERE status <> 'RESOLVED' AND type = 'FEED_DISCREPANCY' AND stock_position_id IN (SELECT position_id FROM feed_diff)`,
    [a.actor, a.now],
  )
  await c.query(
    `UPDATE inventory_feeds f SET status = 'APPLIED' WHERE f.location_id = $1 AND f.status = 'PENDING_REVIEW'
     AND NOT EXISTS (SELECT 1 FROM feed_discrepancies d WHERE d.feed_id = f.id AND d.status = 'PENDING')`,
    [a.locationId],
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
       FROM disc d JOIN skus s ON s.id = (SELECT sku_id FROM stock_positions WHERE id = d.stock_position_id)
       RETURNING id
     )
     INSERT INTO outbox_events (topic, aggregate_type, aggregate_id, payload)
     SELECT 'exception.opened', 'Exception', id, '{"type":"FEED_DISCREPANCY","ownerRole":"OPERATIONS","severity":"MEDIUM"}'::jsonb FROM ex`,
    [feedId, a.locationCode, a.dueBy, a.now],
  )
  const [counts] = await c.query(
    `SELECT count(*) FILTER (WHERE outcome <> 'DISCREPANCY')::int AS accepted, count(*) FILTER (WHERE outcome = 'ACCEPT')::int AS adjusted,
       count(*) FILTER (WHERE outcome = 'DISCREPANCY')::int AS discrepancies FROM feed_diff`,
  )
  const status = Number(counts.discrepancies) > 0 ? 'PENDING_REVIEW' : 'APPLIED'
  await c.query(`UPDATE inventory_feeds SET status = $2, accepted = $3, discrepancies = $4, rejected = 0 WHERE id = $1`, [
    feedId, status, counts.accepted, counts.discrepancies,
  ])
  await c.query(`UPDATE locations SET last_feed_at = GREATEST(COALESCE(last_feed_at, $2), $2) WHERE id = $1`, [a.locationId, a.asOf])
  const confidenceStarted = performance.now()
  await writePositions(c, a)
  a.onConfidence(performance.now() - confidenceStarted)
  await c.query(
    `INSERT INTO outbox_events (topic, aggregate_type, aggregate_id, payload) VALUES ('stock.changed', 'InventoryFeed', $1, $2::jsonb)`,
    [feedId, JSON.stringify({ locationId: a.locationId, adjusted: Number(counts.adjusted), discrepancies: Number(counts.discrepancies) })],
  )
  return {
    feed: { id: feedId, status },
    rowsRead: a.rowsRead,
    accepted: Number(counts.accepted),
    adjusted: Number(counts.adjusted),
    rejected: 0,
    discrepancies: Number(counts.discrepancies),
  }
}

// A page of scores is ~3 MB of factor JSON: 100k positions import within a 64 MB V8 heap at this size.
const SCORE_PAGE = 5_000

/**
 * Writes each position of the location ONCE: buckets where a delta was accepted, the snapshot time on every covered
 * position, and the confidence of all of them (source freshness changed), scored by `scoreConfidence` from inputs
 * that already see the new on hand and snapshot time. The inputs of all positions come from one set-based statement
 * into a temporary table; they are scored page by page (memory stays flat) and the scores COPYed into another; one
 * UPDATE joins them. Bucket changes stay relative, so a movement booked meanwhile is not overwritten.
 */
async function writePositions(c: SqlClient, a: ApplyArgs) {
  const positionsSql = `SELECT sp.id, sp.sku_id, sp.location_id, sp.created_at, sp.last_counted_at,
      sp.on_hand + CASE WHEN d.outcome = 'ACCEPT' THEN d.delta ELSE 0 END AS on_hand,
      CASE WHEN d.position_id IS NULL THEN sp.last_feed_at ELSE GREATEST(COALESCE(sp.last_feed_at, $5), $5) END AS last_feed_at
    FROM stock_positions sp LEFT JOIN feed_diff d ON d.position_id = sp.id
    WHERE sp.location_id = $4 AND sp.id > $2 ORDER BY sp.id LIMIT $3`
  await c.exec(`CREATE TEMP TABLE feed_confidence_inputs (id int PRIMARY KEY, abc_class text, on_hand bigint, created_at timestamptz,
      last_counted_at timestamptz, feed_managed boolean, last_feed_at timestamptz, last_count_variance_ratio float8,
      unreconciled_units int, manual_adjustments int) ON COMMIT DROP;
    CREATE TEMP TABLE feed_confidence (id int PRIMARY KEY, score float8 NOT NULL, factors jsonb NOT NULL) ON COMMIT DROP`)
  await c.query(
    `INSERT INTO feed_confidence_inputs (id, abc_class, on_hand, created_at, last_counted_at, feed_managed, last_feed_at,
       last_count_variance_ratio, unreconciled_units, manual_adjustments) ${confidenceInputsSql({ positionsSql })}`,
    [confidenceWindowStart(a.now), 0, null, a.locationId, a.asOf],
  )
  for (let afterId = 0; ; ) {
    const batch = (await c.query(`SELECT * FROM feed_confidence_inputs WHERE id > $1 ORDER BY id LIMIT ${SCORE_PAGE}`, [afterId])).map(toConfidenceInputs)
    if (batch.length === 0) break
    // COPY text format: JSON never holds a raw tab or newline, only backslashes need doubling.
    const lines = batch.map((b) => {
      const { score, factors } = scoreConfidence(b.inputs, a.now, a.scoring)
      return `${b.id}\t${score}\t${JSON.stringify(factors).replace(/\\/g, '\\\\')}\n`
    })
    await c.copyFrom('COPY feed_confidence (id, score, factors) FROM STDIN', (async function* () { yield lines.join('') })())
    afterId = batch[batch.length - 1].id
    if (batch.length < SCORE_PAGE) break
  }
  await c.query(
    `UPDATE stock_positions sp SET
       on_hand = sp.on_hand + CASE WHEN d.outcome = 'ACCEPT' THEN d.delta ELSE 0 END,
       version = sp.version + CASE WHEN d.outcome = 'ACCEPT' THEN 1 ELSE 0 END,
       updated_at = CASE WHEN d.outcome = 'ACCEPT' THEN $2 ELSE sp.updated_at END,
       last_feed_at = CASE WHEN d.position_id IS NULL THEN sp.last_feed_at ELSE GREATEST(COALESCE(sp.last_feed_at, $1), $1) END,
       confidence = fc.score, confidence_factors = fc.factors, confidence_updated_at = $2
     FROM feed_confidence fc LEFT JOIN feed_diff d ON d.position_id = fc.id
     WHERE sp.id = fc.id`,
    [a.asOf, a.now],
  )
}
