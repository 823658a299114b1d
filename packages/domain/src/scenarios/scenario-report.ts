import { z } from 'zod'

/** The two policies a run simulates: the hub's real rules, and the documented naive baseline. */
export const SCENARIO_POLICIES = ['hub', 'naive'] as const
export type ScenarioPolicy = (typeof SCENARIO_POLICIES)[number]

const figure = z.number().finite().nullable()

const policyResultSchema = z.object({
  kpis: z
    .object({
      oversoldUnits: figure,
      oversoldOrders: figure,
      // Reported since customers shop from their channel's listing; runs kept before that lack it.
      lostSalesUnits: figure.optional(),
      cancellationRate: figure,
      onTimeShipmentRate: figure,
      otif: figure,
      // Reported since the lab counts late work still open at the end; runs kept before that lack it.
      lateOpenOrders: figure.optional(),
      orderCycleTimeP50Hours: figure,
      orderCycleTimeP90Hours: figure,
      backorderUnits: figure,
      inventoryRecordAccuracy: figure,
      stockoutDays: figure,
      latePurchaseOrders: figure,
      manualAdjustments: figure,
      exceptionsByType: z.record(z.string(), z.number().finite()),
    })
    .passthrough(),
  daily: z.array(
    z
      .object({
        day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
        orders: z.number().finite(),
        backlog: z.number().finite(),
        cancellations: z.number().finite(),
        onTimeRate: figure,
      })
      .passthrough(),
  ),
})

/** The simulator's report (`--out FILE`, the last line of `--progress-json`), checked before a run keeps it. */
export const scenarioReportSchema = z
  .object({
    scenario: z.string(),
    params: z.record(z.string(), z.unknown()),
    hub: policyResultSchema,
    naive: policyResultSchema,
  })
  .passthrough()

export type ScenarioReport = z.infer<typeof scenarioReportSchema>
export type ScenarioPolicyResult = z.infer<typeof policyResultSchema>
export type ScenarioKpiName = Exclude<keyof ScenarioPolicyResult['kpis'], 'exceptionsByType'>

export type ScenarioKpiUnit = 'COUNT' | 'RATE' | 'HOURS' | 'DAYS'
/** Which way is better: fewer (oversold units), more (on-time rate), or neither (exceptions found: routing more of them is the hub's job). */
export type ScenarioKpiDirection = 'LOWER' | 'HIGHER' | 'NEITHER'
export type ScenarioWinner = 'HUB' | 'NAIVE' | 'EVEN' | 'NONE'

export interface ScenarioKpiDefinition {
  name: ScenarioKpiName
  label: string
  unit: ScenarioKpiUnit
  better: Exclude<ScenarioKpiDirection, 'NEITHER'>
}

/** The seed's KPI table, in reading order, each with the direction that counts as better. */
export const SCENARIO_KPIS: ScenarioKpiDefinition[] = [
  { name: 'oversoldUnits', label: 'Oversold units', unit: 'COUNT', better: 'LOWER' },
  { name: 'oversoldOrders', label: 'Oversold orders', unit: 'COUNT', better: 'LOWER' },
  { name: 'lostSalesUnits', label: 'Lost sales (units not listed)', unit: 'COUNT', better: 'LOWER' },
  { name: 'cancellationRate', label: 'Cancellation rate', unit: 'RATE', better: 'LOWER' },
  { name: 'onTimeShipmentRate', label: 'On-time shipment rate', unit: 'RATE', better: 'HIGHER' },
  { name: 'otif', label: 'OTIF', unit: 'RATE', better: 'HIGHER' },
  { name: 'lateOpenOrders', label: 'Late, still open at the end', unit: 'COUNT', better: 'LOWER' },
  { name: 'orderCycleTimeP50Hours', label: 'Order cycle time p50', unit: 'HOURS', better: 'LOWER' },
  { name: 'orderCycleTimeP90Hours', label: 'Order cycle time p90', unit: 'HOURS', better: 'LOWER' },
  { name: 'backorderUnits', label: 'Backordered units', unit: 'COUNT', better: 'LOWER' },
  { name: 'inventoryRecordAccuracy', label: 'Inventory record accuracy', unit: 'RATE', better: 'HIGHER' },
  { name: 'stockoutDays', label: 'Stockout days', unit: 'DAYS', better: 'LOWER' },
  { name: 'latePurchaseOrders', label: 'Late purchase orders', unit: 'COUNT', better: 'LOWER' },
  { name: 'manualAdjustments', label: 'Manual adjustments', unit: 'COUNT', better: 'LOWER' },
]

export interface ScenarioKpiComparison {
  /** The KPI's name in the report (`oversoldUnits`), or `exceptions:<TYPE>` for one exception type. */
  key: string
  label: string
  unit: ScenarioKpiUnit
  better: ScenarioKpiDirection
  hub: number | null
  naive: number | null
  /** hub − naive; null when either is missing. */
  difference: number | null
  winner: ScenarioWinner
}

function winnerOf(better: ScenarioKpiDirection, hub: number | null, naive: number | null): ScenarioWinner {
  if (better === 'NEITHER' || hub === null || naive === null) return 'NONE'
  if (Math.abs(hub - naive) < 1e-9) return 'EVEN'
  return (better === 'LOWER') === hub < naive ? 'HUB' : 'NAIVE'
}

/** The KPI table of a report, hub beside naive: each row's difference and which side is better by the KPI's direction. */
export function compareScenarioPolicies(report: Pick<ScenarioReport, 'hub' | 'naive'>): ScenarioKpiComparison[] {
  const rows: ScenarioKpiComparison[] = SCENARIO_KPIS.map((kpi) => {
    const hub = (report.hub.kpis[kpi.name] as number | null | undefined) ?? null
    const naive = (report.naive.kpis[kpi.name] as number | null | undefined) ?? null
    return { key: kpi.name, label: kpi.label, unit: kpi.unit, better: kpi.better, hub, naive, difference: hub === null || naive === null ? null : hub - naive, winner: winnerOf(kpi.better, hub, naive) }
  })
  const types = [...new Set([...Object.keys(report.hub.kpis.exceptionsByType), ...Object.keys(report.naive.kpis.exceptionsByType)])].sort()
  for (const type of types) {
    const hub = report.hub.kpis.exceptionsByType[type] ?? 0
    const naive = report.naive.kpis.exceptionsByType[type] ?? 0
    rows.push({ key: `exceptions:${type}`, label: `Exceptions: ${type}`, unit: 'COUNT', better: 'NEITHER', hub, naive, difference: hub - naive, winner: 'NONE' })
  }
  return rows
}
