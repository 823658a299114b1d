// The scenario lab's simulator (issue 20): the same seed gives the same report byte for byte, and the hub's rules
// oversell nothing. A short run (2 simulated days, the first at the promotion's volume) of both policies, twice.
import { describe, expect, it } from 'vitest'
import { runScenario, scenarioParams, type ScenarioReport } from '@ops-hub/simulator'

const params = scenarioParams({ scenario: 'promo-spike', days: 2, seed: 3 })
const run = () => runScenario(params, { databaseUrl: process.env.DATABASE_URL || undefined })

describe('promo-spike simulator', () => {
  let first: ScenarioReport

  it('gives byte-identical JSON for the same seed', async () => {
    first = await run()
    const second = await run()
    expect(JSON.stringify(second)).toBe(JSON.stringify(first))
    // Orders were placed and worked under both policies: the report measures a run, not an empty world.
    for (const policy of [first.hub, first.naive]) {
      expect(policy.daily.map((d) => d.day)).toEqual(['2026-03-02', '2026-03-03'])
      expect(policy.daily.reduce((s, d) => s + d.orders, 0)).toBeGreaterThan(20)
      expect(policy.kpis.onTimeShipmentRate).not.toBeNull()
    }
    // Both policies face the same customers every day; each places an order unless its channel lists none of its cart.
    expect(first.naive.daily.map((d) => d.customers)).toEqual(first.hub.daily.map((d) => d.customers))
    for (const policy of [first.hub, first.naive]) for (const d of policy.daily) expect(d.orders).toBeLessThanOrEqual(d.customers)
  }, 40 * 60_000)

  it('the hub oversells nothing; the report holds plain numbers under stable keys', () => {
    expect(first.hub.kpis.oversoldUnits).toBe(0)
    expect(first.hub.kpis.oversoldOrders).toBe(0)
    expect(Object.keys(first)).toEqual(['scenario', 'params', 'hub', 'naive'])
    expect(Object.keys(first.hub.kpis)).toEqual([
      'oversoldUnits', 'oversoldOrders', 'lostSalesUnits', 'cancellationRate', 'onTimeShipmentRate', 'otif', 'lateOpenOrders', 'orderCycleTimeP50Hours', 'orderCycleTimeP90Hours',
      'backorderUnits', 'inventoryRecordAccuracy', 'stockoutDays', 'latePurchaseOrders', 'manualAdjustments', 'exceptionsByType',
    ])
    // No wall-clock time or path in it: every date is a simulated one.
    const json = JSON.stringify(first)
    expect(json).not.toMatch(new RegExp(new Date().toISOString().slice(0, 10)))
    expect(json).not.toContain(process.cwd())
  })
})
