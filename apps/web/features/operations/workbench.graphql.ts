// Documents of the Operations workbench: the approvals inbox (everything waiting on a person's decision) and the
// per-node controls (release, wave, move a fulfilment order). Decisions go through the same mutations the API
// offers everyone; their userErrors (SELF_APPROVAL, INSUFFICIENT_STOCK, ...) are shown as the API words them.

export const APPROVALS_INBOX_QUERY = /* GraphQL */ `
  query OperationsApprovalsInbox {
    adjustments(status: [PENDING_APPROVAL], first: 20) {
      totalCount
      nodes {
        id reason bucket quantityDelta valueDelta requestedBy createdAt note anomalyFlags
        sku { code name } location { code }
      }
    }
    transfers(status: [REQUESTED], first: 20) {
      totalCount
      nodes { id number requestedBy createdAt fromLocation { code } toLocation { code } lines { quantity sku { code } } }
    }
    feedDiscrepancies(status: [PENDING], first: 20) {
      totalCount
      nodes { id bookQuantity feedQuantity delta feed { importedBy createdAt fileName } stockPosition { sku { code } location { code } } }
    }
    cycleCounts(status: [PENDING_APPROVAL], first: 20) {
      totalCount
      nodes {
        id attempt bookQuantity countedQuantity variance varianceRatio countedBy countedAt
        sku { code } location { code } adjustment { id requestedBy valueDelta }
      }
    }
  }
`

const DECISION_FIELDS = /* GraphQL */ `userErrors { field message code }`
export const DECIDE_MUTATIONS = {
  approveAdjustment: `mutation WorkbenchApproveAdjustment($input: DecideAdjustmentInput!) { approveAdjustment(input: $input) { adjustment { id status } ${DECISION_FIELDS} } }`,
  rejectAdjustment: `mutation WorkbenchRejectAdjustment($input: DecideAdjustmentInput!) { rejectAdjustment(input: $input) { adjustment { id status } ${DECISION_FIELDS} } }`,
  approveTransfer: `mutation WorkbenchApproveTransfer($input: TransferDecisionInput!) { approveTransfer(input: $input) { transfer { id status } ${DECISION_FIELDS} } }`,
  rejectTransfer: `mutation WorkbenchRejectTransfer($input: TransferDecisionInput!) { rejectTransfer(input: $input) { transfer { id status } ${DECISION_FIELDS} } }`,
  approveFeedDiscrepancy: `mutation WorkbenchApproveFeedDiscrepancy($input: DecideFeedDiscrepancyInput!) { approveFeedDiscrepancy(input: $input) { discrepancy { id status } ${DECISION_FIELDS} } }`,
  rejectFeedDiscrepancy: `mutation WorkbenchRejectFeedDiscrepancy($input: DecideFeedDiscrepancyInput!) { rejectFeedDiscrepancy(input: $input) { discrepancy { id status } ${DECISION_FIELDS} } }`,
} as const
export type DecideMutation = keyof typeof DECIDE_MUTATIONS

export interface InboxResult {
  adjustments: {
    totalCount: number
    nodes: Array<{
      id: string; reason: string; bucket: string; quantityDelta: number; valueDelta: string; requestedBy: string; createdAt: string; note: string | null
      anomalyFlags: string[]; sku: { code: string; name: string }; location: { code: string }
    }>
  }
  transfers: {
    totalCount: number
    nodes: Array<{ id: string; number: string; requestedBy: string; createdAt: string; fromLocation: { code: string }; toLocation: { code: string }; lines: Array<{ quantity: number; sku: { code: string } }> }>
  }
  feedDiscrepancies: {
    totalCount: number
    nodes: Array<{ id: string; bookQuantity: number; feedQuantity: number; delta: number; feed: { importedBy: string; createdAt: string; fileName: string | null }; stockPosition: { sku: { code: string }; location: { code: string } } }>
  }
  cycleCounts: {
    totalCount: number
    nodes: Array<{
      id: string; attempt: number; bookQuantity: number | null; countedQuantity: number | null; variance: number | null; varianceRatio: number | null
      countedBy: string | null; countedAt: string | null; sku: { code: string }; location: { code: string }
      adjustment: { id: string; requestedBy: string; valueDelta: string } | null
    }>
  }
}

