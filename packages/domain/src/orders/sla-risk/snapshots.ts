import { Prisma, type PrismaClient, type ServiceLevel, type Tx } from '@ops-hub/db'
import { analyticalRead } from '../../shared/analytical-read.ts'

/** What the SLA-miss model reads from settings ('orders.slaRisk'). */
export interface SlaRiskSettings {
  lookbackDays: number
  stepHours: number
  /** Upper edges of the time-left bands, ascending (hours); the last band is open-ended. */
  timeLeftBandsHours: readonly number[]
  minObservations: number
  pseudoCount: number
  exceptionThreshold: number
  highSeverityAt: number
}

/** Where an open order stands in its node's release queue at a moment. */
export type QueuePosition = 'WITHIN_TODAY' | 'NEXT_DAY' | 'LATER' | 'RELEASED' | 'UNROUTED'

/** The features of one order at one moment: the same columns describe history and the orders predicted now. */
export interface SnapshotFeatures {
  status: string
  /** Code of the node working the order's least advanced unshipped fulfillment order; 'NONE' before routing. */
  node: string
  serviceLevel: ServiceLevel
  /** Index of the time-left band (1 = below the first edge ... edges+1 = at or above the last). */
  band: number
  queue: QueuePosition
}

/** History aggregated by the finest cell: order-moments, distinct orders and how many were still open at their ship-by. */
export interface HistoryCell extends SnapshotFeatures {
  observations: number
  orders: number
  misses: number
}

/** An order open at the moment predicted for, with every input of its risk. */
export interface OpenOrderSnapshot extends SnapshotFeatures {
  orderId: number
  shipBy: Date
  hoursLeft: number
  /** OPEN (waiting for release), RELEASED (released, not packed), PACKED; null before routing. */
  fulfillmentState: 'OPEN' | 'RELEASED' | 'PACKED' | null
  /** Open fulfillment orders ahead of this one in its node's release queue (null unless it waits for release). */
  backlogAhead: number | null
  /** What the node may still release against its current working day (daily release capacity minus released since the last cut-off). */
  releaseRoom: number | null
  /** Fulfillment orders release lets through a working day: the smaller of the node's pick and pack capacity. */
  dailyCapacity: number | null
  /** The release queue's own rule: the ship-by falls on or before the node's next cut-off (such orders go first). */
  releaseRuleAtRisk: boolean
}

/** Orders that are still open this long after they were placed are looked for by their current status instead. */
const MAX_OPEN_DAYS = 30
const HOUR = 3_600_000
const DAY = 24 * HOUR
const OPEN_STATUSES = ['PENDING', 'ON_HOLD', 'VALIDATED', 'ALLOCATED', 'PARTIALLY_ALLOCATED', 'BACKORDERED', 'RELEASED', 'IN_FULFILLMENT', 'PARTIALLY_SHIPPED']

/**
 * The orders open at each origin `anchor - k * stepHours` (k from `kFrom` to `kTo`) with what was known about them then,
 * as one set-based statement: an order is open at u when placed by u and neither shipped (in full) nor cancelled by
 * u; its status is the last status change recorded by u; its node is that of its least advanced fulfillment order
 * not shipped or cancelled by u; its place in the release queue is its rank among the node's fulfillment orders
 * still waiting for release at u, in the order `releaseOrders` takes them (ship-by by the next cut-off first, then ship day,
 * same-day and express, then priority, then age); the room left is the node's daily release capacity (the smaller of
 * its pick and pack capacity, as `releaseOrders` reads it) minus what it released since its last cut-off. Nothing after
 * u is read except the outcome (`missed`), which callers may use only for moments whose ship-by had passed by the
 * moment they predict for.
 *
 * Every interval (a status held, a fulfillment order waiting, released or packed, a release counting against a
 * working day) is expanded into the origins it covers by arithmetic on the regular grid, so the work grows with the
 * rows produced, not with origins x orders.
 */
