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
  const perChannel = scope.channel !== null || scope.groupBy === 'CHANNEL'
  const channel = scope.channel ? Prisma.sql`AND o.channel_id = ${scope.channel.id}` : Prisma.empty
  const location = scope.location ? Prisma.sql`AND f.location_id = ${scope.location.id}` : Prisma.empty
  return prisma.$queryRaw<WarehouseExceptionKpiRow[]>`
    WITH flagged AS (
      -- Every fulfilment order the warehouse ever raised one against (few): joined once, not probed per parcel.
      SELECT e.subject_id AS fulfillment_order_id FROM exceptions e WHERE e.type = 'PACK_MISMATCH' AND e.subject_type = 'FulfillmentOrder'
      UNION
      SELECT t.fulfillment_order_id FROM exceptions e JOIN pick_tasks t ON t.id = e.subject_id WHERE e.type = 'PICK_SHORT' AND e.subject_type = 'PickTask'
    ), worked AS (
      SELECT ${periodAndKey(scope, Prisma.sql`f.shipped_at`, { channelId: Prisma.sql`o.channel_id`, locationId: Prisma.sql`f.location_id` })},
        flagged.fulfillment_order_id IS NOT NULL AS flagged
      FROM fulfillment_orders f ${perChannel ? Prisma.sql`JOIN orders o ON o.id = f.order_id` : Prisma.empty}
      LEFT JOIN flagged ON flagged.fulfillment_order_id = f.id
      WHERE f.status = 'SHIPPED' AND ${inRange(scope, Prisma.sql`f.shipped_at`)} ${channel} ${location}
    )
    SELECT period, k, count(*)::int AS shipped, count(*) FILTER (WHERE flagged)::int AS "withException"
    FROM worked GROUP BY period, k`
}
