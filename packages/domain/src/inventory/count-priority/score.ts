import type { AbcClass } from '@ops-hub/db'
import { scoreConfidence, type ConfidenceParams } from '../confidence.ts'
import type { CountPriorityInputs } from './inputs.ts'

export const COUNT_PRIORITY_TERMS = ['lowConfidence', 'valueAtRisk', 'varianceHistory', 'daysSinceCount', 'anomalies'] as const
export type CountPriorityTermName = (typeof COUNT_PRIORITY_TERMS)[number]

/** What count priority reads from settings ('inventory.countPriority'), with the ABC count intervals and confidence parameters. */
export interface CountPrioritySettings {
  weights: Record<CountPriorityTermName, number>
  valueScale: number
  variancePseudoCounts: number
  anomaliesForFull: number
  daysForFull: number
  calibrationDays: number
  curveRidge: number
}

export interface CountPriorityParams {
  settings: CountPrioritySettings
  countIntervalDays: Record<AbcClass, number>
  confidence: ConfidenceParams
}

export interface CountPriorityTerm {
  name: CountPriorityTermName
  /** 0..1: how strongly this term calls for a count. */
  value: number
  weight: number
  /** weight x value / sum of weights: its share of the score. */
  contribution: number
  /** The raw input behind the value (confidence, dollars, share of counts, days, flags). */
  input: number
  explanation: string
}

export interface CountPriorityScore {
  positionId: number
  at: Date
  /** 0..1, the sum of the terms' contributions. */
  score: number
  confidence: number
  valueAtRisk: number
  daysSinceCount: number
  terms: CountPriorityTerm[]
}

const DAY = 86_400_000
const clamp01 = (n: number) => Math.min(1, Math.max(0, n))
const round = (n: number, d = 4) => Math.round(n * 10 ** d) / 10 ** d
const money = (n: number) => `$${n.toLocaleString('en-US', { maximumFractionDigits: 0 })}`

/**
 * The count priority of one position at one moment: a weighted mean of five terms, each 0..1 (weights in settings).
 *  - lowConfidence = 1 - inventory confidence (scoreConfidence on the inputs as they stood then).
 *  - valueAtRisk = log(1 + onHand x unit cost) / log(1 + valueScale), capped at 1: dollars that a wrong book misstates.
 *  - varianceHistory = (counts that found a variance + k x location share) / (counts + k): the position's own record,
 *    shrunk toward its location's when it has few counts.
 *  - daysSinceCount = days since the last count (or since the position was created) / daysForFull, capped at 1: the
 *    time errors have had to pile up, whatever the class (how overdue it is for its class is in the confidence).
 *  - anomalies = anomaly-flagged adjustments since the last count / anomaliesForFull, capped at 1.
 */
export function scoreCountPriority(i: CountPriorityInputs, p: CountPriorityParams): CountPriorityScore {
  const s = p.settings
  const confidence = scoreConfidence(i.confidence, i.at, p.confidence).score
  const value = Math.max(0, i.onHand) * i.unitCost
  const locationShare = i.locationCounts > 0 ? i.locationCountsWithVariance / i.locationCounts : 0
  const k = s.variancePseudoCounts
  const history = (i.countsWithVariance + k * locationShare) / (i.counts + k)
  const since = i.confidence.lastCountedAt ?? i.confidence.createdAt
  const days = Math.max(0, (i.at.getTime() - since.getTime()) / DAY)
  const interval = p.countIntervalDays[i.abcClass]
  const raw: Array<Omit<CountPriorityTerm, 'weight' | 'contribution'>> = [
    { name: 'lowConfidence', value: 1 - confidence, input: confidence, explanation: `Inventory confidence ${confidence.toFixed(3)}` },
    {
      name: 'valueAtRisk',
      value: clamp01(Math.log1p(value) / Math.log1p(s.valueScale)),
      input: round(value, 2),
      explanation: `${Math.max(0, i.onHand)} on hand x ${money(i.unitCost)} = ${money(value)} (log scale to ${money(s.valueScale)})`,
    },
    {
      name: 'varianceHistory',
      value: history,
      input: i.counts,
      explanation: `${i.countsWithVariance} of ${i.counts} earlier counts found a variance; the location's share ${(locationShare * 100).toFixed(1)}% weighs as ${k} counts`,
    },
    {
      name: 'daysSinceCount',
      value: clamp01(days / s.daysForFull),
      input: round(days, 1),
      explanation: `${i.confidence.lastCountedAt ? 'Counted' : 'Never counted; created'} ${days.toFixed(1)} days ago (full at ${s.daysForFull}); class ${i.abcClass} is due every ${interval} days`,
    },
    {
      name: 'anomalies',
      value: clamp01(i.anomaliesSinceCount / s.anomaliesForFull),
      input: i.anomaliesSinceCount,
      explanation: `${i.anomaliesSinceCount} anomaly-flagged adjustment(s) since the last count`,
    },
  ]
  const total = COUNT_PRIORITY_TERMS.reduce((sum, n) => sum + s.weights[n], 0) || 1
  const terms = raw.map((t) => ({ ...t, value: round(t.value), weight: s.weights[t.name], contribution: round((s.weights[t.name] * t.value) / total) }))
  return {
    positionId: i.positionId,
    at: i.at,
    score: round(terms.reduce((sum, t) => sum + (t.weight * t.value) / total, 0)),
    confidence,
    valueAtRisk: round(value, 2),
    daysSinceCount: round(days, 1),
    terms,
  }
}

