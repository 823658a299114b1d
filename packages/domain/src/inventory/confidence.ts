import type { AbcClass, Database, Tx } from '@ops-hub/db'
import { getSetting } from '../settings/settings.ts'

/** Everything the confidence of one stock position depends on (loaded in one set-based query). */
export interface ConfidenceInputs {
  abcClass: AbcClass
  onHand: number
  createdAt: Date
  lastCountedAt: Date | null
  /** |variance| / book of the latest completed count, null when never counted. */
  lastCountVarianceRatio: number | null
  /** Only feed-managed (3PL) positions have a source-freshness factor. */
  feedManaged: boolean
  lastFeedAt: Date | null
  /** Units in pending feed discrepancies and count variances awaiting approval. */
  unreconciledUnits: number
  /** Manual adjustments (not receipts, counts or feeds) in the last 30 days. */
  manualAdjustments30d: number
}

export interface ConfidenceParams {
  countIntervalDays: Record<AbcClass, number>
  feedExpectedHours: number
  weights: { countAge: number; countVariance: number; sourceFreshness: number; unreconciled: number; manualAdjustments: number }
}

export interface ConfidenceFactor {
  name: string
  /** 0..1, 1 = no doubt from this factor. */
  value: number
  weight: number
  explanation: string
}

export interface ConfidenceScore {
  score: number
  factors: ConfidenceFactor[]
}

const DAY = 86_400_000
const HOUR = 3_600_000
const clamp01 = (n: number) => Math.min(1, Math.max(0, n))
const round = (n: number) => Math.round(n * 1000) / 1000

/**
 * Inventory confidence, 0..1: a weighted GEOMETRIC mean of factor values, so one failing factor (a feed two days
 * old, a large unreconciled delta) is enough to make a position unpromisable, which an average would hide.
 * Pure: `now` is passed in, so ageing is testable.
 *  - countAge: 1 right after a count, 0.5 at the ABC class's count interval, 0 at twice it (never counted: age of the position).
 *  - countVariance: 1 for a clean last count, 0 at 20% variance.
 *  - sourceFreshness (3PL only): hours since the last feed or count, whichever is later (both check the book against
 *    physical stock): 1 fresh, 0.5 at twice the expected feed interval, 0 at four times.
 *  - unreconciled: pending discrepancy units relative to on hand; any pending delta caps it at 0.5.
 *  - manualAdjustments: 1 / (1 + n/3) for n manual adjustments in 30 days.
 */
