import type { AdjustmentModel as Adjustment, Tx } from '@ops-hub/db'
import { getSetting } from '../settings/settings.ts'
import { openException } from '../exceptions/commands/open-exception.ts'

export type AnomalyFlag = 'SIZE_OUTLIER' | 'REPEATED_NEGATIVE' | 'AFTER_COUNT' | 'OFF_HOURS'

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

/**
 * Robust z-score of x against a sample: 0.6745 (x - median) / MAD, which a few huge past adjustments cannot
 * inflate the way a standard deviation would. When MAD is 0 (most past sizes identical) the mean absolute
 * deviation stands in (scaled by 1.2533 to the same units); when that is 0 too, any different size is extreme.
 */
export function robustZ(x: number, sample: number[]): number {
  const med = median(sample)
  const mad = median(sample.map((v) => Math.abs(v - med)))
  if (mad > 0) return (0.6745 * (x - med)) / mad
  const meanAd = sample.reduce((s, v) => s + Math.abs(v - med), 0) / (sample.length || 1)
  if (meanAd > 0) return (x - med) / (1.2533 * meanAd)
  return x === med ? 0 : Math.sign(x - med) * 10
}

/** Scores one adjustment: flags for each suspicious trait, and a 0..1 score combining them (1 - product of misses). */
export function scoreAnomaly(i: AnomalyInputs, s: AnomalySettings): { score: number; flags: AnomalyFlag[]; z: number | null } {
  const flags: AnomalyFlag[] = []
  const parts: number[] = []
  let z: number | null = null
  if (i.historySizes.length >= s.minHistory) {
    z = robustZ(Math.abs(i.quantityDelta), i.historySizes)
    parts.push(Math.min(1, Math.max(0, z) / (2 * s.zThreshold)))
    if (z > s.zThreshold) flags.push('SIZE_OUTLIER')
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
  return { score: Math.round(score * 1000) / 1000, flags, z: z === null ? null : Math.round(z * 100) / 100 }
}

export function localHourAt(date: Date, timeZone: string): number {
  const h = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' }).format(date)
  return Number(h) % 24
}

// Reasons a person chooses; receipts against documents and system-written counts/feeds are not judged.
const JUDGED = ['DAMAGED', 'SHRINKAGE', 'FOUND', 'CORRECTION', 'WRITE_OFF', 'QUALITY_HOLD', 'QUALITY_RELEASE'] as const

/**
 * Flags a manual adjustment that looks suspicious (outsized for its SKU, one actor writing stock down repeatedly,
 * right after a count, off hours), stores score and flags on it, and opens an ADJUSTMENT_ANOMALY exception for FINANCE.
 */
export async function flagAdjustmentAnomalies(tx: Tx, adjustment: Adjustment, now = new Date()): Promise<Adjustment> {
  if (!(JUDGED as readonly string[]).includes(adjustment.reason)) return adjustment
  const s = await getSetting(tx, 'inventory.anomaly')
  const history = await tx.adjustment.findMany({
    where: { skuId: adjustment.skuId, id: { not: adjustment.id }, reason: { in: [...JUDGED] } },
    select: { quantityDelta: true },
    orderBy: { id: 'desc' },
    take: 200,
  })
  const actorNegatives = await tx.adjustment.count({
    where: {
      requestedBy: adjustment.requestedBy,
      quantityDelta: { lt: 0 },
      reason: { in: [...JUDGED] },
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
    data: { anomalyScore: result.score, anomalyFlags: result.flags },
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
