import type { Prisma } from '@ops-hub/db'

/** Shortest fragment worth searching: one character would match most of the order book. */
export const LOOKUP_MIN_LENGTH = 2

/**
 * Customer-service search: the fragment matched case-insensitively anywhere in the order number, the customer
 * email or the channel's external id. An empty or too-short query matches nothing rather than everything.
 */
export function orderLookupWhere(query: string): Prisma.OrderWhereInput {
  const q = query.trim()
  if (q.length < LOOKUP_MIN_LENGTH) return { id: -1 }
  return {
    OR: [
      { number: { contains: q, mode: 'insensitive' } },
      { customerEmail: { contains: q, mode: 'insensitive' } },
      { externalId: { contains: q, mode: 'insensitive' } },
    ],
  }
}
