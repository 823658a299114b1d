import type { Database } from '@ops-hub/db'
import { flagLatePurchaseOrders, planReplenishment } from '@ops-hub/domain'
import type { Job } from './jobs.ts'
import { once } from './inventory-jobs.ts'
import { replenishmentActor } from './workers/replenishment-worker.ts'

const MINUTE = 60_000

/**
 * Procurement in the background: the nightly planning of every fulfilment position (suggestions and risk exceptions
 * for what no event touched: demand velocity and lead times drift with time), and the late purchase-order check.
 */
export function procurementJobs(db: Database): Job[] {
  return [
    { name: 'procurement.plan-replenishment', everyMs: 24 * 60 * MINUTE, run: once(db, 727_151, (tx) => planReplenishment(tx, {}, replenishmentActor, new Date())) },
    { name: 'procurement.flag-late-purchase-orders', everyMs: 15 * MINUTE, run: once(db, 727_152, (tx) => flagLatePurchaseOrders(tx, replenishmentActor, new Date())) },
  ]
}
