import type { HistoryCell, OpenOrderSnapshot, SlaRiskSettings, SnapshotFeatures } from './snapshots.ts'

/**
 * The fallback hierarchy, most specific first: a cell with too little history gives way to the next level, which
 * drops one feature. The last level is the whole history (the base rate).
 */
export const SLA_RISK_LEVELS = [
  { level: 'STATUS_NODE_SERVICE_TIME_QUEUE', keys: ['status', 'node', 'serviceLevel', 'band', 'queue'] },
  { level: 'STATUS_NODE_TIME_QUEUE', keys: ['status', 'node', 'band', 'queue'] },
  { level: 'STATUS_TIME_QUEUE', keys: ['status', 'band', 'queue'] },
  { level: 'STATUS_TIME', keys: ['status', 'band'] },
  { level: 'TIME', keys: ['band'] },
  { level: 'ALL', keys: [] },
] as const satisfies ReadonlyArray<{ level: string; keys: ReadonlyArray<keyof SnapshotFeatures> }>

export type SlaRiskLevel = (typeof SLA_RISK_LEVELS)[number]['level'] | 'PAST_SHIP_BY' | 'NO_HISTORY'

export interface SlaRiskBasis {
  /** Which cell of the hierarchy the estimate comes from (PAST_SHIP_BY: already missed; NO_HISTORY: nothing to learn from). */
  level: SlaRiskLevel
  /** The cell, e.g. "status RELEASED, node MAIN, STANDARD, 2-4 h left, released". */
  cell: string
  /** Order-moments of history in the cell, and how many of them were still open at their ship-by. */
  observations: number
  misses: number
  /** Distinct orders behind those moments. */
  orders: number
  /** The rate the estimate is shrunk toward (the next coarser level's estimate); null at the top of the hierarchy. */
  priorRate: number | null
  pseudoCount: number
  /** History window: origins in [from, to) every stepHours. */
  from: Date
  to: Date
}

export interface SlaRiskTerm {
  name: string
  value: string
  /** The number behind the value when it is one (hours, units, a rate). */
  number: number | null
}

export interface SlaRisk {
  orderId: number
  shipBy: Date
  /** Probability that the order is still open (neither shipped in full nor cancelled) at its ship-by. Null with no history. */
  probability: number | null
  basis: SlaRiskBasis
  terms: SlaRiskTerm[]
}

interface Tally {
  observations: number
  misses: number
  orders: number
}

/** The history summed per cell of every level of the hierarchy, for lookups by an order's features. */
export class SlaHistoryIndex {
  private readonly tallies: Array<Map<string, Tally>>

  constructor(
    cells: HistoryCell[],
    readonly settings: SlaRiskSettings,
    readonly window: { from: Date; to: Date },
  ) {
    this.tallies = SLA_RISK_LEVELS.map(({ keys }) => {
      const m = new Map<string, Tally>()
      for (const c of cells) {
        const k = keyOf(c, keys)
        const t = m.get(k) ?? { observations: 0, misses: 0, orders: 0 }
        t.observations += c.observations
        t.misses += c.misses
        // Distinct orders of finer cells may overlap (an order moves between bands): the sum is an upper bound.
        t.orders += c.orders
        m.set(k, t)
      }
      return m
    })
  }

  /** The tally of the cell holding `f` at hierarchy level `i`. */
  tally(i: number, f: SnapshotFeatures): Tally {
    return this.tallies[i].get(keyOf(f, SLA_RISK_LEVELS[i].keys)) ?? { observations: 0, misses: 0, orders: 0 }
  }

  /**
   * The estimate at level `i`: the cell's miss rate shrunk toward level i+1's estimate with `pseudoCount` moments,
   * (misses + k * prior) / (observations + k); the top level (all history) is its plain rate.
   */
  rate(i: number, f: SnapshotFeatures): { rate: number | null; prior: number | null } {
    const t = this.tally(i, f)
    if (i === SLA_RISK_LEVELS.length - 1) return { rate: t.observations > 0 ? t.misses / t.observations : null, prior: null }
    const prior = this.rate(i + 1, f).rate
    if (prior === null) return { rate: null, prior: null }
    const k = this.settings.pseudoCount
    return { rate: (t.misses + k * prior) / (t.observations + k), prior }
  }
}

function keyOf(f: SnapshotFeatures, keys: ReadonlyArray<keyof SnapshotFeatures>): string {
  return keys.map((k) => String(f[k])).join('|')
}

