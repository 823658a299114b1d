import { describe, expect, it } from 'vitest'
import { ScenarioRunStatus } from '@ops-hub/db'
import { compareScenarioPolicies, reachableStates, scenarioParamsSchema, scenarioReportSchema, scenarioRunMachine, simulatorArgs } from '@ops-hub/domain'
import { scenarioReportOfShape } from '../helpers/factories/scenario-runs.ts'

describe('scenario runs: parameters, state machine, comparison', () => {
  it('the state machine covers the enum and every state is reachable', () => {
    expect([...scenarioRunMachine.states].sort()).toEqual(Object.values(ScenarioRunStatus).sort())
    expect([...reachableStates(scenarioRunMachine)].sort()).toEqual(Object.values(ScenarioRunStatus).sort())
    expect(scenarioRunMachine.nextStates('SUCCEEDED')).toEqual([])
  })

  it('parameters are bounded and become the simulator CLI arguments', () => {
    const ok = scenarioParamsSchema.parse({ days: 60, seed: 0, promoMultiplier: 10, feedIntervalHours: 48, supplierDelayDays: 0 })
    expect(simulatorArgs(ok)).toEqual(['--scenario', 'promo-spike', '--days', '60', '--seed', '0', '--promo-multiplier', '10', '--feed-hours', '48', '--supplier-delay-days', '0', '--progress-json'])
    for (const bad of [{ days: 61 }, { days: 0 }, { days: 1.5 }, { promoMultiplier: 0.9 }, { feedIntervalHours: 0 }, { supplierDelayDays: 31 }, { seed: -1 }]) {
      expect(scenarioParamsSchema.safeParse({ ...ok, ...bad }).success, JSON.stringify(bad)).toBe(false)
    }
  })

  it('each KPI row says which side is better by its direction, and exception types have no better side', () => {
    const report = scenarioReportOfShape(3)
    report.hub.kpis.oversoldUnits = 0
    report.naive.kpis.oversoldUnits = 12
    report.hub.kpis.onTimeShipmentRate = 0.9
    report.naive.kpis.onTimeShipmentRate = 0.95
    report.hub.kpis.latePurchaseOrders = 3
    report.naive.kpis.latePurchaseOrders = 3
    report.hub.kpis.inventoryRecordAccuracy = null
    report.hub.kpis.exceptionsByType = { SHORT_PICK: 2 }
    report.naive.kpis.exceptionsByType = { FEED_DISCREPANCY: 1, SHORT_PICK: 9 }
    expect(scenarioReportSchema.safeParse(report).success).toBe(true)
    const rows = new Map(compareScenarioPolicies(report).map((r) => [r.key, r]))
    expect(rows.get('oversoldUnits')).toMatchObject({ better: 'LOWER', hub: 0, naive: 12, difference: -12, winner: 'HUB' })
    expect(rows.get('onTimeShipmentRate')).toMatchObject({ better: 'HIGHER', unit: 'RATE', winner: 'NAIVE' })
    expect(rows.get('onTimeShipmentRate')!.difference).toBeCloseTo(-0.05, 12)
    expect(rows.get('latePurchaseOrders')).toMatchObject({ winner: 'EVEN', difference: 0 })
    expect(rows.get('inventoryRecordAccuracy')).toMatchObject({ hub: null, difference: null, winner: 'NONE' })
    expect(rows.get('exceptions:FEED_DISCREPANCY')).toMatchObject({ better: 'NEITHER', hub: 0, naive: 1, winner: 'NONE' })
    expect(rows.get('exceptions:SHORT_PICK')).toMatchObject({ hub: 2, naive: 9, difference: -7, winner: 'NONE' })
    expect([...rows.keys()].slice(0, 4)).toEqual(['oversoldUnits', 'oversoldOrders', 'lostSalesUnits', 'cancellationRate'])
    // A run kept before lost sales were reported still passes the check; its lost-sales row has no figures.
    const older = scenarioReportOfShape(1) as any
    delete older.hub.kpis.lostSalesUnits
    delete older.naive.kpis.lostSalesUnits
    expect(scenarioReportSchema.safeParse(older).success).toBe(true)
    expect(compareScenarioPolicies(older).find((r) => r.key === 'lostSalesUnits')).toMatchObject({ hub: null, naive: null, winner: 'NONE' })
  })

  it('a report missing a policy or a KPI does not pass the check a run makes before keeping it', () => {
    const report = scenarioReportOfShape(2) as any
    expect(scenarioReportSchema.safeParse({ ...report, naive: undefined }).success).toBe(false)
    const { otif: _otif, ...kpis } = report.hub.kpis
    expect(scenarioReportSchema.safeParse({ ...report, hub: { ...report.hub, kpis } }).success).toBe(false)
    expect(scenarioReportSchema.safeParse({ ...report, hub: { ...report.hub, daily: [{ day: 'yesterday', orders: 1, backlog: 0, cancellations: 0, onTimeRate: null }] } }).success).toBe(false)
  })
})
