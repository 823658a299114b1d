/** Statuses in which an order still has to leave a warehouse (not on hold, not waiting on stock). */
export const AWAITING_SHIPMENT_STATUSES = ['PENDING', 'VALIDATED', 'ALLOCATED', 'PARTIALLY_ALLOCATED', 'RELEASED', 'IN_FULFILLMENT', 'PARTIALLY_SHIPPED'] as const

export const OPERATIONS_OVERVIEW_QUERY = /* GraphQL */ `
  query OperationsOverview($awaiting: [OrderStatus!]!) {
    awaitingShipment: orders(filter: { status: $awaiting }) {
      totalCount
    }
    onHold: orders(filter: { status: [ON_HOLD] }) {
      totalCount
    }
    backordered: orders(filter: { status: [BACKORDERED] }) {
      totalCount
    }
    operationsExceptions: exceptions(filter: { ownerRole: OPERATIONS, status: [OPEN, IN_PROGRESS] }) {
      totalCount
    }
    operationsOverdue: exceptions(filter: { ownerRole: OPERATIONS, overdue: true }) {
      totalCount
    }
    exceptionQueue: exceptions(first: 10, filter: { ownerRole: OPERATIONS, status: [OPEN, IN_PROGRESS] }) {
      nodes {
        id
        title
        type
        severity
        status
        dueBy
        overdue
        assignedTo
      }
    }
    locations(first: 50) {
      nodes {
        id
        code
        name
        kind
        dailyPickCapacity
        dailyPackCapacity
        cutoffTime
        feedManaged
      }
    }
  }
`

export const operationsOverviewVariables = () => ({ awaiting: [...AWAITING_SHIPMENT_STATUSES] })

export interface OperationsOverviewResult {
  awaitingShipment: { totalCount: number }
  onHold: { totalCount: number }
  backordered: { totalCount: number }
  operationsExceptions: { totalCount: number }
  operationsOverdue: { totalCount: number }
  exceptionQueue: {
    nodes: Array<{ id: string; title: string; type: string; severity: string; status: string; dueBy: string; overdue: boolean; assignedTo: string | null }>
  }
  locations: {
    nodes: Array<{ id: string; code: string; name: string; kind: string; dailyPickCapacity: number; dailyPackCapacity: number; cutoffTime: string; feedManaged: boolean }>
  }
}
