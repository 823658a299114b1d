import type { Database } from '@ops-hub/db'
import { flagShipByRisks, inTransaction, slaHistoryCache, slaRiskSettings, systemActor } from '@ops-hub/domain'
import type { Job } from './jobs.ts'

const MINUTE = 60_000

/**
 * Predictions acted on in the background: every 15 minutes the open orders' SLA-miss risk is assessed and orders at or
 * above the threshold get a SHIP_BY_RISK exception (one instance does it: an advisory lock). The weeks of history it
 * learns from are read outside the transaction, once per grid step, and shared with the API's reads.
 */
export function predictionJobs(db: Database): Job[] {
  return [
    {
      name: 'orders.flag-ship-by-risks',
      everyMs: 15 * MINUTE,
      async run() {
        const now = new Date()
        const settings = await slaRiskSettings(db.prisma)
        const history = await slaHistoryCache.get(db, db.prisma, now, settings)
        return inTransaction(
          db.prisma,
          async (tx) => {
            const [{ locked }] = await tx.$queryRaw<Array<{ locked: boolean }>>`SELECT pg_try_advisory_xact_lock(${727_201}) AS locked`
            return locked ? flagShipByRisks(tx, {}, systemActor, now, { history }) : null
          },
          { timeoutMs: 5 * MINUTE },
        )
      },
    },
  ]
}