/** A past count with the score its position had just before it, and whether it found a variance. */
export interface ScoredCount {
  score: number
  foundVariance: boolean
}

export interface VarianceChance {
  /** Probability that counting the position now finds a variance (counted differs from the book); null with no past counts. */
  probability: number | null
  /** The fitted curve P = 1 / (1 + exp(-(intercept + slope x score))); null with no past counts. */
  intercept: number | null
  slope: number | null
  /** The past counts it was fitted on, and how many of them found a variance. */
  counts: number
  countsWithVariance: number
}

/** Curve of the hub's own counts: logistic fit of "found a variance" on the score just before each count. */
export interface VarianceCurve {
  intercept: number
  slope: number
  counts: number
  countsWithVariance: number
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x))

/**
 * Fits P(variance | score) = 1 / (1 + exp(-(a + b x score))) to past counts by maximum likelihood (Newton's method),
 * with a ridge penalty `ridge` x b^2 / 2 so that a handful of counts cannot make the curve a step. Null with no counts.
 */
export function fitVarianceCurve(past: ScoredCount[], ridge = 1): VarianceCurve | null {
  const n = past.length
  if (n === 0) return null
  const k = past.reduce((m, c) => m + (c.foundVariance ? 1 : 0), 0)
  // Laplace-smoothed base rate: a start that is finite even when every count found (or missed) a variance.
  let a = Math.log((k + 0.5) / (n - k + 0.5))
  let b = 0
  for (let iter = 0; iter < 50; iter++) {
    let ga = 0, gb = -ridge * b, haa = 0, hab = 0, hbb = ridge
    for (const c of past) {
      const p = logistic(a + b * c.score)
      const y = c.foundVariance ? 1 : 0
      const w = p * (1 - p)
      ga += y - p
      gb += (y - p) * c.score
      haa += w
      hab += w * c.score
      hbb += w * c.score * c.score
    }
    // A tiny floor keeps the step finite when every count agrees (the intercept then only creeps toward 0 or 1).
    haa += 1e-6
    const det = haa * hbb - hab * hab
    if (!(det > 0)) break
    const da = (hbb * ga - hab * gb) / det
    const db = (haa * gb - hab * ga) / det
    a += Math.max(-5, Math.min(5, da))
    b += Math.max(-5, Math.min(5, db))
    if (Math.abs(da) < 1e-9 && Math.abs(db) < 1e-9) break
  }
  return { intercept: round(a, 6), slope: round(b, 6), counts: n, countsWithVariance: k }
}

/** Reads a score as the chance that a count finds a variance, on the curve fitted to the hub's own counts. */
export function varianceChance(score: number, curve: VarianceCurve | null): VarianceChance {
  if (!curve) return { probability: null, intercept: null, slope: null, counts: 0, countsWithVariance: 0 }
  return { probability: round(logistic(curve.intercept + curve.slope * score)), ...curve }
}
