import { describe, expect, it } from 'vitest'
import { inverseNormalCdf, normalCdf, normalLoss, reorderPolicy, roundOrderQuantity, stockoutRisk } from '@ops-hub/domain'

describe('the normal distribution behind service levels and stockout risk', () => {
  it('gives the tabulated z of any service level (REFERENCES.md) and inverts Φ', () => {
    expect(inverseNormalCdf(0.9)).toBeCloseTo(1.2816, 4)
    expect(inverseNormalCdf(0.95)).toBeCloseTo(1.6449, 4)
    expect(inverseNormalCdf(0.98)).toBeCloseTo(2.0537, 4)
    expect(inverseNormalCdf(0.99)).toBeCloseTo(2.3263, 4)
    expect(inverseNormalCdf(0.5)).toBe(0)
    for (const p of [1e-12, 0.001, 0.025, 0.3, 0.5, 0.8413, 0.97, 0.999, 1 - 1e-10]) expect(normalCdf(inverseNormalCdf(p))).toBeCloseTo(p, 14)
    expect(() => inverseNormalCdf(1)).toThrow(RangeError)
    expect(normalCdf(0)).toBe(0.5)
    expect(normalCdf(-40)).toBe(0)
    expect(normalCdf(40)).toBe(1)
    expect(normalLoss(0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 15)
  })

  it('rounds an order up to a whole unit, then to the MOQ, then to whole packs', () => {
    expect(roundOrderQuantity(12.2, 25, 6)).toBe(30)
    expect(roundOrderQuantity(31.0001, 25, 6)).toBe(36)
    expect(roundOrderQuantity(3, 1, 1)).toBe(3)
    expect(roundOrderQuantity(0.2, 1, 12)).toBe(12)
  })

  it('without variability the risk is certain either way, and nothing is ordered above the reorder point', () => {
    expect(stockoutRisk(5, { dailyDemandMean: 1, dailyDemandStdDev: 0, leadTimeMeanDays: 10, leadTimeStdDevDays: 0 })).toMatchObject({ probability: 1, expectedShortageUnits: 5 })
    expect(stockoutRisk(15, { dailyDemandMean: 1, dailyDemandStdDev: 0, leadTimeMeanDays: 10, leadTimeStdDevDays: 0 })).toMatchObject({ probability: 0, expectedShortageUnits: 0 })
    const idle = reorderPolicy({
      dailyDemandMean: 0, dailyDemandStdDev: 0, leadTimeMeanDays: 10, leadTimeStdDevDays: 2, serviceLevel: 0.9, reviewPeriodDays: 7,
      onHand: 4, damaged: 0, qualityControl: 0, reserved: 0, incoming: 0, inTransit: 0, backordered: 0, minimumOrderQuantity: 10, packSize: 5,
    })
    expect(idle).toMatchObject({ reorderPoint: 0, belowReorderPoint: false, suggestedQuantity: 0, probability: 0 })
  })
})
