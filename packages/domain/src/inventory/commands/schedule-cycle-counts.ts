import { z } from 'zod'
import { Prisma, type Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema } from '../../shared/codes.ts'
import { getSetting } from '../../settings/settings.ts'
import { cycleCountPriorities } from '../count-priority/cycle-count-priorities.ts'

export const scheduleCycleCountsInput = z.object({
  locationCode: codeSchema.nullish(),
  /** Also schedule counts falling due within this many days (plan a week of counting at once). */
  horizonDays: z.number().int().min(0).max(366).nullish(),
})

/**
 * Creates a count task for every stock position due by its ABC class frequency (A monthly, B quarterly, C yearly by
 * default, from inventory.cycleCountIntervalDays), counting from its last count (or creation), unless one is already
 * open. A location counts at most inventory.dailyCountCapacity a day: when more are due than the days of the horizon
 * leave room for (after the counts already open), it takes the due positions with the highest count priority and
 * defers the rest. No location: every location (the daily job).
 */
export async function scheduleCycleCounts(tx: Tx, rawInput: z.input<typeof scheduleCycleCountsInput>, _actor: Actor, now = new Date()) {
  const input = parseInput(scheduleCycleCountsInput, rawInput)
  let locationFilter = Prisma.sql`TRUE`
  if (input.locationCode) {
    const location = await tx.location.findUnique({ where: { code: input.locationCode } })
    if (!location) throw userError('NOT_FOUND', `No location ${input.locationCode}`, ['input', 'locationCode'])
    locationFilter = Prisma.sql`sp.location_id = ${location.id}`
  }
  // Schedulers take turns (the daily job and a planner on the same day): the NOT EXISTS below only sees counts that
  // are committed, so two at once each planned the same position's count. Once the lock is held, it sees the other's.
  await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext('ops-hub:schedule-cycle-counts'))`
  const days = await getSetting(tx, 'inventory.cycleCountIntervalDays')
  const capacity = await getSetting(tx, 'inventory.dailyCountCapacity')
  const horizonDays = input.horizonDays ?? 0
  const horizon = new Date(now.getTime() + horizonDays * 86_400_000)
  const due = await tx.$queryRaw<Array<{ id: number; location_id: number; open: number }>>`
    SELECT sp.id, sp.location_id,
      (SELECT count(*)::int FROM cycle_counts o WHERE o.location_id = sp.location_id AND o.status IN ('SCHEDULED', 'RECOUNT_REQUESTED') AND o.due_at <= ${horizon}::timestamptz) AS open
    FROM stock_positions sp
    JOIN skus s ON s.id = sp.sku_id
    CROSS JOIN LATERAL (
      SELECT COALESCE(sp.last_counted_at, sp.created_at) + make_interval(days => CASE s.abc_class
        WHEN 'A' THEN ${days.A}::int WHEN 'B' THEN ${days.B}::int ELSE ${days.C}::int END) AS at
    ) due
    WHERE ${locationFilter} AND due.at <= ${horizon}::timestamptz AND s.active
      AND NOT EXISTS (
        SELECT 1 FROM cycle_counts cc WHERE cc.stock_position_id = sp.id AND cc.status IN ('SCHEDULED', 'RECOUNT_REQUESTED', 'PENDING_APPROVAL'))
    ORDER BY sp.id`
  const chosen: number[] = []
  for (const locationId of [...new Set(due.map((d) => Number(d.location_id)))]) {
    const here = due.filter((d) => Number(d.location_id) === locationId)
    const room = Math.max(0, capacity * (horizonDays + 1) - Number(here[0].open))
    if (here.length <= room) {
      chosen.push(...here.map((d) => Number(d.id)))
      continue
    }
    const ranked = await cycleCountPriorities(tx, { positionIds: here.map((d) => Number(d.id)) }, { asOf: now })
    chosen.push(...ranked.slice(0, room).map((r) => r.positionId))
  }
  const created = chosen.length
    ? await tx.$queryRaw<Array<{ id: number }>>`
        INSERT INTO cycle_counts (stock_position_id, sku_id, location_id, status, due_at)
        SELECT sp.id, sp.sku_id, sp.location_id, 'SCHEDULED', GREATEST(${now}::timestamptz, COALESCE(sp.last_counted_at, sp.created_at) + make_interval(days => CASE s.abc_class
          WHEN 'A' THEN ${days.A}::int WHEN 'B' THEN ${days.B}::int ELSE ${days.C}::int END))
        FROM stock_positions sp JOIN skus s ON s.id = sp.sku_id
        WHERE sp.id = ANY(${chosen}::int[])
        RETURNING id`
    : []
  return { scheduled: created.length, due: due.length, deferred: due.length - created.length }
}
