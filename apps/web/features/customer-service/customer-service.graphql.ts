import { startOfDayDaysAgo } from '../../lib/format'

export const CUSTOMER_SERVICE_OVERVIEW_QUERY = /* GraphQL */ `
  query CustomerServiceOverview($today: DateTime!) {
    onHold: orders(filter: { status: [ON_HOLD] }) {
      totalCount
    }
    placedToday: orders(filter: { placedAfter: $today }) {
      totalCount
    }
    customerServiceExceptions: exceptions(filter: { ownerRole: CUSTOMER_SERVICE, status: [OPEN, IN_PROGRESS] }) {
      totalCount
    }
    recentOrders: orders(first: 10) {
      nodes {
        id
        number
        customerName
        customerEmail
        status
        placedAt
        totalAmount
        currency
        channel {
          code
        }
      }
    }
  }
`

export interface CustomerServiceOverviewResult {
  onHold: { totalCount: number }
  placedToday: { totalCount: number }
  customerServiceExceptions: { totalCount: number }
  recentOrders: { nodes: OrderSummary[] }
}

export interface OrderSummary {
  id: string
  number: string
  customerName: string
  customerEmail: string
  status: string
  placedAt: string
  totalAmount: string
  currency: string
  channel: { code: string }
}

export function customerServiceOverviewVariables(now = new Date()) {
  return { today: startOfDayDaysAgo(0, now).toISOString() }
}