export const NODES_QUERY = /* GraphQL */ `
  query OperationsWorkbenchNodes {
    locations(first: 50) {
      nodes { id code name kind isFulfillmentNode dailyPickCapacity dailyPackCapacity cutoffTime timezone }
    }
  }
`
export interface WorkbenchNode {
  id: string; code: string; name: string; kind: string; isFulfillmentNode: boolean; dailyPickCapacity: number; dailyPackCapacity: number; cutoffTime: string; timezone: string
}

/** A node's queue: work not yet on the pickers' carts, most urgent first (the API's own order). */
export const NODE_QUEUE_QUERY = /* GraphQL */ `
  query OperationsNodeQueue($locationCode: String!) {
    fulfillmentOrders(first: 12, filter: { locationCode: $locationCode, status: [OPEN, ON_HOLD, RELEASED] }) {
      totalCount
      nodes { id number status priority shipBy order { number status } allocations { sku quantity status } }
    }
  }
`
export interface QueuedFulfillment {
  id: string; number: string; status: string; priority: number; shipBy: string | null
  order: { number: string; status: string }; allocations: Array<{ sku: string; quantity: number; status: string }>
}

export const RELEASE_NOW_MUTATION = /* GraphQL */ `
  mutation WorkbenchReleaseNow($input: ReleaseOrdersInput!) {
    releaseOrders(input: $input) { day afterCutoff capacity releasedBefore released { number } heldBack { code reason } userErrors { field message code } }
  }
`
export const CREATE_WAVE_MUTATION = /* GraphQL */ `
  mutation WorkbenchCreateWave($input: CreatePickWaveInput!) {
    createPickWave(input: $input) { pickWave { number tasks { id } } userErrors { field message code } }
  }
`
export const MOVE_FULFILLMENT_MUTATION = /* GraphQL */ `
  mutation WorkbenchMoveFulfillmentOrder($input: MoveFulfillmentOrderInput!) {
    moveFulfillmentOrder(input: $input) { fulfillmentOrder { id number status location { code } } userErrors { field message code } }
  }
`

// A node's automation (issue 16): how it releases and waves by itself, and the working day its releases count
// against. Re-read with the node's queue whenever the live backlog moves or someone acts.
const AUTOMATION_FIELDS = /* GraphQL */ `
  automation { autoRelease releaseEveryMinutes autoWave waveAtOrders waveEveryMinutes maxLinesPerWave lastReleaseSlotAt lastWaveAt }
  capacityToday { day afterCutoff pickCapacity packCapacity releaseCapacity boundBy released picked packed releasableLeft reservedForDueWork reserveOpensAt }
`
export const NODE_AUTOMATION_QUERY = /* GraphQL */ `
  query OperationsNodeAutomation($locationCode: String!) {
    location(code: $locationCode) { id code ${AUTOMATION_FIELDS} }
  }
`
export const CONFIGURE_NODE_AUTOMATION_MUTATION = /* GraphQL */ `
  mutation WorkbenchConfigureNodeAutomation($input: ConfigureNodeAutomationInput!) {
    configureNodeAutomation(input: $input) { location { id code ${AUTOMATION_FIELDS} } userErrors { field message code } }
  }
`
export interface NodeAutomation {
  autoRelease: boolean; releaseEveryMinutes: number; autoWave: boolean; waveAtOrders: number | null; waveEveryMinutes: number | null
  maxLinesPerWave: number; lastReleaseSlotAt: string | null; lastWaveAt: string | null
}
export interface NodeCapacityDay {
  day: string; afterCutoff: boolean; pickCapacity: number; packCapacity: number; releaseCapacity: number; boundBy: 'PICK' | 'PACK'
  released: number; picked: number; packed: number; releasableLeft: number; reservedForDueWork: number; reserveOpensAt: string
}
export interface NodeAutomationResult {
  location: { id: string; code: string; automation: NodeAutomation; capacityToday: NodeCapacityDay | null } | null
}
