import type { Database } from '@ops-hub/db'
import { flagLatePurchaseOrders, flagShipByRisks, inTransaction, planReplenishment, refreshAllConfidence, systemActor } from '@ops-hub/domain'
import type { SeedReport } from '../../../prisma/seed/seed-demo.ts'
import type { Logger } from './logger.ts'

export interface SeedIfEmptyOptions {
  seed: number
  logger: Logger
  /** Fraction of the full scenario (tests seed a small one). */
  scale?: number
  /** Progress bar on stderr (start-up shows it; tests do not). */
  progress?: boolean
}

/** Seeds the demo scenario when the database has no channels yet (a fresh clone's first start); returns what it did. */
export async function seedIfEmpty(db: Database, opts: SeedIfEmptyOptions): Promise<SeedReport | null> {
  const channels = await db.prisma.channel.count()
  if (channels > 0) return null
  const { seedDemo } = await import('../../../prisma/seed/seed-demo.ts')
  opts.logger.info({ seed: opts.seed }, 'empty database: seeding the demo scenario')
  const report = await seedDemo(db, { seed: opts.seed, scale: opts.scale, progress: opts.progress ?? true })
  if (!report.seeded) return null
  // Score every position now rather than at the first confidence job, so the first screen shows real confidence.
  await refreshAllConfidence(db)
  // Likewise the SLA-miss risks: the orders the history says will miss their ship-by are in the exception queue at once.
  await inTransaction(db.prisma, (tx) => flagShipByRisks(tx, {}, systemActor), { timeoutMs: 5 * 60_000 })
  // Plan replenishment and flag late purchase orders now too, so the Procurement view opens on today's suggestions and
  // exceptions rather than after the nightly run.
  const replenishment = { id: 'system:replenishment', role: 'ADMIN' as const }
  await inTransaction(db.prisma, (tx) => planReplenishment(tx, {}, replenishment, new Date()), { timeoutMs: 10 * 60_000 })
  await inTransaction(db.prisma, (tx) => flagLatePurchaseOrders(tx, replenishment, new Date()))
  opts.logger.info(
    { seed: report.seed, orders: report.orders, rows: report.rows, generateMs: report.generateMs, writeMs: report.writeMs },
    'demo scenario seeded',
  )
  return report
}
