// Live documents of the Operations view. Each metric has a Query (renders before the socket opens) and a
// Subscription with the same selection (pushed on change), so the view handles one shape per metric.

const AGING_FIELDS = /* GraphQL */ `
  asOf
  total
  pastShipBy
  buckets { label count pastShipBy }
  byStatus { status total pastShipBy }
  byLocation { locationCode locationName total pastShipBy buckets { label count } }
`
export const ORDER_AGING_QUERY = `query OperationsOrderAging { orderAging { ${AGING_FIELDS} } }`
export const ORDER_AGING_SUBSCRIPTION = `subscription OperationsOrderAgingLive { orderAging { ${AGING_FIELDS} } }`

const BACKLOG_FIELDS = /* GraphQL */ `
  asOf
  totalBacklog
  totalCapacity
  locations { locationCode locationName capacity releasedToday pickedToday remainingCapacity awaitingRelease backlog backlogUnits load }
`
export const PICK_BACKLOG_QUERY = `query OperationsPickBacklog { pickBacklog { ${BACKLOG_FIELDS} } }`
export const PICK_BACKLOG_SUBSCRIPTION = `subscription OperationsPickBacklogLive { pickBacklog { ${BACKLOG_FIELDS} } }`

const EXCEPTION_FIELDS = /* GraphQL */ `
  asOf
  open
  overdue
  unassigned
  byType { type open overdue }
  byOwner { ownerRole open overdue }
`
export const EXCEPTION_SUMMARY_QUERY = `query OperationsExceptionSummary { exceptionSummary { ${EXCEPTION_FIELDS} } }`
export const EXCEPTIONS_CHANGED_SUBSCRIPTION = `subscription OperationsExceptionsLive { exceptionSummary: exceptionsChanged { ${EXCEPTION_FIELDS} } }`

const CONFIDENCE_FIELDS = /* GraphQL */ `
  asOf
  overall
  positions
  threshold
  belowThreshold
  lowest(first: 8) { sku skuName location score onHand available factors { name value weight explanation } }
`
export const CONFIDENCE_QUERY = `query OperationsConfidence { inventoryConfidence { ${CONFIDENCE_FIELDS} } }`
export const CONFIDENCE_SUBSCRIPTION = `subscription OperationsConfidenceLive { inventoryConfidence { ${CONFIDENCE_FIELDS} } }`

export const EXCEPTION_QUEUE_QUERY = /* GraphQL */ `
  query OperationsExceptionQueue($filter: ExceptionFilter) {
    exceptions(first: 25, filter: $filter) {
      totalCount
      nodes { id title detail type severity status ownerRole dueBy overdue assignedTo escalationLevel createdAt }
    }
  }
`

export const ASSIGN_EXCEPTION_MUTATION = /* GraphQL */ `
  mutation OperationsAssignException($input: AssignExceptionInput!) {
    assignException(input: $input) { exception { id status assignedTo } userErrors { code message } }
  }
`

export const RESOLVE_EXCEPTION_MUTATION = /* GraphQL */ `
  mutation OperationsResolveException($input: ResolveExceptionInput!) {
    resolveException(input: $input) { exception { id status resolution } userErrors { code message } }
  }
`

export interface Bucket { label: string; count: number; pastShipBy?: number }
export interface OrderAging {
  asOf: string
  total: number
  pastShipBy: number
  buckets: Bucket[]
  byStatus: Array<{ status: string; total: number; pastShipBy: number }>
  byLocation: Array<{ locationCode: string | null; locationName: string | null; total: number; pastShipBy: number; buckets: Bucket[] }>
}
export interface PickBacklog {
  asOf: string
  totalBacklog: number
  totalCapacity: number
  locations: Array<{
    locationCode: string; locationName: string; capacity: number; releasedToday: number; pickedToday: number
    remainingCapacity: number; awaitingRelease: number; backlog: number; backlogUnits: number; load: number
  }>
}
export interface ExceptionSummary {
  asOf: string
  open: number
  overdue: number
  unassigned: number
  byType: Array<{ type: string; open: number; overdue: number }>
  byOwner: Array<{ ownerRole: string; open: number; overdue: number }>
}
export interface InventoryConfidence {
  asOf: string
  overall: number
  positions: number
  threshold: number
  belowThreshold: number
  lowest: Array<{
    sku: string; skuName: string; location: string; score: number; onHand: number; available: number
    factors: Array<{ name: string; value: number; weight: number; explanation: string | null }>
  }>
}
export interface QueueException {
  id: string; title: string; detail: string | null; type: string; severity: string; status: string; ownerRole: string
  dueBy: string; overdue: boolean; assignedTo: string | null; escalationLevel: number; createdAt: string
}

// Order-status counts (the view re-reads them whenever the live order-aging snapshot moves).
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
