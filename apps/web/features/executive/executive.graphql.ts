// Documents of the Executive view: the KPI report for the chosen period (one group) and per day (the trends), today's
// KPIs live, node risk from the live order-aging and pick-backlog snapshots (with each node's orders at risk of
// missing ship-by), supplier risk from open commitments and the suppliers' scorecards, the orders most likely to miss
// their ship-by and the positions most likely to run out. Every field here is readable by EXECUTIVE and ADMIN, the
// roles that open the view (ordersAtRisk, slaRisk and suppliers: any staff role; stockoutRisks: PROCUREMENT,
// OPERATIONS, EXECUTIVE; purchaseCommitments: FINANCE roles and PROCUREMENT).

/** The tiles in their two rows: the customer's orders, then stock, suppliers and returns. */
export const KPI_SECTIONS = [
  { title: 'Orders and fulfilment', names: ['onTimeShipmentRate', 'otifRate', 'orderCycleTime', 'cancellationRate', 'backorderRate'] },
  { title: 'Stock, suppliers and returns', names: ['inventoryRecordAccuracy', 'replenishmentLeadTimeAdherence', 'warehouseExceptionRate', 'returnProcessingTime', 'manualAdjustmentFrequency'] },
] as const
export const KPI_NAMES = KPI_SECTIONS.flatMap((s) => s.names)
export type KpiName = (typeof KPI_SECTIONS)[number]['names'][number]

const VALUE = 'value numerator denominator target watch better status previousPeriodValue unavailableReason'
const GROUP_FIELDS = /* GraphQL */ `
  key
  orderCycleTime { ${VALUE} p50Hours p90Hours meanHours }
  onTimeShipmentRate { ${VALUE} }
  otifRate { ${VALUE} }
  cancellationRate { ${VALUE} byReason { reason orders } }
  inventoryRecordAccuracy { ${VALUE} }
  backorderRate { ${VALUE} backorderedUnits }
  replenishmentLeadTimeAdherence { ${VALUE} }
  warehouseExceptionRate { ${VALUE} }
  returnProcessingTime { ${VALUE} p50Hours p90Hours meanHours }
  manualAdjustmentFrequency { ${VALUE} }
`
const TREND_FIELDS = `key from ${KPI_NAMES.map((n) => `${n} { value }`).join(' ')}`

export const EXECUTIVE_QUERY = /* GraphQL */ `
  query ExecutiveKpis($period: KpisInput!, $trend: KpisInput!) {
    period: kpis(input: $period) {
      from to previousFrom
      definitions { name label unit definition }
      groups { ${GROUP_FIELDS} }
    }
    trend: kpis(input: $trend) { groups { ${TREND_FIELDS} } }
    purchaseCommitments {
      asOf openPurchaseOrders latePurchaseOrders value lateValue
      bySupplier { supplierCode supplierName openPurchaseOrders latePurchaseOrders openUnits value lateValue nextExpectedAt maxDaysLate }
    }
  }
`

const TODAY_FIELDS = `asOf from groups { ${KPI_NAMES.map((n) => `${n} { value status }`).join(' ')} }`
// The query answers before the socket opens; both carry the same selection under the same name.
export const KPIS_TODAY_QUERY = `query ExecutiveKpisToday($tz: String) { kpisChanged: kpisToday(timeZone: $tz) { ${TODAY_FIELDS} } }`
export const KPIS_TODAY_SUBSCRIPTION = `subscription ExecutiveKpisLive($tz: String) { kpisChanged(timeZone: $tz) { ${TODAY_FIELDS} } }`

const AGING_FIELDS = `asOf total pastShipBy byLocation { locationCode locationName total pastShipBy buckets { label count } }`
export const NODE_AGING_QUERY = `query ExecutiveOrderAging { orderAging { ${AGING_FIELDS} } }`
export const NODE_AGING_SUBSCRIPTION = `subscription ExecutiveOrderAgingLive { orderAging { ${AGING_FIELDS} } }`
const BACKLOG_FIELDS = `asOf totalBacklog totalCapacity locations { locationCode locationName capacity releasedToday remainingCapacity awaitingRelease backlog backlogUnits load }`
export const NODE_BACKLOG_QUERY = `query ExecutivePickBacklog { pickBacklog { ${BACKLOG_FIELDS} } }`
export const NODE_BACKLOG_SUBSCRIPTION = `subscription ExecutivePickBacklogLive { pickBacklog { ${BACKLOG_FIELDS} } }`

export type KpiStatus = 'ON_TARGET' | 'WATCH' | 'OFF_TARGET'
export interface KpiValue {
  value: number | null
  numerator: number
  denominator: number
  target: number
  watch: number
  better: 'HIGHER' | 'LOWER'
  status: KpiStatus | null
  previousPeriodValue: number | null
  unavailableReason: string | null
  p50Hours?: number | null
  p90Hours?: number | null
  meanHours?: number | null
  byReason?: Array<{ reason: string; orders: number }>
  backorderedUnits?: number
}
export type KpiGroup = { key: string } & Record<KpiName, KpiValue>
export interface KpiDefinition {
  name: KpiName
  label: string
  unit: 'RATIO' | 'HOURS' | 'PER_1000_UNITS'
  definition: string
}
export interface SupplierRisk {
  supplierCode: string
  supplierName: string
  openPurchaseOrders: number
  latePurchaseOrders: number
  openUnits: number
  value: string
  lateValue: string
  nextExpectedAt: string | null
  maxDaysLate: number
}
export interface ExecutiveResult {
  period: { from: string; to: string; previousFrom: string; definitions: KpiDefinition[]; groups: KpiGroup[] }
  trend: { groups: Array<{ key: string; from: string } & Record<KpiName, { value: number | null }>> }
  purchaseCommitments: { asOf: string; openPurchaseOrders: number; latePurchaseOrders: number; value: string; lateValue: string; bySupplier: SupplierRisk[] }
}
export interface KpisToday {
  asOf: string
  from: string
  groups: Array<Record<KpiName, { value: number | null; status: KpiStatus | null }>>
}
export interface NodeAging {
  asOf: string
  total: number
  pastShipBy: number
  byLocation: Array<{ locationCode: string | null; locationName: string | null; total: number; pastShipBy: number; buckets: Array<{ label: string; count: number }> }>
}
export interface NodeBacklog {
  asOf: string
  totalBacklog: number
  totalCapacity: number
  locations: Array<{ locationCode: string; locationName: string; capacity: number; releasedToday: number; remainingCapacity: number; awaitingRelease: number; backlog: number; backlogUnits: number; load: number }>
}