export function scoreConfidence(i: ConfidenceInputs, now: Date, p: ConfidenceParams): ConfidenceScore {
  const factors: ConfidenceFactor[] = []
  const interval = p.countIntervalDays[i.abcClass]
  const countedAt = i.lastCountedAt ?? i.createdAt
  const countDays = Math.max(0, (now.getTime() - countedAt.getTime()) / DAY)
  factors.push({
    name: 'countAge',
    value: round(clamp01(1 - countDays / (2 * interval))),
    weight: p.weights.countAge,
    explanation: `${i.lastCountedAt ? 'Counted' : 'Never counted; created'} ${countDays.toFixed(1)} days ago; class ${i.abcClass} is counted every ${interval} days`,
  })
  factors.push({
    name: 'countVariance',
    value: round(i.lastCountVarianceRatio == null ? 1 : clamp01(1 - i.lastCountVarianceRatio / 0.2)),
    weight: p.weights.countVariance,
    explanation:
      i.lastCountVarianceRatio == null ? 'No completed count yet' : `Last count differed from the book by ${(i.lastCountVarianceRatio * 100).toFixed(1)}%`,
  })
  if (i.feedManaged) {
    const verifiedAt = [i.lastFeedAt, i.lastCountedAt].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0]
    const hours = verifiedAt ? Math.max(0, (now.getTime() - verifiedAt.getTime()) / HOUR) : Infinity
    factors.push({
      name: 'sourceFreshness',
      value: round(Number.isFinite(hours) ? clamp01(1 - hours / (4 * p.feedExpectedHours)) : 0),
      weight: p.weights.sourceFreshness,
      explanation: Number.isFinite(hours)
        ? `3PL stock last confirmed (feed or count) ${hours.toFixed(1)} h ago; feeds are expected every ${p.feedExpectedHours} h`
        : '3PL stock never confirmed by a feed or count',
    })
  }
  const unreconciledRatio = i.unreconciledUnits / Math.max(1, i.onHand)
  factors.push({
    name: 'unreconciled',
    value: round(i.unreconciledUnits === 0 ? 1 : clamp01(0.5 - unreconciledRatio)),
    weight: p.weights.unreconciled,
    explanation: i.unreconciledUnits === 0 ? 'No deltas awaiting approval' : `${i.unreconciledUnits} units in feed or count deltas awaiting approval`,
  })
  factors.push({
    name: 'manualAdjustments',
    value: round(1 / (1 + i.manualAdjustments30d / 3)),
    weight: p.weights.manualAdjustments,
    explanation: `${i.manualAdjustments30d} manual adjustments in the last 30 days`,
  })
  const totalWeight = factors.reduce((s, f) => s + f.weight, 0)
  // Floor each value so a zero factor drags the score down hard without erasing the others entirely.
  const logScore = factors.reduce((s, f) => s + f.weight * Math.log(Math.max(0.01, f.value)), 0) / (totalWeight || 1)
  return { score: round(clamp01(Math.exp(logScore))), factors }
}

export async function confidenceParams(tx: Tx): Promise<ConfidenceParams> {
  return {
    countIntervalDays: await getSetting(tx, 'inventory.cycleCountIntervalDays'),
    feedExpectedHours: await getSetting(tx, 'inventory.feedExpectedHours'),
    weights: await getSetting(tx, 'inventory.confidenceWeights'),
  }
}

export type ConfidenceScope = { positionIds: number[] } | { locationId: number } | { all: true }

/** Runs one SQL text with positional parameters: Prisma's $queryRawUnsafe or the raw connection of a bulk command. */
export type ConfidenceQuery = (text: string, params: unknown[]) => Promise<Record<string, unknown>[]>

export interface ConfidencePage {
  /**
   * SQL of the positions to score, one page: columns id, sku_id, location_id, on_hand, created_at, last_counted_at,
   * last_feed_at, ordered by id, using $2 (after this id) and $3 (page size); further parameters from $4 on. A bulk
   * command can project values it is about to write (a feed's new on_hand and last_feed_at) and write once.
   */
  positionsSql: string
  params: unknown[]
}

/**
 * The inputs of one page of positions in ONE set-based query: each source table is aggregated once for the page
 * (hash joins for thousands of positions, index probes for one), not probed per position. Parameters: $1 the start of
 * the manual-adjustment window (`confidenceWindowStart`), then the page's. Columns: what `toConfidenceInputs` reads.
 */
