// The customer-service order page: one selection for the Query (first paint) and the orderUpdated
// subscription (pushed whenever an event about the order commits), so the page reads one shape.

export const ORDER_LOOKUP_QUERY = /* GraphQL */ `
  query CustomerServiceOrderLookup($query: String!) {
    orderLookup(query: $query, first: 20) {
      totalCount
      nodes { id number externalId status customerName customerEmail placedAt totalAmount currency channel { code } }
    }
  }
`

const ORDER_PAGE_FIELDS = /* GraphQL */ `
  id
  number
  externalId
  status
  holds
  paymentStatus
  serviceLevel
  placedAt
  shipBy
  promisedShipBy
  projectedShipDate
  projectedDeliveryDate
  projectionBasis
  customerName
  customerEmail
  totalAmount
  currency
  cancelReason
  channel { code name }
  shipTo { city region postalCode country }
  lines { lineNumber sku quantity allocatedQuantity shippedQuantity backorderedQuantity cancelledQuantity unitPrice isBundle bundleLineNumber quantityPerBundle }
  exceptions { id title type severity status ownerRole dueBy overdue assignedTo resolution }
  timeline { at kind title detail actor }
`

export const ORDER_PAGE_QUERY = `query CustomerServiceOrder($number: String!) { order(number: $number) { ${ORDER_PAGE_FIELDS} } }`
export const ORDER_PAGE_SUBSCRIPTION = `subscription CustomerServiceOrderLive($number: String!) { order: orderUpdated(number: $number) { ${ORDER_PAGE_FIELDS} } }`

export interface LookupMatch {
  id: string; number: string; externalId: string; status: string; customerName: string; customerEmail: string
  placedAt: string; totalAmount: string; currency: string; channel: { code: string }
}

export interface OrderPage {
  id: string
  number: string
  externalId: string
  status: string
  holds: string[]
  paymentStatus: string
  serviceLevel: string
  placedAt: string
  shipBy: string | null
  promisedShipBy: string | null
  projectedShipDate: string | null
  projectedDeliveryDate: string | null
  projectionBasis: string[]
  customerName: string
  customerEmail: string
  totalAmount: string
  currency: string
  cancelReason: string | null
  channel: { code: string; name: string }
  shipTo: { city: string; region: string | null; postalCode: string; country: string }
  lines: Array<{
    lineNumber: number; sku: string; quantity: number; allocatedQuantity: number; shippedQuantity: number; backorderedQuantity: number; cancelledQuantity: number; unitPrice: string
    /** A bundle line: its components follow it (bundleLineNumber = its lineNumber); its counters are whole bundles. */
    isBundle: boolean; bundleLineNumber: number | null; quantityPerBundle: number | null
  }>
  exceptions: Array<{ id: string; title: string; type: string; severity: string; status: string; ownerRole: string; dueBy: string; overdue: boolean; assignedTo: string | null; resolution: string | null }>
  timeline: Array<{ at: string; kind: string; title: string; detail: string | null; actor: string | null }>
}
