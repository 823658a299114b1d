import type { LocationModel as Location, PrismaClient, Tx } from '@ops-hub/db'
import { workingDay, zonedInstant } from '../../orders/business-calendar.ts'
import { releaseReserve } from '../../orders/release-reserve.ts'
import { releaseCapacity as releaseCapacityOf } from '../../orders/release-capacity.ts'
import { holidaysFor } from '../../shipments/delivery-projection.ts'

export interface NodeCapacityDay {
  /** The node's working day (local date): today before the cut-off on a business day, else the next business day. */
  day: string
  afterCutoff: boolean
  pickCapacity: number
  packCapacity: number
  /** Fulfillment orders that may be released for the day: min(pick, pack) - each is picked and packed that day. */
  releaseCapacity: number
  boundBy: 'PICK' | 'PACK'
  released: number
  picked: number
  packed: number
  /** releaseCapacity - released, never negative: what work due that day may still take. */
  releasableLeft: number
}

/** The day as operators read it: with the release reserve (work balancing needs only the counts, not the setting). */
export interface NodeCapacityToday extends NodeCapacityDay {
  /** Of the day's release capacity, what work due on a later day may not take until `reserveOpensAt` (orders.releaseReserve); 0 once open. */
  reservedForDueWork: number
  reserveOpensAt: Date
}

/**
 * A node's capacity use for the working day its releases count against: released, picked and packed fulfillment
 * orders (node_day_loads) against its daily pick and pack capacity.
 */
export async function nodeCapacityDay(
  db: Tx | PrismaClient,
  location: Pick<Location, 'id' | 'timezone' | 'cutoffMinutes' | 'dailyPickCapacity' | 'dailyPackCapacity'>,
  now = new Date(),
): Promise<NodeCapacityDay> {
  const { day, afterCutoff } = workingDay(now, location, await holidaysFor(db, location.id))
  const load = await db.nodeDayLoad.findUnique({ where: { locationId_day: { locationId: location.id, day: new Date(`${day}T00:00:00Z`) } } })
  const { capacity: releaseCapacity, boundBy } = releaseCapacityOf(location)
  const released = load?.released ?? 0
  return {
    day,
    afterCutoff,
    pickCapacity: location.dailyPickCapacity,
    packCapacity: location.dailyPackCapacity,
    releaseCapacity,
    boundBy,
    released,
    picked: load?.picked ?? 0,
    packed: load?.packed ?? 0,
    releasableLeft: Math.max(0, releaseCapacity - released),
  }
}

/** nodeCapacityDay and the release reserve in force on that day (`Location.capacityToday`). */
export async function nodeCapacityToday(
  db: Tx | PrismaClient,
  location: Parameters<typeof nodeCapacityDay>[1],
  now = new Date(),
): Promise<NodeCapacityToday> {
  const day = await nodeCapacityDay(db, location, now)
  const reserve = await releaseReserve(db, day.releaseCapacity, zonedInstant(day.day, location.cutoffMinutes, location.timezone), now)
  return { ...day, reservedForDueWork: reserve.units, reserveOpensAt: reserve.opensAt }
}
