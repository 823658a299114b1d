import { Prisma, type PrismaClient, type Tx } from '@ops-hub/db'
import { getSetting } from '../../settings/settings.ts'
import { confidenceParams } from '../confidence.ts'
import { countPriorityInputs, type CountPriorityInputs, type PositionMoment } from './inputs.ts'
import { fitVarianceCurve, scoreCountPriority, varianceChance, type CountPriorityParams, type CountPriorityScore, type CountPrioritySettings, type ScoredCount, type VarianceChance } from './score.ts'

const DAY = 86_400_000

export async function countPriorityParams(db: Tx | PrismaClient): Promise<CountPriorityParams> {
  return {
    settings: (await getSetting(db, 'inventory.countPriority')) as CountPrioritySettings,
    countIntervalDays: await getSetting(db, 'inventory.cycleCountIntervalDays'),
    confidence: await confidenceParams(db as Tx),
  }
}

export interface CycleCountPriority extends CountPriorityScore {
  /** 1 = count first. */
  rank: number
  locationId: number
  skuId: number
  variance: VarianceChance
}

/** Which positions to rank: a location's, some by id, or every one. */
export type CountPriorityScope = { locationId: number } | { positionIds: number[] } | { all: true }

/** A past count as a calibration point: the position just before it was counted, and what the count found. */
export interface PastCount {
  positionId: number
  countedAt: Date
  foundVariance: boolean
}

/** The moment a past count is scored at: just before it was recorded (so it never sees its own result). */
export const beforeCount = (c: PastCount): PositionMoment => ({ positionId: c.positionId, at: new Date(c.countedAt.getTime() - 1000) })

/** Past counts at the given locations recorded in [from, to], with whether they found a variance. */
export async function pastCounts(db: Tx | PrismaClient, locationIds: number[] | null, from: Date, to: Date): Promise<PastCount[]> {
  const rows = await db.$queryRaw<Array<{ stock_position_id: number; counted_at: Date; variance: number }>>`
    SELECT stock_position_id, counted_at, variance FROM cycle_counts
    WHERE counted_at > ${from}::timestamptz AND counted_at <= ${to}::timestamptz AND variance IS NOT NULL
      AND (${locationIds === null} OR location_id = ANY(${locationIds ?? []}::int[]))
    ORDER BY counted_at, id`
  return rows.map((r) => ({ positionId: Number(r.stock_position_id), countedAt: new Date(r.counted_at), foundVariance: Number(r.variance) !== 0 }))
}

/** Ranks scored positions: highest score first, then the most value at risk, then the longest since counted. */
export function rankCountPriorities<T extends CountPriorityScore>(scores: T[]): Array<T & { rank: number }> {
  return [...scores]
    .sort((a, b) => b.score - a.score || b.valueAtRisk - a.valueAtRisk || b.daysSinceCount - a.daysSinceCount || a.positionId - b.positionId)
    .map((s, i) => ({ ...s, rank: i + 1 }))
}

/**
 * Every position in scope ranked by count priority as of `asOf`, each term shown with its weight, and the chance a
 * count would find a variance read from the past counts of the same locations (calibrationDays back) scored as they
 * stood just before they were counted. One set-based read for the positions and the past counts together. Used by
 * the API, by scheduleCycleCounts when capacity is short, and by the back-test.
 */
export async function cycleCountPriorities(
  db: Tx | PrismaClient,
  scope: CountPriorityScope,
  opts: { asOf?: Date; params?: CountPriorityParams } = {},
): Promise<CycleCountPriority[]> {
  const asOf = opts.asOf ?? new Date()
  const p = opts.params ?? (await countPriorityParams(db))
  const filter =
    'locationId' in scope
      ? Prisma.sql`sp.location_id = ${scope.locationId}`
      : 'positionIds' in scope
        ? Prisma.sql`sp.id = ANY(${scope.positionIds}::int[])`
        : Prisma.sql`TRUE`
  const positions = await db.$queryRaw<Array<{ id: number; location_id: number }>>`
    SELECT sp.id, sp.location_id FROM stock_positions sp JOIN skus s ON s.id = sp.sku_id
    WHERE ${filter} AND s.active AND NOT s.is_bundle AND sp.created_at <= ${asOf}::timestamptz ORDER BY sp.id`
  if (positions.length === 0) return []
  const locations = [...new Set(positions.map((r) => Number(r.location_id)))]
  const past = await pastCounts(db, locations, new Date(asOf.getTime() - p.settings.calibrationDays * DAY), asOf)
  const inputs = await countPriorityInputs(db, [...positions.map((r) => ({ positionId: Number(r.id), at: asOf })), ...past.map(beforeCount)])
  const now = inputs.filter((i) => i.at.getTime() === asOf.getTime())
  const curve = fitVarianceCurve(calibrationPoints(inputs, past, p), p.settings.curveRidge)
  return rankCountPriorities(
    now.map((i) => {
      const scored = scoreCountPriority(i, p)
      return { ...scored, locationId: i.locationId, skuId: i.skuId, variance: varianceChance(scored.score, curve) }
    }),
  )
}

/** Past counts as (score just before, variance found) pairs, from inputs that include their `beforeCount` moments. */
export function calibrationPoints(inputs: CountPriorityInputs[], past: PastCount[], p: CountPriorityParams): ScoredCount[] {
  const byMoment = new Map(inputs.map((i) => [`${i.positionId}@${i.at.getTime()}`, i]))
  return past.flatMap((c) => {
    const m = beforeCount(c)
    const i = byMoment.get(`${m.positionId}@${m.at.getTime()}`)
    return i ? [{ score: scoreCountPriority(i, p).score, foundVariance: c.foundVariance }] : []
  })
}
