import { startOfDayDaysAgo } from '../../lib/format'

export const EXECUTIVE_OVERVIEW_QUERY = /* GraphQL */ `
  query ExecutiveOverview($since7: DateTime!, $since14: DateTime!) {
    placedLast7Days: orders(filter: { placedAfter: $since7 }) {
      totalCount
    }
    placedPrevious7Days: orders(filter: { placedAfter: $since14, placedBefore: $since7 }) {
      totalCount
    }
    openExceptions: exceptions(filter: { status: [OPEN, IN_PROGRESS] }) {
      totalCount
    }
    overdueExceptions: exceptions(filter: { overdue: true }) {
      totalCount
    }
    skus {
      totalCount
    }
    locations(first: 50) {
      totalCount
      nodes {
        id
        code
        name
        kind
        dailyPickCapacity
        cutoffTime
        isFulfillmentNode
      }
    }
  }
`

export interface ExecutiveOverviewResult {
  placedLast7Days: { totalCount: number }
  placedPrevious7Days: { totalCount: number }
  openExceptions: { totalCount: number }
  overdueExceptions: { totalCount: number }
  skus: { totalCount: number }
  locations: {
    totalCount: number
    nodes: Array<{ id: string; code: string; name: string; kind: string; dailyPickCapacity: number; cutoffTime: string; isFulfillmentNode: boolean }>
  }
}

/** Windows start at local midnight so the numbers hold still through the day. */
export function executiveOverviewVariables(now = new Date()) {
  return { since7: startOfDayDaysAgo(7, now).toISOString(), since14: startOfDayDaysAgo(14, now).toISOString() }
}

export const DAILY_ORDER_DAYS = 14

// One aliased count per day: the API has no grouping query yet, and 14 counts are cheap.
export const ORDERS_PER_DAY_QUERY = /* GraphQL */ `
  query OrdersPerDay(${Array.from({ length: DAILY_ORDER_DAYS }, (_, i) => `$from${i}: DateTime!, $to${i}: DateTime!`).join(', ')}) {
    ${Array.from({ length: DAILY_ORDER_DAYS }, (_, i) => `day${i}: orders(filter: { placedAfter: $from${i}, placedBefore: $to${i} }) { totalCount }`).join('\n    ')}
  }
`

export type OrdersPerDayResult = Record<string, { totalCount: number }>

/** day0 is the oldest day, day13 is today (so far). */
export function ordersPerDayVariables(now = new Date()) {
  const vars: Record<string, string> = {}
  const days: Date[] = []
  for (let i = 0; i < DAILY_ORDER_DAYS; i++) {
    const from = startOfDayDaysAgo(DAILY_ORDER_DAYS - 1 - i, now)
    const to = startOfDayDaysAgo(DAILY_ORDER_DAYS - 2 - i, now)
    vars[`from${i}`] = from.toISOString()
    vars[`to${i}`] = to.toISOString()
    days.push(from)
  }
  return { variables: vars, days }
}
