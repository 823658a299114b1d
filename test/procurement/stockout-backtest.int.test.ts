import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemo } from '../../prisma/seed/seed-demo.ts'
import stockout from '../../apps/api/src/backtests/stockout.backtest.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'

// The back-test of the stockout risk on a quarter-scale demo history (5,000 orders over 90 days): the forecast must beat
// always predicting the base rate. `npm run backtest -- stockout` runs the same on the full demo.
describe('stockout-risk back-test', () => {
  let d: TestDatabase
  beforeAll(async () => {
    d = await createTestDatabase()
    await seedDemo(d.db, { seed: 42, scale: 0.25, now: new Date('2026-11-27T10:00:00Z') })
    await d.db.sql.exec('ANALYZE')
  }, 300_000)
  afterAll(async () => d?.drop())

  it('forecasts P(stockout within the lead time) from each day\'s knowledge with a Brier skill score above 0', { timeout: 600_000 }, async () => {
    const result = await stockout.run(d.db, {})
    const s = result.score
    expect(s.forecasts).toBeGreaterThan(5_000)
    expect(s.events).toBeGreaterThan(20)
    expect(s.brierSkillScore).not.toBeNull()
    expect(s.brierSkillScore!).toBeGreaterThan(0)
    // Calibrated where it matters: forecasts above the threshold come true far more often than the base rate.
    expect(s.precision!).toBeGreaterThan(5 * s.baseRate)
  })
})
