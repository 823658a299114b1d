export const PROCUREMENT_OVERVIEW_QUERY = /* GraphQL */ `
  query ProcurementOverview {
    skus {
      totalCount
    }
    classA: skus(abcClass: A) {
      totalCount
    }
    classB: skus(abcClass: B) {
      totalCount
    }
    classC: skus(abcClass: C) {
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
    positions: stockPositions(first: 12) {
      nodes {
        id
        onHand
        reserved
        available
        incoming
        safetyStock
        sku {
          code
          name
        }
        location {
          code
        }
      }
    }
  }
`

export interface ProcurementOverviewResult {
  skus: { totalCount: number }
  classA: { totalCount: number }
  classB: { totalCount: number }
  classC: { totalCount: number }
  stockPositions: { totalCount: number }
  backordered: { totalCount: number }
  procurementExceptions: { totalCount: number }
  positions: {
    nodes: Array<{
      id: string
      onHand: number
      reserved: number
      available: number
      incoming: number
      safetyStock: number
      sku: { code: string; name: string }
      location: { code: string }
    }>
  }
}
