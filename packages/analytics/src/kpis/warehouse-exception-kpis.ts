import { Prisma, type PrismaClient } from '@ops-hub/db'
import { inRange, periodAndKey, type FamilyRow, type KpiScope } from './kpi-scope.ts'

/** Exceptions the warehouse raises while working a fulfilment order: a short pick, or a parcel that failed pack verification. */
export const WAREHOUSE_EXCEPTION_TYPES = ['PICK_SHORT', 'PACK_MISMATCH'] as const

export type WarehouseExceptionKpiRow = FamilyRow<{ shipped: number; withException: number }>

/**
 * Fulfilment orders (parcels) shipped in the window, and how many of them had a warehouse exception raised while
 * being worked: a PACK_MISMATCH about the fulfilment order, or a PICK_SHORT about one of its pick tasks.
 */
export async function warehouseExceptionKpiRows(prisma: PrismaClient, scope: KpiScope): Promise<WarehouseExceptionKpiRow[]> {
  const channel = scope.channel ? Prisma.sql`AND o.channel_id = ${scope.channel.id}` : Prisma.empty
  const location = scope.location ? Prisma.sql`AND f.location_id = ${scope.location.id}` : Prisma.empty
  return prisma.$queryRaw<WarehouseExceptionKpiRow[]>`
    WITH worked AS (
      SELECT ${periodAndKey(scope, Prisma.sql`f.shipped_at`, { channelId: Prisma.sql`o.channel_id`, locationId: Prisma.sql`f.location_id` })},
        EXISTS (SELECT 1 FROM exceptions e WHERE e.subject_type = 'FulfillmentOrder' AND e.subject_id = f.id AND e.type = 'PACK_MISMATCH')
        OR EXISTS (SELECT 1 FROM pick_tasks t JOIN exceptions e ON e.subject_type = 'PickTask' AND e.subject_id = t.id AND e.type = 'PICK_SHORT'
                   WHERE t.fulfillment_order_id = f.id) AS flagged
      FROM fulfillment_orders f JOIN orders o ON o.id = f.order_id
      WHERE f.status = 'SHIPPED' AND ${inRange(scope, Prisma.sql`f.shipped_at`)} ${channel} ${location}
    )
    SELECT period, k, count(*)::int AS shipped, count(*) FILTER (WHERE flagged)::int AS "withException"
    FROM worked GROUP BY period, k`
}
