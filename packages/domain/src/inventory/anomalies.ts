import type { AdjustmentModel as Adjustment, Tx } from '@ops-hub/db'
import { getSetting } from '../settings/settings.ts'
import { openException } from '../exceptions/commands/open-exception.ts'

/** The traits of a manual adjustment that make it worth a second look (see scoreAnomaly for each rule). */
export const ANOMALY_FLAGS = ['SIZE_OUTLIER', 'REPEATED_NEGATIVE', 'AFTER_COUNT', 'OFF_HOURS'] as const
export type AnomalyFlag = (typeof ANOMALY_FLAGS)[number]

export interface AnomalyInputs {
  quantityDelta: number
  /** Absolute sizes of earlier manual adjustments of the same SKU (any location). */
  historySizes: number[]
  /** Negative manual adjustments by the same actor within the repeat window, this one included. */
  actorNegativeCount: number
  /** Hours since the position was last counted, null if never. */
  hoursSinceCount: number | null
  /** Hour of day (0-23) at the location when the adjustment was made. */
  localHour: number
}

export interface AnomalySettings {
  zThreshold: number
  minHistory: number
  repeatCount: number
  repeatHours: number
  afterCountHours: number
  workdayStartHour: number
  workdayEndHour: number
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length === 0 ? 0 : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** How a robust z-score was scaled: by the MAD, by the mean absolute deviation when the MAD is 0, or neither. */
export type RobustZMethod = 'MAD' | 'MEAN_ABSOLUTE_DEVIATION' | 'IDENTICAL_HISTORY'

export interface RobustZDetail {
  z: number
  median: number
  /** Median absolute deviation from the median. */
  mad: number
  meanAbsoluteDeviation: number
  method: RobustZMethod
}

/**
 * Robust z-score of x against a sample (Iglewicz and Hoaglin's modified z-score): M = 0.6745 (x - median) / MAD,
 * which a few huge past values cannot inflate the way a standard deviation would. When MAD is 0 (most past values
 * identical) the mean absolute deviation stands in, M = (x - median) / (1.2533 x meanAD); when that is 0 too, any
 * different value is extreme (+-10).
 */
export function robustZDetail(x: number, sample: number[]): RobustZDetail {
  const med = median(sample)
  const mad = median(sample.map((v) => Math.abs(v - med)))
  const meanAd = sample.reduce((s, v) => s + Math.abs(v - med), 0) / (sample.length || 1)
  if (mad > 0) return { z: (0.6745 * (x - med)) / mad, median: med, mad, meanAbsoluteDeviation: meanAd, method: 'MAD' }
  if (meanAd > 0) return { z: (x - med) / (1.2533 * meanAd), median: med, mad, meanAbsoluteDeviation: meanAd, method: 'MEAN_ABSOLUTE_DEVIATION' }
  return { z: x === med ? 0 : Math.sign(x - med) * 10, median: med, mad, meanAbsoluteDeviation: meanAd, method: 'IDENTICAL_HISTORY' }
}

export function robustZ(x: number, sample: number[]): number {
  return robustZDetail(x, sample).z
}

/** Every input of an anomaly score and its rules' thresholds, stored with the adjustment so it can be rechecked by hand. */
export interface AnomalyEvidence {
  /** |quantityDelta|: what the robust z-score measures. */
  size: number
  historySize: number
  median: number | null
  mad: number | null
  meanAbsoluteDeviation: number | null
  robustZMethod: RobustZMethod | null
  robustZ: number | null
  zThreshold: number
  minHistory: number
  actorNegativeCount: number
  repeatCount: number
  repeatHours: number
  hoursSinceCount: number | null
  afterCountHours: number
  localHour: number
  workdayStartHour: number
  workdayEndHour: number
}

const r2 = (n: number) => Math.round(n * 100) / 100

/**
 * Scores one adjustment: a flag per suspicious trait, and a 0..1 score combining them (1 - product of misses).
 *  - SIZE_OUTLIER: |M| > zThreshold (3.5), M the robust z-score of its size against the SKU's earlier manual
 *    adjustments (at least minHistory of them) - far larger, or far smaller, than this SKU's usual corrections.
 *  - REPEATED_NEGATIVE: a write-down by an actor with repeatCount or more write-downs within repeatHours.
 *  - AFTER_COUNT: made within afterCountHours of the position's last count (the count should have settled it).
 *  - OFF_HOURS: made outside the location's working hours [workdayStartHour, workdayEndHour).
 */
export function scoreAnomaly(i: AnomalyInputs, s: AnomalySettings): { score: number; flags: AnomalyFlag[]; z: number | null; evidence: AnomalyEvidence } {
  const flags: AnomalyFlag[] = []
  const parts: number[] = []
  const size = Math.abs(i.quantityDelta)
  const robust = i.historySizes.length >= s.minHistory ? robustZDetail(size, i.historySizes) : null
  if (robust) {
    parts.push(Math.min(1, Math.abs(robust.z) / (2 * s.zThreshold)))
    if (Math.abs(robust.z) > s.zThreshold) flags.push('SIZE_OUTLIER')
  }
  if (i.quantityDelta < 0 && i.actorNegativeCount >= s.repeatCount) {
    flags.push('REPEATED_NEGATIVE')
    parts.push(0.5)
  }
  if (i.hoursSinceCount !== null && i.hoursSinceCount <= s.afterCountHours) {
    flags.push('AFTER_COUNT')
    parts.push(0.4)
  }
  if (i.localHour < s.workdayStartHour || i.localHour >= s.workdayEndHour) {
    flags.push('OFF_HOURS')
    parts.push(0.3)
  }
  const score = 1 - parts.reduce((p, v) => p * (1 - v), 1)
  const z = robust === null ? null : r2(robust.z)
  return {
    score: Math.round(score * 1000) / 1000,
    flags,
    z,
    evidence: {
      size,
      historySize: i.historySizes.length,
      median: robust?.median ?? null,
      mad: robust?.mad ?? null,
      meanAbsoluteDeviation: robust === null ? null : r2(robust.meanAbsoluteDeviation),
      robustZMethod: robust?.method ?? null,
      robustZ: z,
      zThreshold: s.zThreshold,
      minHistory: s.minHistory,
      actorNegativeCount: i.actorNegativeCount,
      repeatCount: s.repeatCount,
      repeatHours: s.repeatHours,
      hoursSinceCount: i.hoursSinceCount === null ? null : r2(i.hoursSinceCount),
      afterCountHours: s.afterCountHours,
      localHour: i.localHour,
      workdayStartHour: s.workdayStartHour,
      workdayEndHour: s.workdayEndHour,
    },
  }
}

export function localHourAt(date: Date, timeZone: string): number {
  const h = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' }).format(date)
  return Number(h) % 24
}

// Reasons a person chooses; receipts against documents and system-written counts/feeds are not judged.
export const JUDGED_REASONS = ['DAMAGED', 'SHRINKAGE', 'FOUND', 'CORRECTION', 'WRITE_OFF', 'QUALITY_HOLD', 'QUALITY_RELEASE'] as const

/**
 * Flags a manual adjustment that looks suspicious (outsized for its SKU, one actor writing stock down repeatedly,
 * right after a count, off hours), stores score and flags on it, and opens an ADJUSTMENT_ANOMALY exception for FINANCE.
 */
export async function flagAdjustmentAnomalies(tx: Tx, adjustment: Adjustment, now = new Date()): Promise<Adjustment> {
  if (!(JUDGED_REASONS as readonly string[]).includes(adjustment.reason)) return adjustment
  const s = await getSetting(tx, 'inventory.anomaly')
  const history = await tx.adjustment.findMany({
    where: { skuId: adjustment.skuId, id: { not: adjustment.id }, reason: { in: [...JUDGED_REASONS] } },
    select: { quantityDelta: true },
    orderBy: { id: 'desc' },
    take: 200,
  })
  const actorNegatives = await tx.adjustment.count({
    where: {
      requestedBy: adjustment.requestedBy,
      quantityDelta: { lt: 0 },
      reason: { in: [...JUDGED_REASONS] },
      createdAt: { gte: new Date(now.getTime() - s.repeatHours * 3_600_000) },
    },
  })
  const position = await tx.stockPosition.findUniqueOrThrow({ where: { id: adjustment.stockPositionId }, select: { lastCountedAt: true } })
  const location = await tx.location.findUniqueOrThrow({ where: { id: adjustment.locationId }, select: { timezone: true, code: true } })
  const result = scoreAnomaly(
    {
      quantityDelta: adjustment.quantityDelta,
      historySizes: history.map((h) => Math.abs(h.quantityDelta)),
      actorNegativeCount: actorNegatives,
      hoursSinceCount: position.lastCountedAt ? (now.getTime() - position.lastCountedAt.getTime()) / 3_600_000 : null,
      localHour: localHourAt(now, location.timezone),
    },
    s,
  )
  const updated = await tx.adjustment.update({
    where: { id: adjustment.id },
    data: { anomalyScore: result.score, anomalyFlags: result.flags, anomalyRobustZ: result.z, anomalyEvidence: { ...result.evidence } },
  })
  if (result.flags.length > 0) {
    await openException(tx, {
      type: 'ADJUSTMENT_ANOMALY',
      severity: result.score >= 0.7 ? 'HIGH' : 'MEDIUM',
      ownerRole: 'FINANCE',
      subjectType: 'Adjustment',
      subjectId: adjustment.id,
      stockPositionId: adjustment.stockPositionId,
      title: `Unusual adjustment ${adjustment.quantityDelta > 0 ? '+' : ''}${adjustment.quantityDelta} at ${location.code}: ${result.flags.join(', ')}`,
      detail: `Requested by ${adjustment.requestedBy}; anomaly score ${result.score}${result.z !== null ? `, robust z ${result.z}` : ''}.`,
      data: { score: result.score, flags: result.flags, robustZ: result.z, settings: s },
      dedupeKey: `adjustment-anomaly:${adjustment.id}`,
    })
  }
  return updated
}
