import type { PrismaClient, Tx } from '@ops-hub/db'

/**
 * Runs a large set-based read (one statement over weeks of history) with PostgreSQL's JIT compilation off. Its cost
 * estimates are far above jit_above_cost (the planner cannot size a series generated per row), so the server would
 * spend seconds compiling a plan that runs in a fraction of that. Given a client, the read gets a transaction of its
 * own; given a transaction, the setting holds for the rest of it.
 */
export async function analyticalRead<T>(db: Tx | PrismaClient, fn: (tx: Tx) => Promise<T>, opts: { hashJoins?: boolean } = {}): Promise<T> {
  const settle = async (tx: Tx) => {
    await tx.$executeRaw`SET LOCAL jit = off`
    // Joins of aggregates over thousands of (row, moment) pairs: the planner cannot estimate them and would pick nested
    // loops that compare every pair with every other.
    if (opts.hashJoins) await tx.$executeRaw`SET LOCAL enable_nestloop = off`
  }
  // A transaction client has no $connect (it may still nest $transaction as savepoints).
  if (typeof (db as PrismaClient).$connect === 'function') {
    return (db as PrismaClient).$transaction(
      async (tx) => {
        await settle(tx)
        return fn(tx)
      },
      { timeout: 300_000, maxWait: 30_000 },
    )
  }
  await settle(db)
  const result = await fn(db)
  if (opts.hashJoins) await db.$executeRaw`SET LOCAL enable_nestloop = on`
  return result
}