export function snapshotSql(anchor: Date, s: SlaRiskSettings, kFrom: number, kTo: number, select: Prisma.Sql): Prisma.Sql {
  const firstOrigin = new Date(anchor.getTime() - kTo * s.stepHours * HOUR)
  const earliest = new Date(firstOrigin.getTime() - MAX_OPEN_DAYS * DAY)
  // Releases since the last cut-off before the first origin belong to orders that may have shipped a day before it.
  const closedAfter = new Date(firstOrigin.getTime() - DAY)
  const end = new Date(anchor.getTime() + 1000)
  const step = s.stepHours * 3600
  const edges = [...s.timeLeftBandsHours]
  // The origins in [a, b): k with a <= anchor - k * step < b, within [kFrom, kTo].
  const ks = (a: Prisma.Sql, b: Prisma.Sql) => Prisma.sql`generate_series(
      GREATEST(${kFrom}::int, floor(extract(epoch FROM ${anchor}::timestamptz - LEAST(${b}, ${end}::timestamptz)) / ${step}::int)::int + 1),
      LEAST(${kTo}::int, floor(extract(epoch FROM ${anchor}::timestamptz - ${a}) / ${step}::int)::int))`
  const never = Prisma.sql`'infinity'::timestamptz`
  return Prisma.sql`
    WITH cand AS MATERIALIZED (
      SELECT o.id, o.service_level, o.ship_by, o.shipped_at, o.cancelled_at, o.placed_at,
        LEAST(COALESCE(o.shipped_at, ${never}), COALESCE(o.cancelled_at, ${never})) AS closed_at
      FROM orders o
      WHERE o.ship_by IS NOT NULL AND o.placed_at <= ${anchor}::timestamptz
        AND (o.placed_at > ${earliest}::timestamptz OR o.status::text = ANY(${OPEN_STATUSES}::text[]))
        AND (o.shipped_at IS NULL OR o.shipped_at > ${closedAfter}::timestamptz)
        AND (o.cancelled_at IS NULL OR o.cancelled_at > ${closedAfter}::timestamptz)
    ),
    status_changes AS (
      SELECT c.id, 0 AS seq, c.placed_at AS at, 'PENDING' AS status FROM cand c
      UNION ALL
      SELECT e.order_id, e.id, e.occurred_at, e.to_status::text FROM cand c JOIN order_events e ON e.order_id = c.id WHERE e.to_status IS NOT NULL
    ),
    status_held AS (
      SELECT id, status, at AS a, lead(at, 1, ${never}) OVER (PARTITION BY id ORDER BY at, seq) AS b FROM status_changes
    ),
    snap_base AS (
      SELECT k.k, ${anchor}::timestamptz - make_interval(secs => k.k * ${step}::int) AS u, c.id, c.service_level::text AS service_level,
        c.ship_by, h.status,
        NOT COALESCE(c.shipped_at <= c.ship_by, false) AND NOT COALESCE(c.cancelled_at <= c.ship_by, false) AS missed
      FROM status_held h JOIN cand c ON c.id = h.id
      CROSS JOIN LATERAL ${ks(Prisma.sql`GREATEST(h.a, c.placed_at)`, Prisma.sql`LEAST(h.b, c.closed_at)`)} AS k(k)
      WHERE h.b > c.placed_at AND h.a < c.closed_at
    ),
    fos AS MATERIALIZED (
      SELECT f.id, f.order_id, f.location_id, f.priority, f.ship_by, f.created_at, f.released_at, f.packed_at, c.placed_at,
        LEAST(COALESCE(f.shipped_at, ${never}), COALESCE(f.cancelled_at, ${never})) AS closed_at,
        CASE c.service_level WHEN 'SAME_DAY' THEN 0 WHEN 'EXPRESS' THEN 1 ELSE 2 END AS sl_rank, l.timezone, l.cutoff_minutes
      FROM cand c JOIN fulfillment_orders f ON f.order_id = c.id JOIN locations l ON l.id = f.location_id
    ),
    fo_states AS (
      SELECT f.id, f.order_id, f.location_id, x.state, x.rank, x.a, LEAST(x.b, f.closed_at) AS b
      FROM fos f CROSS JOIN LATERAL (VALUES
        ('OPEN', 0, f.created_at, COALESCE(f.released_at, ${never})),
        ('RELEASED', 1, f.released_at, COALESCE(f.packed_at, ${never})),
        ('PACKED', 2, f.packed_at, ${never}::timestamptz)
      ) AS x(state, rank, a, b)
      WHERE x.a IS NOT NULL AND x.a < LEAST(x.b, f.closed_at)
    ),
    fo_snap AS (
      SELECT k.k, fs.id, fs.order_id, fs.location_id, fs.state, fs.rank
      FROM fo_states fs CROSS JOIN LATERAL ${ks(Prisma.sql`fs.a`, Prisma.sql`fs.b`)} AS k(k)
    ),
    clock AS MATERIALIZED (
      SELECT k.k, l.id AS location_id, LEAST(l.daily_pick_capacity, l.daily_pack_capacity) AS capacity,
        (CASE WHEN c.cut > c.local THEN c.cut ELSE c.cut + interval '1 day' END) AT TIME ZONE l.timezone AS next_cutoff
      FROM generate_series(${kFrom}::int, ${kTo}::int) AS k(k) CROSS JOIN locations l
      CROSS JOIN LATERAL (SELECT ${anchor}::timestamptz - make_interval(secs => k.k * ${step}::int) AS u) g
      CROSS JOIN LATERAL (
        SELECT g.u AT TIME ZONE l.timezone AS local, date_trunc('day', g.u AT TIME ZONE l.timezone) + make_interval(mins => l.cutoff_minutes) AS cut
      ) c
      WHERE l.is_fulfillment_node
    ),
    released AS (
      -- A release counts against the node's working day until the next cut-off after it.
      SELECT k.k, f.location_id, count(*)::int AS n
      FROM fos f
      CROSS JOIN LATERAL (
        SELECT date_trunc('day', f.released_at AT TIME ZONE f.timezone) + make_interval(mins => f.cutoff_minutes) AS cut,
          f.released_at AT TIME ZONE f.timezone AS local
      ) c
      CROSS JOIN LATERAL ${ks(Prisma.sql`f.released_at`, Prisma.sql`(CASE WHEN c.cut > c.local THEN c.cut ELSE c.cut + interval '1 day' END) AT TIME ZONE f.timezone`)} AS k(k)
      WHERE f.released_at IS NOT NULL
      GROUP BY k.k, f.location_id
    ),
    queue AS (
      SELECT fs.k, fs.id AS fo_id,
        (row_number() OVER (PARTITION BY fs.k, fs.location_id ORDER BY
          (f.ship_by IS NOT NULL AND f.ship_by <= ck.next_cutoff) DESC,
          CASE WHEN f.ship_by <= ck.next_cutoff THEN f.ship_by END ASC NULLS LAST,
          (f.ship_by AT TIME ZONE f.timezone)::date ASC NULLS LAST,
          f.sl_rank, f.priority, f.placed_at, f.id) - 1)::int AS ahead
      FROM fo_snap fs JOIN fos f ON f.id = fs.id JOIN clock ck ON ck.k = fs.k AND ck.location_id = fs.location_id
      WHERE fs.state = 'OPEN'
    ),
    lead AS (
      SELECT DISTINCT ON (fs.k, fs.order_id) fs.k, fs.order_id, fs.id AS fo_id, fs.location_id, fs.state AS fo_state
      FROM fo_snap fs ORDER BY fs.k, fs.order_id, fs.rank, fs.id
    ),
    snap AS (
      SELECT s.*, COALESCE(l.code, 'NONE') AS node, ld.fo_state, q.ahead, ck.capacity,
        GREATEST(0, ck.capacity - COALESCE(r.n, 0)) AS room, ck.next_cutoff,
        extract(epoch FROM s.ship_by - s.u)::float8 / 3600 AS hours_left
      FROM snap_base s
      LEFT JOIN lead ld ON ld.k = s.k AND ld.order_id = s.id
      LEFT JOIN locations l ON l.id = ld.location_id
      LEFT JOIN queue q ON q.k = s.k AND q.fo_id = ld.fo_id
      LEFT JOIN clock ck ON ck.k = s.k AND ck.location_id = ld.location_id
      LEFT JOIN released r ON r.k = s.k AND r.location_id = ld.location_id
    ),
    featured AS (
      SELECT s.*, width_bucket(s.hours_left, ${edges}::float8[]) + 1 AS band,
        CASE WHEN s.fo_state IS NULL THEN 'UNROUTED' WHEN s.fo_state <> 'OPEN' THEN 'RELEASED'
          WHEN s.ahead < s.room THEN 'WITHIN_TODAY' WHEN s.ahead < s.room + s.capacity THEN 'NEXT_DAY' ELSE 'LATER' END AS queue
      FROM snap s
    )
    ${select}`
}

