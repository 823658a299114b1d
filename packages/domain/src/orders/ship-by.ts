import type { ServiceLevel } from '@ops-hub/db'
import { addBusinessDays, workingDay, zonedInstant, type IsoDate, type NodeClock } from './business-calendar.ts'

/** Business days between the node's working day and the ship day, per service level. */
export const SHIP_DAYS_AFTER_WORKING_DAY: Record<ServiceLevel, number> = { SAME_DAY: 0, EXPRESS: 1, STANDARD: 2 }

/**
 * Promised ship-by: the node's cut-off on the ship day. The ship day counts from the node's working day
 * (today before cut-off on a business day, else the next business day): SAME_DAY ships that day, EXPRESS one
 * business day later, STANDARD two. Weekends and holidays (network-wide or the node's own) never count.
 */
export function computeShipBy(input: { placedAt: Date; serviceLevel: ServiceLevel; node: NodeClock; holidays: ReadonlySet<IsoDate> }): Date {
  const { day } = workingDay(input.placedAt, input.node, input.holidays)
  const shipDay = addBusinessDays(day, SHIP_DAYS_AFTER_WORKING_DAY[input.serviceLevel], input.holidays)
  return zonedInstant(shipDay, input.node.cutoffMinutes, input.node.timezone)
}

/** Base urgency per service level (lower = more urgent). */
export const SERVICE_LEVEL_PRIORITY: Record<ServiceLevel, number> = { SAME_DAY: 10, EXPRESS: 30, STANDARD: 60 }

/**
 * Priority (1 = most urgent, 100 = least): the service level's base, minus one point per 4 hours of age
 * (at most 20, so old orders are not starved), minus a risk bonus as the ship-by approaches
 * (10 within a day, 20 within 4 hours, 30 once late).
 */
export function computePriority(input: { serviceLevel: ServiceLevel; placedAt: Date; shipBy: Date | null; now: Date }): number {
  const ageHours = Math.max(0, (input.now.getTime() - input.placedAt.getTime()) / 3_600_000)
  const agePoints = Math.min(20, Math.floor(ageHours / 4))
  let riskPoints = 0
  if (input.shipBy) {
    const hoursLeft = (input.shipBy.getTime() - input.now.getTime()) / 3_600_000
    riskPoints = hoursLeft <= 0 ? 30 : hoursLeft <= 4 ? 20 : hoursLeft <= 24 ? 10 : 0
  }
  return Math.max(1, Math.min(100, SERVICE_LEVEL_PRIORITY[input.serviceLevel] - agePoints - riskPoints))
}
