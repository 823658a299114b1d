import type { Database, Tx } from '@ops-hub/db'
import { inTransaction, reconcileLedger, refreshAllConfidence, scheduleCycleCounts, systemActor } from '@ops-hub/domain'
import type { Job } from './jobs.ts'

const HOUR = 3_600_000

/** Runs `fn` in a transaction only on the instance that wins the advisory lock, so N API instances do the work once. */
export function once(db: Database, lockId: number, fn: (tx: Tx) => Promise<unknown>) {
  return () =>
    inTransaction(
      db.prisma,
      async (tx) => {
        const [{ locked }] = await tx.$queryRaw<Array<{ locked: boolean }>>`SELECT pg_try_advisory_xact_lock(${lockId}) AS locked`
        return locked ? fn(tx) : null
      },
      { timeoutMs: 10 * 60_000 },
    )
}

/**
 * Like `once`, for a job that commits page by page: the advisory lock is taken for the session, on a connection held
 * for the run (on PGlite, the one connection), and given back when the job ends.
 */
function onceInPages(db: Database, lockId: number, fn: () => Promise<unknown>) {
  return () =>
    db.sql.withClient(async (c) => {
      const [{ locked }] = await c.query('SELECT pg_try_advisory_lock($1) AS locked', [lockId])
      if (!locked) return null
      try {
        return await fn()
      } finally {
        await c.query('SELECT pg_advisory_unlock($1)', [lockId])
      }
    })
}

/**
 * Inventory governance in the background: the nightly proof that every position equals its ledger, the daily
 * ABC count schedule, and the confidence ageing pass (feed age and count age grow with time, not with events).
 */
export function inventoryJobs(db: Database): Job[] {
  return [
    { name: 'inventory.reconcile-ledger', everyMs: 24 * HOUR, run: once(db, 727_101, (tx) => reconcileLedger(tx, {}, systemActor)) },
    { name: 'inventory.schedule-cycle-counts', everyMs: 24 * HOUR, run: once(db, 727_102, (tx) => scheduleCycleCounts(tx, {}, systemActor)) },
    { name: 'inventory.refresh-confidence', everyMs: HOUR / 4, run: onceInPages(db, 727_103, () => refreshAllConfidence(db)) },
  ]
}
