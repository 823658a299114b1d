export const PROCUREMENT_OVERVIEW_QUERY = /* GraphQL */ `
  query ProcurementOverview {
    skus {
      totalCount
    }
    stockPositions {
      totalCount
    }
    backordered: orders(filter: { status: [BACKORDERED, PARTIALLY_ALLOCATED] }) {
      totalCount
    }
    procurementExceptions: exceptions(filter: { ownerRole: PROCUREMENT, status: [OPEN, IN_PROGRESS] }) {
      totalCount
    }
  }
`

export interface ProcurementOverviewResult {
  skus: { totalCount: number }
  stockPositions: { totalCount: number }
  backordered: { totalCount: number }
  procurementExceptions: { totalCount: number }
}

const SUGGESTION = /* GraphQL */ `
  fragment SuggestionRow on ReplenishmentSuggestion {
    id
    suggestedQuantity
    needBy
    plannedAt
    sku {
      code
      name
    }
    location {
      code
    }
    supplier {
      code
      name
    }
    stockoutRisk {
      probability
      expectedShortageUnits
      horizonDays
    }
    explanation {
      dailyDemandMean
      dailyDemandStdDev
      demandWindowDays
      demandDaysObserved
      leadTimeMeanDays
      leadTimeStdDevDays
      leadTimeBasis
      leadTimeSamples
      abcClass
      serviceLevel
      z
      safetyStock
      reorderPoint
      orderUpTo
      reviewPeriodDays
      inventoryPosition
      onHand
      damaged
      qualityControl
      reserved
      incoming
      inTransit
      backordered
      moq
      packSize
      unroundedQuantity
    }
  }
`

export const SUGGESTIONS_QUERY = /* GraphQL */ `
  query ReplenishmentSuggestions($first: Int!) {
    replenishmentSuggestions(first: $first) {
      totalCount
      nodes {
        ...SuggestionRow
      }
    }
  }
  ${SUGGESTION}
`

export const GENERATE_SUGGESTIONS_MUTATION = /* GraphQL */ `
  mutation GenerateReplenishmentSuggestions {
    generateReplenishmentSuggestions {
      run {
        planned
        due
        created
        updated
        expired
      }
      userErrors {
        code
        message
      }
    }
  }
`

export const APPROVE_SUGGESTIONS_MUTATION = /* GraphQL */ `
  mutation ApproveReplenishmentSuggestions($input: ApproveReplenishmentSuggestionsInput!) {
    approveReplenishmentSuggestions(input: $input) {
      purchaseOrders {
        id
        number
        status
        supplier {
          code
        }
        location {
          code
        }
        lines {
          quantity
        }
      }
      userErrors {
        code
        message
      }
    }
  }
`

export const OPEN_PURCHASE_ORDERS_QUERY = /* GraphQL */ `
  query OpenPurchaseOrders {
    purchaseOrders(first: 15, status: [DRAFT, PENDING_APPROVAL, APPROVED, SENT, PARTIALLY_RECEIVED]) {
      totalCount
      nodes {
        id
        number
        status
        value
        createdAt
        orderedAt
        expectedArrival
        late
        supplier {
          code
          name
        }
        location {
          code
        }
        lines {
          quantity
          receivedQuantity
        }
      }
    }
  }
`

export const SUPPLIER_SCORECARDS_QUERY = /* GraphQL */ `
  query SupplierScorecards {
    suppliers(first: 50) {
      nodes {
        id
        code
        name
        leadTime {
          meanDays
          p90Days
          samples
          basis
        }
        scorecard {
          linesDue
          onTimeRate
          inFullRate
          fillRate
          leadTimeAdherence
          leadTimeToleranceDays
          meanDaysLate
          receipts
        }
      }
    }
  }
`

const RISK_SNAPSHOT = /* GraphQL */ `
  asOf
  threshold
  positions
  atRisk
  top {
    sku
    skuName
    locationCode
    probability
    expectedShortageUnits
    horizonDays
    openPurchaseOrders
    terms {
      inventoryPosition
      leadTimeDemandMean
      leadTimeDemandStdDev
    }
  }
`

export const REPLENISHMENT_RISK_QUERY = /* GraphQL */ `
  query ReplenishmentRisk {
    replenishmentRisk {
      ${RISK_SNAPSHOT}
    }
  }
`

export const REPLENISHMENT_RISK_SUBSCRIPTION = /* GraphQL */ `
  subscription ReplenishmentRiskLive {
    replenishmentRisk {
      ${RISK_SNAPSHOT}
    }
  }
`

export interface Explanation {
  dailyDemandMean: number
  dailyDemandStdDev: number
  demandWindowDays: number
  demandDaysObserved: number
  leadTimeMeanDays: number
  leadTimeStdDevDays: number
  leadTimeBasis: 'OBSERVED' | 'PROMISED'
  leadTimeSamples: number
  abcClass: string
  serviceLevel: number
  z: number
  safetyStock: number
  reorderPoint: number
  orderUpTo: number
  reviewPeriodDays: number
  inventoryPosition: number
  onHand: number
  damaged: number
  qualityControl: number
  reserved: number
  incoming: number
  inTransit: number
  backordered: number
  moq: number
  packSize: number
  unroundedQuantity: number
}

export interface Suggestion {
  id: string
  suggestedQuantity: number
  needBy: string | null
  plannedAt: string | null
  sku: { code: string; name: string }
  location: { code: string }
  supplier: { code: string; name: string }
  stockoutRisk: { probability: number; expectedShortageUnits: number; horizonDays: number }
  explanation: Explanation
}

export interface OpenPurchaseOrder {
  id: string
  number: string
  status: string
  value: string
  createdAt: string
  orderedAt: string | null
  expectedArrival: string | null
  late: boolean
  supplier: { code: string; name: string }
  location: { code: string }
  lines: Array<{ quantity: number; receivedQuantity: number }>
}

export interface SupplierScorecardRow {
  id: string
  code: string
  name: string
  leadTime: { meanDays: number; p90Days: number; samples: number; basis: 'OBSERVED' | 'PROMISED' }
  scorecard: {
    linesDue: number
    onTimeRate: number | null
    inFullRate: number | null
    fillRate: number | null
    leadTimeAdherence: number | null
    leadTimeToleranceDays: number
    meanDaysLate: number | null
    receipts: number
  }
}

export interface ReplenishmentRisk {
  asOf: string
  threshold: number
  positions: number
  atRisk: number
  top: Array<{
    sku: string
    skuName: string
    locationCode: string
    probability: number
    expectedShortageUnits: number
    horizonDays: number
    openPurchaseOrders: string[]
    terms: { inventoryPosition: number; leadTimeDemandMean: number; leadTimeDemandStdDev: number }
  }>
}