export function bandLabel(band: number, edges: readonly number[]): string {
  const lo = band <= 1 ? 0 : edges[band - 2]
  const hi = band - 1 < edges.length ? edges[band - 1] : null
  return hi === null ? `${lo}+ h left` : `${lo}-${hi} h left`
}

const QUEUE_LABEL: Record<string, string> = {
  WITHIN_TODAY: 'releasable within today’s capacity',
  NEXT_DAY: 'queue ahead fills today’s capacity',
  LATER: 'queue ahead exceeds a full day of capacity',
  RELEASED: 'released',
  UNROUTED: 'not routed to a node',
}

function describeCell(f: SnapshotFeatures, keys: ReadonlyArray<keyof SnapshotFeatures>, edges: readonly number[]): string {
  if (keys.length === 0) return 'all open orders'
  return keys
    .map((k) =>
      k === 'band' ? bandLabel(f.band, edges) : k === 'queue' ? QUEUE_LABEL[f.queue] : k === 'status' ? `status ${f.status}` : k === 'node' ? `node ${f.node}` : f.serviceLevel,
    )
    .join(', ')
}

const round = (n: number, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits

/**
 * The SLA-miss risk of one open order: the share of past order-moments like it (same status, node, service level,
 * time-left band and place in the release queue) that were still open at their ship-by, taken from the most specific
 * cell with at least `minObservations` moments and shrunk toward the next coarser cell. An order already past its
 * ship-by has missed it (probability 1).
 */
export function estimateSlaRisk(o: OpenOrderSnapshot, history: SlaHistoryIndex): SlaRisk {
  const s = history.settings
  const terms: SlaRiskTerm[] = [
    { name: 'status', value: o.status, number: null },
    { name: 'node', value: o.node, number: null },
    { name: 'serviceLevel', value: o.serviceLevel, number: null },
    { name: 'shipBy', value: o.shipBy.toISOString(), number: null },
    { name: 'hoursLeft', value: o.hoursLeft.toFixed(1), number: round(o.hoursLeft, 2) },
    { name: 'timeLeftBand', value: o.hoursLeft < 0 ? 'past ship-by' : bandLabel(o.band, s.timeLeftBandsHours), number: o.band },
    { name: 'fulfillmentState', value: o.fulfillmentState ?? 'UNROUTED', number: null },
    { name: 'backlogAhead', value: o.backlogAhead === null ? 'n/a' : String(o.backlogAhead), number: o.backlogAhead },
    { name: 'releaseRoomToday', value: o.releaseRoom === null ? 'n/a' : String(o.releaseRoom), number: o.releaseRoom },
    { name: 'dailyCapacity', value: o.dailyCapacity === null ? 'n/a' : String(o.dailyCapacity), number: o.dailyCapacity },
    { name: 'releaseQueue', value: o.queue, number: null },
    // The rule the release queue applies on its own (ship-by by the node's next cut-off): kept beside the probability.
    { name: 'releaseRuleAtRisk', value: o.releaseRuleAtRisk ? 'yes' : 'no', number: o.releaseRuleAtRisk ? 1 : 0 },
  ]
  const base = { pseudoCount: s.pseudoCount, from: history.window.from, to: history.window.to }
  if (o.hoursLeft < 0) {
    return {
      orderId: o.orderId,
      shipBy: o.shipBy,
      probability: 1,
      basis: { level: 'PAST_SHIP_BY', cell: 'ship-by already passed', observations: 0, misses: 0, orders: 0, priorRate: null, ...base },
      terms,
    }
  }
  let i = SLA_RISK_LEVELS.findIndex((_, j) => history.tally(j, o).observations >= s.minObservations)
  if (i < 0) i = SLA_RISK_LEVELS.length - 1
  const t = history.tally(i, o)
  const { rate, prior } = history.rate(i, o)
  const level = SLA_RISK_LEVELS[i]
  if (rate === null) {
    return {
      orderId: o.orderId,
      shipBy: o.shipBy,
      probability: null,
      basis: { level: 'NO_HISTORY', cell: 'no order history in the window', observations: 0, misses: 0, orders: 0, priorRate: null, ...base },
      terms,
    }
  }
  return {
    orderId: o.orderId,
    shipBy: o.shipBy,
    probability: round(rate),
    basis: {
      level: level.level,
      cell: describeCell(o, level.keys, s.timeLeftBandsHours),
      observations: t.observations,
      misses: t.misses,
      orders: t.orders,
      priorRate: prior === null ? null : round(prior),
      ...base,
    },
    terms,
  }
}
