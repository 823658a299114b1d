import type { Database } from '@ops-hub/db'
import { inTransaction, purgeIdempotencyKeys } from '@ops-hub/domain'
import type { Job } from '../jobs.ts'

/** Forgets idempotency keys past their retention (setting api.idempotencyRetentionHours); every instance may run it. */
export function idempotencyPurgeJob(db: Database): Job {
  return { name: 'api.purge-idempotency-keys', everyMs: 15 * 60_000, run: () => inTransaction(db.prisma, (tx) => purgeIdempotencyKeys(tx)) }
}