/** One order open at one moment: its features, the inputs of its risk and (read only once settled) its outcome. */
export interface SnapshotRow extends OpenOrderSnapshot {
  at: Date
  /** Still open (not shipped in full, not cancelled) at its ship-by: known only once the ship-by has passed. */
  missed: boolean
}

type RawRow = {
  k: number; id: number; status: string; node: string; service_level: ServiceLevel; band: number; queue: QueuePosition; ship_by: Date; hours_left: number
  fo_state: 'OPEN' | 'RELEASED' | 'PACKED' | null; ahead: number | null; room: number | null; capacity: number | null; next_cutoff: Date | null; missed: boolean
}

const rowColumns = Prisma.sql`k, id, status, node, service_level, band, queue, ship_by, hours_left, fo_state, ahead, room, capacity, next_cutoff, missed`

function toRow(r: RawRow, anchor: Date, s: SlaRiskSettings): SnapshotRow {
  return {
    at: new Date(anchor.getTime() - Number(r.k) * s.stepHours * HOUR),
    orderId: Number(r.id),
    status: r.status,
    node: r.node,
    serviceLevel: r.service_level,
    band: Number(r.band),
    queue: r.queue,
    shipBy: new Date(r.ship_by),
    hoursLeft: Number(r.hours_left),
    fulfillmentState: r.fo_state,
    backlogAhead: r.fo_state === 'OPEN' && r.ahead !== null ? Number(r.ahead) : null,
    releaseRoom: r.room === null ? null : Number(r.room),
    dailyCapacity: r.capacity === null ? null : Number(r.capacity),
    releaseRuleAtRisk: r.next_cutoff !== null && new Date(r.ship_by).getTime() <= new Date(r.next_cutoff).getTime(),
    missed: Boolean(r.missed),
  }
}