export function confidenceInputsSql(page: Pick<ConfidencePage, 'positionsSql'>): string {
  return `WITH sp AS MATERIALIZED (${page.positionsSql}),
     last_count AS (
       SELECT DISTINCT ON (cc.stock_position_id) cc.stock_position_id, abs(cc.variance)::float8 / GREATEST(1, cc.book_quantity) AS ratio
       FROM cycle_counts cc JOIN sp ON sp.id = cc.stock_position_id
       WHERE cc.status = 'COMPLETED' AND cc.variance IS NOT NULL
       ORDER BY cc.stock_position_id, cc.counted_at DESC NULLS LAST, cc.id DESC),
     pending AS (
       SELECT u.stock_position_id, sum(u.units)::int AS units FROM (
         SELECT fd.stock_position_id, abs(fd.delta) AS units FROM feed_discrepancies fd JOIN sp ON sp.id = fd.stock_position_id WHERE fd.status = 'PENDING'
         UNION ALL
         SELECT cc.stock_position_id, abs(cc.variance) FROM cycle_counts cc JOIN sp ON sp.id = cc.stock_position_id WHERE cc.status = 'PENDING_APPROVAL'
       ) u GROUP BY u.stock_position_id),
     manual AS (
       SELECT a.stock_position_id, count(*)::int AS n FROM adjustments a JOIN sp ON sp.id = a.stock_position_id
       WHERE a.created_at >= $1 AND a.reason NOT IN ('CYCLE_COUNT', 'FEED_SYNC', 'RECEIVED', 'RETURN') GROUP BY a.stock_position_id)
     SELECT sp.id, s.abc_class::text AS abc_class, sp.on_hand, sp.created_at, sp.last_counted_at, l.feed_managed,
       COALESCE(sp.last_feed_at, l.last_feed_at) AS last_feed_at, lc.ratio AS last_count_variance_ratio,
       COALESCE(p.units, 0) AS unreconciled_units, COALESCE(m.n, 0) AS manual_adjustments
     FROM sp JOIN skus s ON s.id = sp.sku_id JOIN locations l ON l.id = sp.location_id
       LEFT JOIN last_count lc ON lc.stock_position_id = sp.id LEFT JOIN pending p ON p.stock_position_id = sp.id
       LEFT JOIN manual m ON m.stock_position_id = sp.id
     ORDER BY sp.id`
}

export const confidenceWindowStart = (now: Date) => new Date(now.getTime() - 30 * DAY)

/**
 * Stores a page of scores in ONE UPDATE, the page sent as one JSON document: one native stringify and no per-value
 * escaping, and the planner reads it as a few rows joined through the primary key. With `lastFeedAt`, each
 * position's last feed time also moves up to it (a 3PL snapshot's freshness, written with the score it earns).
 */
async function writeConfidenceScores(
  run: ConfidenceQuery,
  scored: Array<{ id: number } & ConfidenceScore>,
  now: Date,
  lastFeedAt: Date | null = null,
): Promise<void> {
  if (scored.length === 0) return
  await run(
    `UPDATE stock_positions sp SET confidence = u.score, confidence_factors = u.factors, confidence_updated_at = $2,
       last_feed_at = CASE WHEN $3::timestamptz IS NULL THEN sp.last_feed_at ELSE GREATEST(COALESCE(sp.last_feed_at, $3), $3) END
     FROM jsonb_to_recordset($1::jsonb) AS u(id int, score float8, factors jsonb) WHERE sp.id = u.id`,
    [JSON.stringify(scored), now, lastFeedAt],
  )
}

/** One page of positions with their inputs; pass `limit` null for all of them at once. */
async function queryConfidenceInputs(run: ConfidenceQuery, page: ConfidencePage, now: Date, afterId = 0, limit: number | null = 5000) {
  const rows = await run(confidenceInputsSql(page), [confidenceWindowStart(now), afterId, limit, ...page.params])
  return rows.map(toConfidenceInputs)
}

/** A row of `confidenceInputsSql` as scoring inputs. */
export function toConfidenceInputs(row: Record<string, unknown>) {
  const r = row as unknown as InputRow
  return {
    id: Number(r.id),
    inputs: {
      abcClass: r.abc_class,
      onHand: Number(r.on_hand),
      createdAt: new Date(r.created_at),
      lastCountedAt: r.last_counted_at ? new Date(r.last_counted_at) : null,
      lastCountVarianceRatio: r.last_count_variance_ratio == null ? null : Number(r.last_count_variance_ratio),
      feedManaged: Boolean(r.feed_managed),
      lastFeedAt: r.last_feed_at ? new Date(r.last_feed_at) : null,
      unreconciledUnits: Number(r.unreconciled_units),
      manualAdjustments30d: Number(r.manual_adjustments),
    } satisfies ConfidenceInputs,
  }
}

