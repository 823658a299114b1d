import type { LocationModel as Location } from '@ops-hub/db'

/**
 * What release lets through a node's working day: the smaller of its pick and pack capacity, and which of the two
 * bounds it. Release, the node's capacity today and the projected ship dates read it alike.
 */
export function releaseCapacity(location: Pick<Location, 'dailyPickCapacity' | 'dailyPackCapacity'>): { capacity: number; boundBy: 'PICK' | 'PACK' } {
  return location.dailyPackCapacity < location.dailyPickCapacity
    ? { capacity: location.dailyPackCapacity, boundBy: 'PACK' }
    : { capacity: location.dailyPickCapacity, boundBy: 'PICK' }
}
