import type { Tx } from '@ops-hub/db'

/**
 * Counts one fulfillment order as picked or packed on the node's local calendar day (node_day_loads), so today's
 * capacity use (released / picked / packed against pick and pack capacity) is read from one row per node and day.
 * The day row is locked last, after the order and fulfillment order, as releaseOrders and cancelOrder lock it.
 */
export async function countNodeWork(tx: Tx, locationId: number, what: 'picked' | 'packed', at: Date): Promise<void> {
  if (what === 'picked') {
    await tx.$executeRaw`
      INSERT INTO node_day_loads (location_id, day, picked)
      SELECT l.id, (${at}::timestamptz AT TIME ZONE l.timezone)::date, 1 FROM locations l WHERE l.id = ${locationId}
      ON CONFLICT (location_id, day) DO UPDATE SET picked = node_day_loads.picked + 1`
  } else {
    await tx.$executeRaw`
      INSERT INTO node_day_loads (location_id, day, packed)
      SELECT l.id, (${at}::timestamptz AT TIME ZONE l.timezone)::date, 1 FROM locations l WHERE l.id = ${locationId}
      ON CONFLICT (location_id, day) DO UPDATE SET packed = node_day_loads.packed + 1`
  }
}
