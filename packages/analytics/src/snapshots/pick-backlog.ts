import { Prisma, type PrismaClient } from '@ops-hub/db'

export interface NodeBacklog {
  locationCode: string
  locationName: string
  /** Fulfilment orders the node can pick per day. */
  capacity: number
  releasedToday: number
  pickedToday: number
  /** Capacity not yet used by today's releases (never negative). */
  remainingCapacity: number
  /** Routed to the node, waiting for release. */
  awaitingRelease: number
  /** Released or being picked, not yet packed: the pick backlog. */
  backlog: number
  backlogUnits: number
  /** backlog / capacity: above 1 the node cannot clear its backlog today. */
  load: number
}

export interface PickBacklogSnapshot {
  asOf: string
  locationCode: string | null
  totalBacklog: number
  totalCapacity: number
  locations: NodeBacklog[]
}

/** Pick backlog against today's capacity per fulfilment node; "today" is the node's local calendar day. */
export async function computePickBacklog(
  prisma: PrismaClient,
  scope: { locationId: number | null; locationCode: string | null },
  now: Date,
): Promise<PickBacklogSnapshot> {
  const where = scope.locationId === null ? Prisma.sql`l.is_fulfillment_node AND l.active` : Prisma.sql`l.id = ${scope.locationId}`
  const rows = await prisma.$queryRaw<Array<{
    code: string; name: string; capacity: number; release_capacity: number; released_today: number; picked_today: number
    awaiting: number; backlog: number; backlog_units: number
  }>>`
    SELECT l.code, l.name, l.daily_pick_capacity AS capacity, LEAST(l.daily_pick_capacity, l.daily_pack_capacity) AS release_capacity,
      COALESCE(d.released, 0)::int AS released_today, COALESCE(d.picked, 0)::int AS picked_today,
      COALESCE(f.awaiting, 0)::int AS awaiting, COALESCE(f.backlog, 0)::int AS backlog, COALESCE(u.units, 0)::int AS backlog_units
    FROM locations l
    LEFT JOIN node_day_loads d ON d.location_id = l.id AND d.day = (${now}::timestamptz AT TIME ZONE l.timezone)::date
    LEFT JOIN LATERAL (
      SELECT count(*) FILTER (WHERE fo.status = 'OPEN') AS awaiting,
             count(*) FILTER (WHERE fo.status IN ('RELEASED', 'PICKING')) AS backlog
      FROM fulfillment_orders fo WHERE fo.location_id = l.id AND fo.status IN ('OPEN', 'RELEASED', 'PICKING')
    ) f ON true
    LEFT JOIN LATERAL (
      SELECT sum(a.quantity) AS units FROM fulfillment_orders fo JOIN allocations a ON a.fulfillment_order_id = fo.id
      WHERE fo.location_id = l.id AND fo.status IN ('RELEASED', 'PICKING') AND a.status = 'RESERVED'
    ) u ON true
    WHERE ${where}
    ORDER BY l.code`
  const locations = rows.map((r) => ({
    locationCode: r.code,
    locationName: r.name,
    capacity: r.capacity,
    releasedToday: r.released_today,
    pickedToday: r.picked_today,
    // What release still lets through today: it stops at the smaller of pick and pack capacity, not at pick capacity.
    remainingCapacity: Math.max(0, r.release_capacity - r.released_today),
    awaitingRelease: r.awaiting,
    backlog: r.backlog,
    backlogUnits: r.backlog_units,
    load: r.capacity > 0 ? Math.round((r.backlog / r.capacity) * 1000) / 1000 : r.backlog > 0 ? 1 : 0,
  }))
  return {
    asOf: now.toISOString(),
    locationCode: scope.locationCode,
    totalBacklog: locations.reduce((s, l) => s + l.backlog, 0),
    totalCapacity: locations.reduce((s, l) => s + l.capacity, 0),
    locations,
  }
}
