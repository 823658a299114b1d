// A fresh database per policy run: embedded PGlite in memory by default; with a PostgreSQL URL, a new database on
// that server, dropped after the run.
import { openDatabase, type Database } from '@ops-hub/db'
import { installDatabaseClock } from './clock.ts'

export interface ScratchDatabase {
  db: Database
  dispose(): Promise<void>
}

export async function scratchDatabase(label: string, databaseUrl?: string): Promise<ScratchDatabase> {
  if (!databaseUrl) {
    const db = await openDatabase({ dataDir: 'memory://' })
    await db.migrate()
    await installDatabaseClock(db.sql, null)
    return { db, dispose: () => db.close() }
  }
  const name = `ops_hub_sim_${label}_${process.pid}_${Math.floor(performance.now() * 1000) % 1e9}`
  const adminUrl = new URL(databaseUrl)
  const admin = await openDatabase({ databaseUrl: adminUrl.toString(), poolSize: 1 })
  await admin.sql.exec(`CREATE DATABASE "${name}"`)
  const url = new URL(databaseUrl)
  url.pathname = `/${name}`
  // Migrate and set the clock up on a first connection, then reopen: every pooled connection starts with the
  // simulated clock's search path.
  const setup = await openDatabase({ databaseUrl: url.toString(), poolSize: 1 })
  try {
    await setup.migrate()
    await installDatabaseClock(setup.sql, name)
  } finally {
    await setup.close()
  }
  const db = await openDatabase({ databaseUrl: url.toString(), poolSize: 4 })
  return {
    db,
    async dispose() {
      await db.close()
      await admin.sql.exec(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {})
      await admin.close()
    },
  }
}
