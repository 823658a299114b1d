import { describe, expect, it } from 'vitest'
import { SETTING_DEFAULTS, robustZDetail, scoreAnomaly, type AnomalyInputs } from '@ops-hub/domain'

const settings = SETTING_DEFAULTS['inventory.anomaly']
// An adjustment that trips no rule: usual size, a first write-down, counted two days ago, at noon.
const plain: AnomalyInputs = { quantityDelta: -3, historySizes: [2, 3, 2, 4, 3], actorNegativeCount: 1, hoursSinceCount: 48, localHour: 12 }

describe('adjustment anomaly rules (one each, each alone)', () => {
  it('computes the robust z-score M = 0.6745 (x - median) / MAD by hand', () => {
    // median 3, absolute deviations 1 0 1 1 0 -> MAD 1
    expect(robustZDetail(40, [2, 3, 2, 4, 3])).toMatchObject({ median: 3, mad: 1, method: 'MAD' })
    expect(robustZDetail(40, [2, 3, 2, 4, 3]).z).toBeCloseTo(0.6745 * 37, 10)
    // MAD 0: the mean absolute deviation stands in (x 1.2533)
    const flat = robustZDetail(9, [5, 5, 5, 5, 7])
    expect(flat).toMatchObject({ median: 5, mad: 0, method: 'MEAN_ABSOLUTE_DEVIATION' })
    expect(flat.z).toBeCloseTo(4 / (1.2533 * 0.4), 10)
  })

  it('flags nothing on an ordinary adjustment', () => {
    expect(scoreAnomaly(plain, settings)).toMatchObject({ flags: [], score: expect.any(Number) })
    expect(scoreAnomaly(plain, settings).evidence).toMatchObject({ size: 3, historySize: 5, median: 3, mad: 1, robustZ: 0 })
  })

  it('SIZE_OUTLIER: |M| above 3.5, far larger or far smaller than the SKU usually moves, and only with enough history', () => {
    const big = scoreAnomaly({ ...plain, quantityDelta: -40 }, settings)
    expect(big.flags).toEqual(['SIZE_OUTLIER'])
    expect(big.z).toBeCloseTo(24.96, 2)
    // |M| = 0.6745 * 5 = 3.37: below the threshold
    expect(scoreAnomaly({ ...plain, quantityDelta: -8 }, settings).flags).toEqual([])
    const small = scoreAnomaly({ ...plain, quantityDelta: 1, historySizes: [50, 52, 48, 51, 49] }, settings)
    expect(small.flags).toEqual(['SIZE_OUTLIER'])
    expect(small.z).toBeLessThan(-3.5)
    expect(scoreAnomaly({ ...plain, quantityDelta: -40, historySizes: [2, 3, 2, 4] }, settings)).toMatchObject({ flags: [], z: null })
  })

  it('REPEATED_NEGATIVE: the third write-down by one actor within the window, never a positive one', () => {
    expect(scoreAnomaly({ ...plain, actorNegativeCount: 3 }, settings).flags).toEqual(['REPEATED_NEGATIVE'])
    expect(scoreAnomaly({ ...plain, actorNegativeCount: 2 }, settings).flags).toEqual([])
    expect(scoreAnomaly({ ...plain, quantityDelta: 3, actorNegativeCount: 3 }, settings).flags).toEqual([])
  })

  it('AFTER_COUNT: within 24 hours of the last count', () => {
    expect(scoreAnomaly({ ...plain, hoursSinceCount: 2 }, settings).flags).toEqual(['AFTER_COUNT'])
    expect(scoreAnomaly({ ...plain, hoursSinceCount: 25 }, settings).flags).toEqual([])
    expect(scoreAnomaly({ ...plain, hoursSinceCount: null }, settings).flags).toEqual([])
  })

  it('OFF_HOURS: before 06:00 or from 22:00 local time', () => {
    expect(scoreAnomaly({ ...plain, localHour: 3 }, settings).flags).toEqual(['OFF_HOURS'])
    expect(scoreAnomaly({ ...plain, localHour: 22 }, settings).flags).toEqual(['OFF_HOURS'])
    expect(scoreAnomaly({ ...plain, localHour: 6 }, settings).flags).toEqual([])
    expect(scoreAnomaly({ ...plain, localHour: 21 }, settings).flags).toEqual([])
  })

  it('combines the traits found into one score: 1 - product of (1 - part)', () => {
    const all = scoreAnomaly({ quantityDelta: -40, historySizes: [2, 3, 2, 4, 3], actorNegativeCount: 3, hoursSinceCount: 1, localHour: 2 }, settings)
    expect(all.flags).toEqual(['SIZE_OUTLIER', 'REPEATED_NEGATIVE', 'AFTER_COUNT', 'OFF_HOURS'])
    expect(all.score).toBeCloseTo(1 - (1 - 1) * 0.5 * 0.6 * 0.7, 3)
    const two = scoreAnomaly({ ...plain, hoursSinceCount: 1, localHour: 2 }, settings)
    expect(two.score).toBeCloseTo(1 - (1 - 0) * 0.6 * 0.7, 3)
  })
})