/** The last origin of the history grid at or before `t`: origins sit on whole multiples of stepHours (UTC). */
export function gridOriginAtOrBefore(t: Date, s: SlaRiskSettings): Date {
  const step = s.stepHours * HOUR
  return new Date(Math.floor(t.getTime() / step) * step)
}

/**
 * The orders open at every origin of the history grid in [from, to]: one statement, whatever the span. Origins are
 * whole multiples of stepHours, so the moments seen for one `asOf` are the moments seen for any other.
 */
export async function historySnapshots(db: Tx | PrismaClient, s: SlaRiskSettings, range: { from: Date; to: Date }): Promise<SnapshotRow[]> {
  const anchor = gridOriginAtOrBefore(range.to, s)
  const kTo = Math.max(0, Math.floor((anchor.getTime() - range.from.getTime()) / (s.stepHours * HOUR)))
  const rows = await analyticalRead(db, (tx) => tx.$queryRaw<RawRow[]>(snapshotSql(anchor, s, 0, kTo, Prisma.sql`SELECT ${rowColumns} FROM featured`)))
  return rows.map((r) => toRow(r, anchor, s))
}

/** Which open orders to describe: some by id, those worked (or to be worked) at a node, or all. */
export type OpenOrderScope = { orderIds: number[] } | { locationId: number } | { all: true }

/** The orders open at `asOf` (in scope) with the features and inputs of their risk, as known at `asOf`. */
export async function openOrderSnapshots(db: Tx | PrismaClient, asOf: Date, s: SlaRiskSettings, scope: OpenOrderScope): Promise<SnapshotRow[]> {
  if ('orderIds' in scope && scope.orderIds.length === 0) return []
  const filter =
    'orderIds' in scope
      ? Prisma.sql`id = ANY(${scope.orderIds}::int[])`
      : 'locationId' in scope
        ? Prisma.sql`EXISTS (SELECT 1 FROM fo_snap f WHERE f.k = featured.k AND f.order_id = featured.id AND f.location_id = ${scope.locationId}::int)`
        : Prisma.sql`TRUE`
  const rows = await analyticalRead(db, (tx) =>
    tx.$queryRaw<RawRow[]>(snapshotSql(asOf, s, 0, 0, Prisma.sql`SELECT ${rowColumns} FROM featured WHERE ${filter} ORDER BY id`)),
  )
  return rows.map((r) => toRow(r, asOf, s))
}

// A back-test sums the same rows for hundreds of cut-offs: each row's cell key is built once.
const cellKeys = new WeakMap<SnapshotRow, string>()

/**
 * The history known at `cutoff`, summed by the finest cell: moments in the look-back window before `cutoff` whose
 * ship-by had not passed then and has passed by `cutoff` (the outcome is settled, so no order is counted before its
 * fate is known).
 */
export function historyCells(rows: SnapshotRow[], cutoff: Date, s: SlaRiskSettings): HistoryCell[] {
  const to = cutoff.getTime()
  const from = to - s.lookbackDays * DAY
  const cells = new Map<string, HistoryCell & { ids: Set<number> }>()
  for (const r of rows) {
    const at = r.at.getTime()
    if (at < from || at >= to || r.hoursLeft < 0 || r.shipBy.getTime() > to) continue
    let key = cellKeys.get(r)
    if (key === undefined) {
      key = `${r.status}|${r.node}|${r.serviceLevel}|${r.band}|${r.queue}`
      cellKeys.set(r, key)
    }
    let c = cells.get(key)
    if (!c) {
      c = { status: r.status, node: r.node, serviceLevel: r.serviceLevel, band: r.band, queue: r.queue, observations: 0, orders: 0, misses: 0, ids: new Set() }
      cells.set(key, c)
    }
    c.observations++
    if (r.missed) c.misses++
    c.ids.add(r.orderId)
  }
  return [...cells.values()].map(({ ids, ...c }) => ({ ...c, orders: ids.size }))
}
