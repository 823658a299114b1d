import { Prisma, type PrismaClient } from '@ops-hub/db'

/** Orders not yet shipped, cancelled or delivered: the ones that can still age past their ship-by. */
export const OPEN_ORDER_STATUSES = [
  'PENDING', 'ON_HOLD', 'VALIDATED', 'ALLOCATED', 'PARTIALLY_ALLOCATED', 'BACKORDERED', 'RELEASED', 'IN_FULFILLMENT',
  'PARTIALLY_SHIPPED',
] as const

/** Age since the order was placed; the labels are what the dashboard prints. */
export const AGING_BUCKETS = ['0-4h', '4-12h', '12-24h', '24-48h', '>48h'] as const

export interface AgingBucket {
  label: string
  count: number
  pastShipBy: number
}

export interface AgingRow {
  total: number
  pastShipBy: number
  buckets: AgingBucket[]
}

export interface OrderAgingSnapshot extends AgingRow {
  asOf: string
  /** Null for the whole network. */
  locationCode: string | null
  byStatus: Array<AgingRow & { status: string }>
  /** One row per node that has open fulfilment work; `locationCode` null = not routed to a node yet. */
  byLocation: Array<AgingRow & { locationCode: string | null; locationName: string | null }>
}

type Counted = { bucket: number; n: number; late: number }

function emptyRow(): AgingRow {
  return { total: 0, pastShipBy: 0, buckets: AGING_BUCKETS.map((label) => ({ label, count: 0, pastShipBy: 0 })) }
}

function add(row: AgingRow, c: Counted) {
  row.total += c.n
  row.pastShipBy += c.late
  row.buckets[c.bucket].count += c.n
  row.buckets[c.bucket].pastShipBy += c.late
}

/**
 * Open orders by age bucket, status and node. Two grouped aggregates over open orders only (the
 * (status, placed_at) index), narrowed to one node's open fulfilment orders when `locationId` is given.
 */
export async function computeOrderAging(
  prisma: PrismaClient,
  scope: { locationId: number | null; locationCode: string | null },
  now: Date,
): Promise<OrderAgingSnapshot> {
  const open = Prisma.join(OPEN_ORDER_STATUSES.map((s) => Prisma.sql`${s}::"OrderStatus"`))
  const bucket = Prisma.sql`CASE
    WHEN o.placed_at > ${now}::timestamptz - interval '4 hours' THEN 0
    WHEN o.placed_at > ${now}::timestamptz - interval '12 hours' THEN 1
    WHEN o.placed_at > ${now}::timestamptz - interval '24 hours' THEN 2
    WHEN o.placed_at > ${now}::timestamptz - interval '48 hours' THEN 3
    ELSE 4 END`
  const late = Prisma.sql`count(*) FILTER (WHERE o.ship_by < ${now}::timestamptz)::int`
  const atNode = scope.locationId === null
    ? Prisma.empty
    : Prisma.sql`AND EXISTS (SELECT 1 FROM fulfillment_orders f WHERE f.order_id = o.id AND f.location_id = ${scope.locationId}
        AND f.status NOT IN ('SHIPPED', 'CANCELLED'))`

  const byStatus = await prisma.$queryRaw<Array<Counted & { status: string }>>`
    SELECT o.status::text AS status, ${bucket} AS bucket, count(*)::int AS n, ${late} AS late
    FROM orders o WHERE o.status IN (${open}) ${atNode}
    GROUP BY 1, 2`
  const byLocation = await prisma.$queryRaw<Array<Counted & { code: string | null; name: string | null }>>`
    SELECT l.code, l.name, ${bucket} AS bucket, count(DISTINCT o.id)::int AS n,
      count(DISTINCT o.id) FILTER (WHERE o.ship_by < ${now}::timestamptz)::int AS late
    FROM orders o
    LEFT JOIN fulfillment_orders f ON f.order_id = o.id AND f.status NOT IN ('SHIPPED', 'CANCELLED')
    LEFT JOIN locations l ON l.id = f.location_id
    WHERE o.status IN (${open}) ${scope.locationId === null ? Prisma.empty : Prisma.sql`AND f.location_id = ${scope.locationId}`}
    GROUP BY 1, 2, 3`

  const snapshot: OrderAgingSnapshot = {
    ...emptyRow(),
    asOf: now.toISOString(),
    locationCode: scope.locationCode,
    byStatus: [],
    byLocation: [],
  }
  const statuses = new Map<string, AgingRow & { status: string }>()
  for (const r of byStatus) {
    add(snapshot, r)
    let row = statuses.get(r.status)
    if (!row) statuses.set(r.status, (row = { status: r.status, ...emptyRow() }))
    add(row, r)
  }
  const locations = new Map<string, AgingRow & { locationCode: string | null; locationName: string | null }>()
  for (const r of byLocation) {
    const key = r.code ?? ''
    let row = locations.get(key)
    if (!row) locations.set(key, (row = { locationCode: r.code, locationName: r.name, ...emptyRow() }))
    add(row, r)
  }
  snapshot.byStatus = OPEN_ORDER_STATUSES.flatMap((s) => (statuses.has(s) ? [statuses.get(s)!] : []))
  snapshot.byLocation = [...locations.values()].sort((a, b) =>
    a.locationCode === null ? 1 : b.locationCode === null ? -1 : a.locationCode.localeCompare(b.locationCode),
  )
  return snapshot
}