const SLA_RISK_FIELDS = /* GraphQL */ `
  probability atRisk threshold shipBy
  basis { level cell observations misses orders priorRate pseudoCount from to }
  terms { name value number }
`
/** The open orders most likely to miss their promised ship-by, each with the history and inputs behind its number. */
export const ORDERS_AT_RISK_QUERY = /* GraphQL */ `
  query ExecutiveOrdersAtRisk {
    ordersAtRisk(first: 10) {
      totalCount
      nodes { id number status channel { code } slaRisk { ${SLA_RISK_FIELDS} } }
    }
  }
`
/** One node's open orders at or above the SHIP_BY_RISK threshold (the count only: the ranked list is the panel above). */
export const NODE_SLA_RISK_QUERY = /* GraphQL */ `
  query ExecutiveNodeSlaRisk($locationCode: String!, $minProbability: Float!) {
    ordersAtRisk(locationCode: $locationCode, minProbability: $minProbability, first: 1) { totalCount }
  }
`
/** The SKU x node positions most likely to run out within their lead time, with every input of the probability. */
export const STOCKOUT_RISKS_QUERY = /* GraphQL */ `
  query ExecutiveStockoutRisks {
    replenishmentRisk { asOf threshold positions atRisk }
    stockoutRisks(first: 10) {
      nodes {
        sku skuName locationCode probability expectedShortageUnits horizonDays openPurchaseOrders
        terms {
          onHand reserved incoming inTransit backordered damaged qualityControl inventoryPosition
          dailyDemandMean dailyDemandStdDev demandDaysObserved leadTimeMeanDays leadTimeStdDevDays leadTimeBasis leadTimeSamples
          leadTimeDemandMean leadTimeDemandStdDev k reorderPoint
        }
      }
    }
  }
`
/** Each supplier's delivery over the last 90 days and its lead time, joined to the commitments by supplier code. */
export const SUPPLIER_SCORECARDS_QUERY = /* GraphQL */ `
  query ExecutiveSupplierScorecards {
    suppliers(first: 50) {
      nodes {
        id code
        leadTime { meanDays stdDevDays p90Days samples basis }
        scorecard { from to linesDue onTimeRate inFullRate linesMeasured leadTimeAdherence leadTimeToleranceDays meanDaysLate receipts }
      }
    }
  }
`

export interface SlaRiskTerm { name: string; value: string; number: number | null }
export interface SlaRisk {
  probability: number | null
  atRisk: boolean
  threshold: number
  shipBy: string
  basis: { level: string; cell: string; observations: number; misses: number; orders: number; priorRate: number | null; pseudoCount: number; from: string; to: string }
  terms: SlaRiskTerm[]
}
export interface OrderAtRisk { id: string; number: string; status: string; channel: { code: string }; slaRisk: SlaRisk | null }
export interface OrdersAtRiskResult { ordersAtRisk: { totalCount: number; nodes: OrderAtRisk[] } }
export interface StockoutRiskTerms {
  onHand: number; reserved: number; incoming: number; inTransit: number; backordered: number; damaged: number; qualityControl: number; inventoryPosition: number
  dailyDemandMean: number; dailyDemandStdDev: number; demandDaysObserved: number; leadTimeMeanDays: number; leadTimeStdDevDays: number
  leadTimeBasis: 'OBSERVED' | 'PROMISED'; leadTimeSamples: number; leadTimeDemandMean: number; leadTimeDemandStdDev: number; k: number | null; reorderPoint: number
}
export interface StockoutRiskRow {
  sku: string; skuName: string; locationCode: string; probability: number; expectedShortageUnits: number; horizonDays: number
  openPurchaseOrders: string[]; terms: StockoutRiskTerms
}
export interface StockoutRisksResult {
  replenishmentRisk: { asOf: string; threshold: number; positions: number; atRisk: number }
  stockoutRisks: { nodes: StockoutRiskRow[] }
}
export interface SupplierScorecardRow {
  id: string
  code: string
  leadTime: { meanDays: number; stdDevDays: number; p90Days: number; samples: number; basis: 'OBSERVED' | 'PROMISED' }
  scorecard: {
    from: string; to: string; linesDue: number; onTimeRate: number | null; inFullRate: number | null; linesMeasured: number
    leadTimeAdherence: number | null; leadTimeToleranceDays: number; meanDaysLate: number | null; receipts: number
  }
}
export interface SupplierScorecardsResult { suppliers: { nodes: SupplierScorecardRow[] } }

/** The browser's zone: days and today follow the reader's calendar. */
export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone

export function executiveVariables(range: { from: string; to: string }, timeZone = browserTimeZone()) {
  return {
    period: { ...range, groupBy: 'NONE', timeZone },
    trend: { ...range, groupBy: 'DAY', timeZone },
  }
}
