import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

type Row = Record<string, unknown>
export interface SqlClient {
  /**
   * `prepare`: run as a named prepared statement on PostgreSQL (planned once per connection, then reused); for
   * hot statements whose text never varies (parameters as arrays). Ignored on PGlite.
   */
  query(text: string, params?: unknown[], opts?: { prepare?: boolean }): Promise<Row[]>
  exec(text: string): Promise<void>
  /**
   * Bulk-loads rows with `COPY <table> FROM STDIN ...` (write the statement with FROM STDIN; on PGlite it is run
   * as FROM '/dev/blob'). Each chunk must end on a row boundary; chunks stream through, so memory stays flat.
   */
  copyFrom(copySql: string, chunks: AsyncIterable<string>): Promise<void>
}
export interface SqlRunner extends SqlClient {
  /** Runs `fn` on one connection, so session state (advisory locks, transactions) holds across calls. */
  withClient<T>(fn: (client: SqlClient) => Promise<T>): Promise<T>
  /** Runs `fn` in one transaction on one connection: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (client: SqlClient) => Promise<T>): Promise<T>
}

export interface MigrationReport {
  applied: string[]
  alreadyApplied: number
}

const prismaDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../prisma')
export const migrationsDir = path.join(prismaDir, 'migrations')
/** Row-level invariants (see the file's header), re-applied idempotently after migrations on every start. */
export const invariantsFile = path.join(prismaDir, 'invariants.sql')

// Arbitrary constant shared by every instance: two API processes starting together queue on it.
const MIGRATION_LOCK_ID = 727_001

/**
 * Applies the committed prisma/migrations in order, exactly once per database, recording each in
 * `_prisma_migrations` with Prisma's checksum (sha256 of migration.sql) so `prisma migrate status`
 * and `prisma migrate deploy` agree with what ran here. Then re-applies prisma/invariants.sql.
 */
export async function applyMigrations(runner: SqlRunner, dir = migrationsDir, invariants = invariantsFile): Promise<MigrationReport> {
  const names = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()

  return runner.withClient(async (db) => {
    await db.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID])
    try {
      await db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
        "id" VARCHAR(36) PRIMARY KEY NOT NULL,
        "checksum" VARCHAR(64) NOT NULL,
        "finished_at" TIMESTAMPTZ,
        "migration_name" VARCHAR(255) NOT NULL,
        "logs" TEXT,
        "rolled_back_at" TIMESTAMPTZ,
        "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
        "applied_steps_count" INTEGER NOT NULL DEFAULT 0
      )`)
      const rows = await db.query(
        'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      )
      const done = new Map(rows.map((r) => [String(r.migration_name), String(r.checksum)]))
      const applied: string[] = []
      for (const name of names) {
        const script = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8')
        const checksum = crypto.createHash('sha256').update(script).digest('hex')
        if (done.has(name)) {
          if (done.get(name) !== checksum) {
            throw new Error(`Migration ${name} was modified after it was applied (checksum mismatch); add a new migration instead`)
          }
          continue
        }
        const id = crypto.randomUUID()
        await db.exec('BEGIN')
        try {
          await db.exec(script)
          await db.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
             VALUES ($1, $2, $3, now(), now(), 1)`,
            [id, checksum, name],
          )
          await db.exec('COMMIT')
        } catch (err) {
          await db.exec('ROLLBACK')
          throw new Error(`Migration ${name} failed: ${(err as Error).message}`)
        }
        applied.push(name)
      }
      if (fs.existsSync(invariants)) await db.exec(fs.readFileSync(invariants, 'utf8'))
      return { applied, alreadyApplied: names.length - applied.length }
    } finally {
      await db.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID])
    }
  })
}
