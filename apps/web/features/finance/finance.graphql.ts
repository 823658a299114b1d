import { startOfDayDaysAgo } from '../../lib/format'

export const FINANCE_WINDOW_DAYS = 30

export const ORDER_STATUSES = [
  'PENDING',
  'ON_HOLD',
  'VALIDATED',
  'ALLOCATED',
  'PARTIALLY_ALLOCATED',
  'BACKORDERED',
  'RELEASED',
  'IN_FULFILLMENT',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
  'RETURN_REQUESTED',
  'RETURNED',
] as const

// One aliased count per status (the API has no group-by yet); the window is the same for all.
export const FINANCE_OVERVIEW_QUERY = /* GraphQL */ `
  query FinanceOverview($since: DateTime!) {
    placed: orders(filter: { placedAfter: $since }) {
      totalCount
    }
    returns: orders(filter: { placedAfter: $since, status: [RETURN_REQUESTED, RETURNED] }) {
      totalCount
    }
    financeExceptions: exceptions(filter: { ownerRole: FINANCE, status: [OPEN, IN_PROGRESS] }) {
      totalCount
    }
    ${ORDER_STATUSES.map((s) => `${s}: orders(filter: { placedAfter: $since, status: [${s}] }) { totalCount }`).join('\n    ')}
  }
`

export type FinanceOverviewResult = {
  placed: { totalCount: number }
  returns: { totalCount: number }
  financeExceptions: { totalCount: number }
} & Record<(typeof ORDER_STATUSES)[number], { totalCount: number }>

export function financeOverviewVariables(now = new Date()) {
  return { since: startOfDayDaysAgo(FINANCE_WINDOW_DAYS, now).toISOString() }
}
