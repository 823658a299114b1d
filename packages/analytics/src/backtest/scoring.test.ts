import { describe, expect, it } from 'vitest'
import { scoreForecasts } from './scoring.ts'

describe('scoreForecasts', () => {
  it('scores forecasts by hand-checkable figures: Brier, skill against the base rate, bins, precision and recall', () => {
    const s = scoreForecasts(
      [
        { p: 0.9, y: 1 },
        { p: 0.7, y: 1 },
        { p: 0.6, y: 0 },
        { p: 0.1, y: 0 },
      ],
      0.5,
    )
    // (0.01 + 0.09 + 0.36 + 0.01) / 4
    expect(s.brierScore).toBeCloseTo(0.1175, 10)
    // base rate 0.5: every forecast is off by 0.5
    expect(s.baseRateBrierScore).toBeCloseTo(0.25, 10)
    expect(s.brierSkillScore).toBeCloseTo(1 - 0.1175 / 0.25, 10)
    expect(s.precision).toBeCloseTo(2 / 3, 10)
    expect(s.recall).toBe(1)
    expect(s.calibration.map((b) => b.count)).toEqual([1, 0, 0, 2, 1])
    expect(s.calibration[3].meanForecast).toBeCloseTo(0.65, 10)
    expect(s.calibration[3].observedRate).toBe(0.5)
  })

  it('has no skill score when every outcome was the same, and refuses an empty back-test', () => {
    expect(scoreForecasts([{ p: 0.2, y: 0 }], 0.5).brierSkillScore).toBeNull()
    expect(() => scoreForecasts([], 0.5)).toThrow(/No forecasts/)
  })
})
