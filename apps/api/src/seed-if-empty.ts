import type { Database } from '@ops-hub/db'
import type { Logger } from './logger.ts'

/** Seeds the demo scenario when the database has no channels yet (a fresh clone's first start). */
export async function seedIfEmpty(db: Database, opts: { seed: number; logger: Logger }): Promise<void> {
  const channels = await db.prisma.channel.count()
  if (channels > 0) return
  const { seedDemo } = await import('../../../prisma/seed/seed-demo.ts')
  opts.logger.info({ seed: opts.seed }, 'empty database: seeding the demo scenario')
  await seedDemo(db, { seed: opts.seed, progress: true })
}
