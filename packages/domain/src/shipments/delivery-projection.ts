import type { PrismaClient, Tx } from '@ops-hub/db'
import { addBusinessDays, localParts, nextBusinessDay, zonedInstant, type IsoDate } from '../orders/business-calendar.ts'

/** Projections land at the end of the carrier's delivery day (20:00 local at the origin node). */
export const DELIVERY_DAY_END_MINUTES = 20 * 60

/** Network-wide holidays plus the node's own, as ISO dates (the calendar the node works by). */
export async function holidaysFor(db: Tx | PrismaClient, locationId: number | null): Promise<Set<IsoDate>> {
  if (locationId) return (await holidaysForNodes(db, [locationId])).get(locationId)!
  const rows = await db.holiday.findMany({ where: { locationId: null }, select: { date: true } })
  return new Set(rows.map((h) => h.date.toISOString().slice(0, 10)))
}

/** The calendars of several nodes (see holidaysFor) in one read: node id -> its holidays. */
export async function holidaysForNodes(db: Tx | PrismaClient, locationIds: readonly number[]): Promise<Map<number, Set<IsoDate>>> {
  const ids = [...new Set(locationIds)]
  const rows = await db.holiday.findMany({
    where: { OR: [{ locationId: null }, ...(ids.length ? [{ locationId: { in: ids } }] : [])] },
    select: { locationId: true, date: true },
  })
  const iso = (h: { date: Date }) => h.date.toISOString().slice(0, 10)
  const network = rows.filter((h) => h.locationId === null).map(iso)
  return new Map(ids.map((id) => [id, new Set([...network, ...rows.filter((h) => h.locationId === id).map(iso)])]))
}

/**
 * Projected delivery: the ship instant's local day at the origin node plus the carrier service's mean transit
 * time rounded up, counted in business days (weekends and holidays do not move parcels), at the end of that day.
 */
export function projectDelivery(input: { shippedAt: Date; transitDays: number; timezone: string; holidays: ReadonlySet<IsoDate> }): Date {
  const { date } = localParts(input.shippedAt, input.timezone)
  const day = addBusinessDays(date, Math.max(0, Math.ceil(input.transitDays)), input.holidays)
  return zonedInstant(day, DELIVERY_DAY_END_MINUTES, input.timezone)
}

/**
 * After a delivery exception the parcel cannot arrive before the next business day: the projection becomes the
 * business day after the later of the old projection and the exception, never earlier than before.
 */
export function reprojectAfterException(input: { previous: Date | null; exceptionAt: Date; timezone: string; holidays: ReadonlySet<IsoDate> }): Date {
  const base = input.previous && input.previous > input.exceptionAt ? input.previous : input.exceptionAt
  const { date } = localParts(base, input.timezone)
  return zonedInstant(nextBusinessDay(date, input.holidays), DELIVERY_DAY_END_MINUTES, input.timezone)
}
