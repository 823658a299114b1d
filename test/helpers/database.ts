import crypto from 'node:crypto'
import pg from 'pg'
import { openDatabase, type Database } from '@ops-hub/db'

export interface TestDatabase {
  db: Database
  /** Connection string when on PostgreSQL (for a second app instance or psql), else undefined. */
  url?: string
  drop(): Promise<void>
}

/**
 * A fresh, migrated database for one test file: PGlite in memory by default, or a new PostgreSQL
 * database cloned from the migrated template when DATABASE_URL is set.
 */
export async function createTestDatabase(opts: { poolSize?: number } = {}): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL
  if (!base) {
    const db = await openDatabase({ dataDir: 'memory://' })
    await db.migrate()
    return { db, drop: () => db.close() }
  }
  const name = `ops_hub_test_${crypto.randomBytes(6).toString('hex')}`
  const template = process.env.OPS_HUB_TEMPLATE_DB
  const admin = new pg.Client({ connectionString: base })
  await admin.connect()
  await admin.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`)
  await admin.end()
  const u = new URL(base)
  u.pathname = `/${name}`
  const db = await openDatabase({ databaseUrl: u.toString(), poolSize: opts.poolSize ?? 20 })
  if (!template) await db.migrate()
  return {
    db,
    url: u.toString(),
    async drop() {
      await db.close()
      const a = new pg.Client({ connectionString: base })
      await a.connect()
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      await a.end()
    },
  }
}

export const onPostgres = () => Boolean(process.env.DATABASE_URL)

/**
 * Deadlocks PostgreSQL has detected in this database so far (always 0 on single-connection PGlite). Backends
 * flush their statistics at most once a second, so wait that long after the work before reading again.
 */
export async function deadlockCount(prisma: { $queryRaw: <T>(q: TemplateStringsArray, ...v: unknown[]) => Promise<T> }, settleMs = 0): Promise<number> {
  if (!onPostgres()) return 0
  if (settleMs) await new Promise((r) => setTimeout(r, settleMs))
  await prisma.$queryRaw`SELECT pg_stat_clear_snapshot()::text AS cleared`
  const [row] = await prisma.$queryRaw<Array<{ deadlocks: bigint }>>`SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`
  return Number(row.deadlocks)
}
