import { Prisma, type AbcClass, type PrismaClient, type Tx } from '@ops-hub/db'
import { analyticalRead } from '../../shared/analytical-read.ts'
import type { ConfidenceInputs } from '../confidence.ts'

/** A stock position at a moment: what its priority is computed for. */
export interface PositionMoment {
  positionId: number
  at: Date
}

/** Everything a position's count priority depends on, as it stood at `at` (nothing recorded later is read). */
export interface CountPriorityInputs extends PositionMoment {
  skuId: number
  locationId: number
  abcClass: AbcClass
  unitCost: number
  /** On hand at `at`: today's on hand minus what the ledger moved since. */
  onHand: number
  /** The inputs of the position's inventory confidence at `at` (scoreConfidence). */
  confidence: ConfidenceInputs
  /** Completed counts before `at`, and how many of them found a variance (counted differed from the book). */
  counts: number
  countsWithVariance: number
  /** The same over every position of the location (the prior of a position with few counts). */
  locationCounts: number
  locationCountsWithVariance: number
  /** Anomaly-flagged adjustments of the position since its last count (by `at`). */
  anomaliesSinceCount: number
}

type Row = {
  id: number; at: Date; sku_id: number; location_id: number; abc_class: AbcClass; unit_cost: number; on_hand: number; created_at: Date
  last_counted_at: Date | null; last_ratio: number | null; feed_managed: boolean; last_feed_at: Date | null; unreconciled: number
  manual_30d: number; counts: number; with_variance: number; loc_counts: number; loc_with_variance: number; anomalies: number
}

/** The statement behind countPriorityInputs (one row per distinct pair). */
export function countPriorityInputsSql(moments: PositionMoment[]): Prisma.Sql {
  // Two arrays rather than a JSON document: the planner sizes unnest() of a bound array, and hash-joins accordingly.
  const ids = moments.map((m) => m.positionId)
  const ats = moments.map((m) => m.at.toISOString())
  return Prisma.sql`
      WITH pairs AS MATERIALIZED (
        SELECT row_number() OVER ()::int AS pk, d.id, d.at
        FROM (SELECT DISTINCT p.id, p.at FROM unnest(${ids}::int[], ${ats}::timestamptz[]) AS p(id, at)) d
      ),
      base AS MATERIALIZED (
        SELECT pr.pk, pr.id, pr.at, sp.sku_id, sp.location_id, sp.created_at, sp.on_hand, sp.last_counted_at AS sp_counted,
          sp.last_feed_at AS sp_feed, s.abc_class, s.unit_cost::float8 AS unit_cost, l.feed_managed
        FROM pairs pr JOIN stock_positions sp ON sp.id = pr.id JOIN skus s ON s.id = sp.sku_id JOIN locations l ON l.id = sp.location_id
      ),
      later AS (
        -- What the ledger moved after each moment, in one sweep from the newest event back: a running sum in which every
        -- moment sits just before the events at its own instant (those count as known by then). Only events after the
        -- earliest moment are read, so ranking now reads none.
        SELECT x.pk, x.moved FROM (
          SELECT y.pk, sum(y.d) OVER (PARTITION BY y.id ORDER BY y.t DESC, y.kind DESC ROWS UNBOUNDED PRECEDING)::int AS moved
          FROM (
            SELECT e.stock_position_id AS id, e.occurred_at AS t, 0 AS kind, e.on_hand_delta AS d, NULL::int AS pk
            FROM inventory_events e
            WHERE e.occurred_at > (SELECT min(at) FROM pairs) AND e.stock_position_id IN (SELECT id FROM pairs)
            UNION ALL
            SELECT b.id, b.at, 1, 0, b.pk FROM base b
          ) y
        ) x
        WHERE x.pk IS NOT NULL
      ),
      counts AS (
        SELECT b.pk, count(*)::int AS counts, count(*) FILTER (WHERE cc.variance <> 0)::int AS with_variance,
          max(cc.counted_at) AS last_at,
          (array_agg(abs(cc.variance)::float8 / GREATEST(1, cc.book_quantity) ORDER BY cc.counted_at DESC, cc.id DESC))[1] AS last_ratio
        FROM base b JOIN cycle_counts cc ON cc.stock_position_id = b.id AND cc.counted_at <= b.at AND cc.variance IS NOT NULL
        GROUP BY b.pk
      ),
      moments AS (SELECT location_id, at, row_number() OVER ()::int AS mk FROM (SELECT DISTINCT location_id, at FROM base) d),
      location_counts AS (
        SELECT m.mk, count(cc.id)::int AS counts, count(cc.id) FILTER (WHERE cc.variance <> 0)::int AS with_variance
        FROM moments m LEFT JOIN cycle_counts cc ON cc.location_id = m.location_id AND cc.counted_at <= m.at AND cc.variance IS NOT NULL
        GROUP BY m.mk
      ),
      feeds AS (
        SELECT m.mk, max(f.created_at) AS last_feed_at
        FROM moments m JOIN inventory_feeds f ON f.location_id = m.location_id AND f.created_at <= m.at AND f.status <> 'REJECTED'
        GROUP BY m.mk
      ),
      counted AS MATERIALIZED (
        -- The last count by then: a recorded count, or the position's own date when it is not later (counts kept
        -- outside the hub's history, e.g. migrated with the opening balance).
        SELECT b.pk, c.last_ratio, COALESCE(c.counts, 0) AS counts, COALESCE(c.with_variance, 0) AS with_variance,
          GREATEST(c.last_at, CASE WHEN b.sp_counted <= b.at THEN b.sp_counted END) AS last_counted_at
        FROM base b LEFT JOIN counts c ON c.pk = b.pk
      ),
      adjusted AS (
        SELECT b.pk,
          count(*) FILTER (WHERE a.created_at > b.at - interval '30 days' AND a.reason NOT IN ('CYCLE_COUNT', 'FEED_SYNC', 'RECEIVED', 'RETURN'))::int AS manual_30d,
          count(*) FILTER (WHERE cardinality(a.anomaly_flags) > 0 AND (ct.last_counted_at IS NULL OR a.created_at > ct.last_counted_at))::int AS anomalies
        FROM base b JOIN counted ct ON ct.pk = b.pk
        JOIN adjustments a ON a.stock_position_id = b.id AND a.created_at <= b.at
        GROUP BY b.pk
      ),
      pending AS (
        SELECT b.pk, sum(u.units)::int AS units
        FROM base b JOIN (
          SELECT fd.stock_position_id AS id, abs(fd.delta) AS units, f.created_at AS since, fd.decided_at AS until
          FROM feed_discrepancies fd JOIN inventory_feeds f ON f.id = fd.feed_id
          UNION ALL
          SELECT cc.stock_position_id, abs(cc.variance), cc.counted_at,
            CASE WHEN cc.status = 'PENDING_APPROVAL' THEN NULL ELSE COALESCE(a.decided_at, a.applied_at, cc.counted_at) END
          FROM cycle_counts cc LEFT JOIN adjustments a ON a.id = cc.adjustment_id
          WHERE cc.within_tolerance = false AND cc.attempt >= 2
        ) u ON u.id = b.id AND u.since <= b.at AND (u.until IS NULL OR u.until > b.at)
        GROUP BY b.pk
      )
      SELECT b.id, b.at, b.sku_id, b.location_id, b.abc_class::text AS abc_class, b.unit_cost, b.on_hand - COALESCE(lt.moved, 0) AS on_hand,
        b.created_at, ct.last_counted_at, ct.last_ratio, b.feed_managed,
        GREATEST(CASE WHEN b.sp_feed <= b.at THEN b.sp_feed END, fd.last_feed_at) AS last_feed_at,
        COALESCE(p.units, 0) AS unreconciled, COALESCE(ad.manual_30d, 0) AS manual_30d, ct.counts, ct.with_variance,
        lc.counts AS loc_counts, lc.with_variance AS loc_with_variance, COALESCE(ad.anomalies, 0) AS anomalies
      FROM base b
      JOIN counted ct ON ct.pk = b.pk
      JOIN moments m ON m.location_id = b.location_id AND m.at = b.at
      JOIN location_counts lc ON lc.mk = m.mk
      LEFT JOIN feeds fd ON fd.mk = m.mk
      LEFT JOIN later lt ON lt.pk = b.pk
      LEFT JOIN adjusted ad ON ad.pk = b.pk
      LEFT JOIN pending p ON p.pk = b.pk
      ORDER BY b.at, b.id`
}

