import { getNamedType, getNullableType, isLeafType, isListType, type GraphQLField } from 'graphql'
import { AGING_BUCKETS, KPI_DEFINITIONS, OPEN_ORDER_STATUSES } from '@ops-hub/analytics'

/**
 * The query-cost model (Shopify's calculated cost): a scalar or enum costs 0, an object 1, a mutation 10; a
 * connection costs 2 plus, for each node it may return (`first`/`last`, else the default page of 20), what that
 * node's selection costs; an unpaged list of objects counts as LIST_ESTIMATES items (10 when not stated). The
 * requested cost applies the model to the query before it runs; the actual cost applies it to what came back, with
 * the real number of nodes and items in place of page sizes and estimates.
 */
export const COST = { object: 1, connection: 2, mutation: 10, defaultPage: 20, defaultListEstimate: 10 } as const

/**
 * Stated sizes of the unpaged lists: how many items one of these lists usually holds, so a query is charged for
 * what it will read (the demo scenario's averages, rounded up). A list not named here counts as 10.
 */
export const LIST_ESTIMATES: Record<string, number> = {
  'Order.lines': 5,
  'Order.fulfillmentOrders': 2,
  'Order.shipments': 2,
  'Order.exceptions': 2,
  'Order.returns': 1,
  'Order.timeline': 15,
  'OrderLine.allocations': 2,
  'FulfillmentOrder.allocations': 5,
  'FulfillmentOrder.pickTasks': 5,
  'FulfillmentOrder.shipments': 1,
  'FulfillmentOrder.packVerifications': 1,
  'Shipment.milestones': 5,
  'Return.lines': 3,
  'Transfer.lines': 5,
  'PickWave.tasks': 50,
  'PickWave.fulfillmentOrders': 20,
  'Bin.stock': 5,
  'Channel.allocationRules': 5,
  'RoutingDecision.nodes': 2,
  'RoutingDecision.rejected': 2,
  'PackVerification.mismatches': 2,
  'PackVerification.scannedItems': 5,
  'ReleaseOrdersPayload.released': 20,
  'ReleaseOrdersPayload.heldBack': 10,
  'AvailableToSell.nodes': 2,
  // Scenario lab: a report's days (the default run is 30 days), its KPI table (12 KPIs and a few exception types).
  'ScenarioPolicyResult.daily': 30,
  'ScenarioReport.comparison': 20,
  'ScenarioKpis.exceptionsByType': 8,
  // The dashboards' live snapshots and reports. Lists of a fixed length at that length (aging bands, the KPIs, the
  // terms of an SLA-risk estimate, the open order statuses); per node, the demo's two nodes plus "not yet routed".
  // Counted as 10 each, one load of the Executive view asked more than a whole 1,000-point bucket for ~400 points of work.
  'OrderAgingSnapshot.buckets': AGING_BUCKETS.length,
  'OrderAgingByLocation.buckets': AGING_BUCKETS.length,
  'OrderAgingByStatus.buckets': AGING_BUCKETS.length,
  'OrderAgingSnapshot.byLocation': 3,
  'OrderAgingSnapshot.byStatus': OPEN_ORDER_STATUSES.length,
  'PickBacklogSnapshot.locations': 2,
  'KpiReport.definitions': Object.keys(KPI_DEFINITIONS).length,
  'SlaRisk.terms': 12,
  'CancellationKpi.byReason': 4,
  'PurchaseCommitmentReport.bySupplier': 8,
  // A mutation's userErrors is empty when it succeeds.
  '*.userErrors': 1,
}

/** Extra cost of a computed field (a scalar that reads more than its row), stated where it is not 0. */
export const FIELD_COSTS: Record<string, number> = {
  // One projection (fulfillment orders, node queues, carrier projections) serves the three fields.
  'Order.projectedShipDate': 1,
  'Order.projectedDeliveryDate': 1,
  'Order.projectionBasis': 1,
}

export type FieldCostRule =
  | { kind: 'leaf'; cost: number }
  | { kind: 'object'; cost: number }
  /** `size` is the page asked for; the connection's own nodes and edges are sized by it. */
  | { kind: 'connection'; cost: number; size: number }
  /** `edges`/`nodes` of a connection: each item costs `each`, the count comes from the connection. */
  | { kind: 'page'; each: number }
  | { kind: 'list'; each: number; estimate: number }

function parentOf(field: GraphQLField<unknown, unknown>): string {
  return String((field.extensions?.pothosConfig as { parentType?: string } | undefined)?.parentType ?? '')
}

/** How one field is charged, given its (already mapped) arguments. */
export function fieldCostRule(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>, parentType = parentOf(field)): FieldCostRule {
  const type = getNullableType(field.type)
  const named = getNamedType(field.type)
  const key = `${parentType}.${field.name}`
  if (parentType === 'Mutation') return { kind: 'object', cost: COST.mutation }
  if (isLeafType(named)) return { kind: 'leaf', cost: FIELD_COSTS[key] ?? 0 }
  if (parentType.endsWith('Connection') && (field.name === 'edges' || field.name === 'nodes')) {
    return { kind: 'page', each: field.name === 'nodes' ? COST.object : 0 }
  }
  if (parentType.endsWith('Connection') && field.name === 'pageInfo') return { kind: 'object', cost: 0 }
  if (named.name.endsWith('Connection') && field.args.some((a) => a.name === 'first' || a.name === 'last')) {
    const size = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : COST.defaultPage
    return { kind: 'connection', cost: COST.connection, size: Math.max(0, size) }
  }
  if (isListType(type)) {
    const sized = Array.isArray(args.ids) ? args.ids.length : Array.isArray(args.skus) ? args.skus.length : typeof args.first === 'number' ? args.first : undefined
    const estimate = sized ?? LIST_ESTIMATES[key] ?? LIST_ESTIMATES[`*.${field.name}`] ?? COST.defaultListEstimate
    return { kind: 'list', each: COST.object, estimate }
  }
  return { kind: 'object', cost: COST.object }
}

/** The rule in the complexity plugin's terms (own cost + multiplier x the selection), for the requested cost. */
export function fieldComplexity(args: Record<string, unknown>, field: GraphQLField<unknown, unknown>): { field: number; multiplier: number } {
  const rule = fieldCostRule(field, args)
  switch (rule.kind) {
    case 'leaf':
    case 'object':
      return { field: rule.cost, multiplier: 1 }
    case 'connection':
      return { field: rule.cost, multiplier: rule.size }
    case 'page':
      return { field: rule.each, multiplier: 1 }
    case 'list':
      return { field: rule.each * rule.estimate, multiplier: rule.estimate }
  }
}