interface InputRow {
  id: number
  abc_class: AbcClass
  on_hand: number
  created_at: Date
  last_counted_at: Date | null
  last_count_variance_ratio: number | null
  feed_managed: boolean
  last_feed_at: Date | null
  unreconciled_units: number
  manual_adjustments: number
}

function scopePage(scope: ConfidenceScope): ConfidencePage {
  const [where, params] =
    'positionIds' in scope ? ['id = ANY($4::int[])', [scope.positionIds]] : 'locationId' in scope ? ['location_id = $4', [scope.locationId]] : ['TRUE', []]
  return {
    positionsSql: `SELECT id, sku_id, location_id, on_hand, created_at, last_counted_at, last_feed_at FROM stock_positions
      WHERE ${where} AND id > $2 ORDER BY id LIMIT $3`,
    params,
  }
}

/** Positions scored per page: a page of scores is ~3 MB of factor JSON, so memory stays flat however many there are. */
export const CONFIDENCE_PAGE = 5_000

/**
 * Scores one page of positions (`page`, after `afterId`, at most `limit`) and stores the scores: the inputs in one
 * set-based query, the scores computed here, one write (with `lastFeedAt`: see writeConfidenceScores). Returns the
 * page's position ids in order; fewer than `limit` means it was the last page.
 */
export async function scoreConfidencePage(
  run: ConfidenceQuery,
  page: ConfidencePage,
  opts: { now: Date; params: ConfidenceParams; afterId: number; limit: number; lastFeedAt?: Date | null },
): Promise<number[]> {
  const batch = await queryConfidenceInputs(run, page, opts.now, opts.afterId, opts.limit)
  const scored = batch.map((b) => ({ id: b.id, ...scoreConfidence(b.inputs, opts.now, opts.params) }))
  await writeConfidenceScores(run, scored, opts.now, opts.lastFeedAt ?? null)
  return scored.map((s) => s.id)
}

/** Runs `scorePage` from the first position on, each call after the last id of the one before, until a short page. */
export async function scoreConfidenceInPages(limit: number, scorePage: (afterId: number) => Promise<number[]>): Promise<number> {
  let updated = 0
  for (let afterId = 0; ; ) {
    const ids = await scorePage(afterId)
    updated += ids.length
    if (ids.length < limit) return updated
    afterId = ids[ids.length - 1]
  }
}

/**
 * Recomputes and stores confidence (the column orchestration reads) for the positions in scope, in pages, inside the
 * caller's transaction: commands that change an input call it for the positions they touched.
 */
export async function refreshConfidence(tx: Tx, scope: ConfidenceScope, now = new Date()): Promise<number> {
  if ('positionIds' in scope && scope.positionIds.length === 0) return 0
  const params = await confidenceParams(tx)
  const run: ConfidenceQuery = (text, values) => tx.$queryRawUnsafe<Record<string, unknown>[]>(text, ...values)
  return scoreConfidenceInPages(CONFIDENCE_PAGE, (afterId) =>
    scoreConfidencePage(run, scopePage(scope), { now, params, afterId, limit: CONFIDENCE_PAGE }),
  )
}

/**
 * The ageing pass (feed age and count age grow with time, not with events): every position rescored as of `now`, a
 * page per transaction. In one transaction the pass would hold the row lock of every position until it commits,
 * and every reservation in the meantime would wait for it (seconds at 100k positions). Each page is scored as of
 * the same instant, so committing page by page gives the result one transaction would, and running it again
 * changes nothing.
 */
export async function refreshAllConfidence(db: Database, opts: { now?: Date; pageSize?: number } = {}): Promise<number> {
  const now = opts.now ?? new Date()
  const limit = opts.pageSize ?? CONFIDENCE_PAGE
  // Read before the page transactions: on PGlite a raw transaction holds the connection Prisma would wait for.
  const params = await confidenceParams(db.prisma)
  return scoreConfidenceInPages(limit, (afterId) =>
    db.sql.transaction((c) => scoreConfidencePage((text, values) => c.query(text, values), scopePage({ all: true }), { now, params, afterId, limit })),
  )
}