/**
 * The count-priority inputs of many (position, moment) pairs in ONE set-based statement: the positions ranked now,
 * the positions as they stood before each past count (the calibration), or a back-test's every day at once. Each
 * source is aggregated per pair under `<= at`, so a pair at a past moment sees only what was recorded by then:
 * on hand (today's minus the ledger since), the last count and its variance, pending feed deltas and count
 * variances, manual and anomalous adjustments, the last 3PL feed.
 */
export async function countPriorityInputs(db: Tx | PrismaClient, moments: PositionMoment[]): Promise<CountPriorityInputs[]> {
  if (moments.length === 0) return []
  const rows = await analyticalRead(db, (tx) => tx.$queryRaw<Row[]>(countPriorityInputsSql(moments)), { hashJoins: true })
  return rows.map((r) => {
    const onHand = Number(r.on_hand)
    return {
      positionId: Number(r.id),
      at: new Date(r.at),
      skuId: Number(r.sku_id),
      locationId: Number(r.location_id),
      abcClass: r.abc_class,
      unitCost: Number(r.unit_cost),
      onHand,
      confidence: {
        abcClass: r.abc_class,
        onHand,
        createdAt: new Date(r.created_at),
        lastCountedAt: r.last_counted_at ? new Date(r.last_counted_at) : null,
        lastCountVarianceRatio: r.last_ratio === null ? null : Number(r.last_ratio),
        feedManaged: Boolean(r.feed_managed),
        lastFeedAt: r.last_feed_at ? new Date(r.last_feed_at) : null,
        unreconciledUnits: Number(r.unreconciled),
        manualAdjustments30d: Number(r.manual_30d),
      },
      counts: Number(r.counts),
      countsWithVariance: Number(r.with_variance),
      locationCounts: Number(r.loc_counts),
      locationCountsWithVariance: Number(r.loc_with_variance),
      anomaliesSinceCount: Number(r.anomalies),
    }
  })
}
