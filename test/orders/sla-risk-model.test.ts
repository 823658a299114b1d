import { describe, expect, it } from 'vitest'
import { SETTING_DEFAULTS, SlaHistoryIndex, estimateSlaRisk, type HistoryCell, type OpenOrderSnapshot, type SlaRiskSettings } from '@ops-hub/domain'

const settings = SETTING_DEFAULTS['orders.slaRisk'] as SlaRiskSettings
const window = { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-10-29T00:00:00Z') }
const order: OpenOrderSnapshot = {
  orderId: 1, status: 'RELEASED', node: 'MAIN', serviceLevel: 'EXPRESS', band: 2, queue: 'RELEASED', shipBy: new Date('2026-10-29T03:00:00Z'), hoursLeft: 3,
  fulfillmentState: 'RELEASED', backlogAhead: null, releaseRoom: 120, dailyCapacity: 700, releaseRuleAtRisk: true,
}
const cell = (c: Partial<HistoryCell> & Pick<HistoryCell, 'observations' | 'misses'>): HistoryCell => ({
  status: 'RELEASED', node: 'MAIN', serviceLevel: 'EXPRESS', band: 2, queue: 'RELEASED', orders: c.observations, ...c,
})

describe('SLA-miss risk estimate (the fallback hierarchy, by hand)', () => {
  it('uses the most specific cell with enough history, shrunk toward the next coarser one', () => {
    const history = new SlaHistoryIndex(
      [cell({ observations: 40, misses: 30 }), cell({ serviceLevel: 'STANDARD', observations: 60, misses: 6 }), cell({ status: 'ALLOCATED', band: 7, queue: 'WITHIN_TODAY', observations: 100, misses: 0 })],
      settings,
      window,
    )
    const r = estimateSlaRisk(order, history)
    expect(r.basis).toMatchObject({ level: 'STATUS_NODE_SERVICE_TIME_QUEUE', observations: 40, misses: 30 })
    // Coarser levels by hand: ALL 36/200 = 0.18; TIME (band 2) 36/100 -> (36 + 20 x 0.18) / 120 = 0.33;
    // STATUS_TIME and STATUS_TIME_QUEUE hold the same 100 -> (36 + 20 p) / 120 each; STATUS_NODE_TIME_QUEUE likewise.
    let p = 36 / 200
    for (let level = 0; level < 4; level++) p = (36 + 20 * p) / 120
    expect(r.basis.priorRate).toBeCloseTo(p, 4)
    expect(r.probability).toBeCloseTo((30 + 20 * p) / (40 + 20), 4)
    expect(r.terms.find((t) => t.name === 'releaseRuleAtRisk')).toMatchObject({ value: 'yes', number: 1 })
  })

  it('falls back a level when the specific cell has fewer than minObservations moments', () => {
    const history = new SlaHistoryIndex([cell({ observations: 10, misses: 10 }), cell({ serviceLevel: 'STANDARD', observations: 90, misses: 0 })], settings, window)
    const r = estimateSlaRisk(order, history)
    expect(r.basis).toMatchObject({ level: 'STATUS_NODE_TIME_QUEUE', observations: 100, misses: 10 })
  })

  it('says an order past its ship-by has missed it, and gives no number with no history at all', () => {
    const history = new SlaHistoryIndex([], settings, window)
    expect(estimateSlaRisk({ ...order, hoursLeft: -2 }, history)).toMatchObject({ probability: 1, basis: { level: 'PAST_SHIP_BY' } })
    expect(estimateSlaRisk(order, history)).toMatchObject({ probability: null, basis: { level: 'NO_HISTORY' } })
  })
})
