// The Finance view: money over a date range, each table one grouped query (no per-status aliases).

export const INVENTORY_GROUPINGS = ['NODE', 'ABC_CLASS', 'CATEGORY'] as const
export type InventoryGrouping = (typeof INVENTORY_GROUPINGS)[number]

const BUCKET = 'units value'
const ROW = `key label positions onHand { ${BUCKET} } sellable { ${BUCKET} } damaged { ${BUCKET} } qualityControl { ${BUCKET} } inTransit { ${BUCKET} } incoming { ${BUCKET} }`
const MONEY = 'count amount byChannel { key label count amount } byReason { key label count amount }'

export const FINANCE_QUERY = /* GraphQL */ `
  query FinanceMoney($from: DateTime!, $to: DateTime!, $groupBy: InventoryValueGroupBy!) {
    inventoryValue(groupBy: $groupBy) { asOf rows { ${ROW} } total { ${ROW} } }
    adjustmentValue(from: $from, to: $to) {
      rows { reason bucket adjustments unitsAdded unitsRemoved valueAdded valueRemoved netValue writeOff }
      writtenOff netValue pendingApprovalCount pendingApprovalValue
    }
    refundsIssued(from: $from, to: $to) { ${MONEY} }
    cancelledOrderValue(from: $from, to: $to) { ${MONEY} }
    purchaseCommitments {
      openPurchaseOrders latePurchaseOrders openUnits value lateValue
      bySupplier { supplierCode supplierName openPurchaseOrders latePurchaseOrders openUnits value lateValue nextExpectedAt maxDaysLate }
    }
  }
`

export interface Bucket {
  units: number
  value: string
}
export interface InventoryRow {
  key: string
  label: string
  positions: number
  onHand: Bucket
  sellable: Bucket
  damaged: Bucket
  qualityControl: Bucket
  inTransit: Bucket
  incoming: Bucket
}
export interface AdjustmentRow {
  reason: string
  bucket: string
  adjustments: number
  unitsAdded: number
  unitsRemoved: number
  valueAdded: string
  valueRemoved: string
  netValue: string
  writeOff: boolean
}
export interface MoneyByKey {
  key: string
  label: string
  count: number
  amount: string
}
export interface MoneyReport {
  count: number
  amount: string
  byChannel: MoneyByKey[]
  byReason: MoneyByKey[]
}
export interface SupplierCommitment {
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
export interface FinanceResult {
  inventoryValue: { asOf: string; rows: InventoryRow[]; total: InventoryRow }
  adjustmentValue: { rows: AdjustmentRow[]; writtenOff: string; netValue: string; pendingApprovalCount: number; pendingApprovalValue: string }
  refundsIssued: MoneyReport
  cancelledOrderValue: MoneyReport
  purchaseCommitments: { openPurchaseOrders: number; latePurchaseOrders: number; openUnits: number; value: string; lateValue: string; bySupplier: SupplierCommitment[] }
}

export function financeVariables(range: { from: string; to: string }, groupBy: InventoryGrouping) {
  return { ...range, groupBy }
}
