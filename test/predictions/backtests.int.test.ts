import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemo } from '../../prisma/seed/seed-demo.ts'
import sla from '../../apps/api/src/backtests/sla.backtest.ts'
import counts from '../../apps/api/src/backtests/counts.backtest.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'

// A fifth of the demo (4,000 orders; the counts are as many as at full scale): enough history to learn from, quick to seed.
const SCALE = 0.2
const NOW = new Date('2026-11-27T10:00:00Z')

describe('back-tests on the demo history (one fifth of the orders)', () => {
  let d: TestDatabase
  beforeAll(async () => {
    d = await createTestDatabase()
    await seedDemo(d.db, { seed: 42, scale: SCALE, now: NOW })
  }, 180_000)
  afterAll(async () => d?.drop())

  it('SLA-miss risk beats the base rate on orders it had never seen, and ranks far better than the release rule alone', async () => {
    const { score, figures } = await sla.run(d.db, {})
    expect(score.forecasts).toBeGreaterThan(5_000)
    expect(score.events).toBeGreaterThan(100)
    expect(score.brierSkillScore).toBeGreaterThan(0)
    expect(score.recall).toBeGreaterThan(figures!.ruleRecall)
    // Calibrated where it matters: the forecasts of 0.8 and above mostly came true, those below 0.2 rarely.
    const [low, , , , high] = score.calibration
    expect(low.observedRate!).toBeLessThan(0.2)
    expect(high.observedRate!).toBeGreaterThan(0.6)
  })

  it('count priority beats the base rate and finds far more than a tenth of real variances in its top decile', async () => {
    const { score, figures } = await counts.run(d.db, {})
    expect(score.forecasts).toBeGreaterThan(100)
    expect(score.events).toBeGreaterThan(20)
    expect(score.brierSkillScore).toBeGreaterThan(0)
    expect(figures!.topDecileShare).toBeGreaterThan(0.2)
  })
})
