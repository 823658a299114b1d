// With DATABASE_URL set (CI's PostgreSQL run), build one migrated template database; each test file then
// clones it with CREATE DATABASE ... TEMPLATE, which takes milliseconds instead of re-running migrations.
import pg from 'pg'
import { openDatabase } from '@ops-hub/db'

export const TEMPLATE_DB = `ops_hub_test_template_${process.pid}`

export default async function setup() {
  const url = process.env.DATABASE_URL
  if (!url) return
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS "${TEMPLATE_DB}" WITH (FORCE)`)
  await admin.query(`CREATE DATABASE "${TEMPLATE_DB}"`)
  const u = new URL(url)
  u.pathname = `/${TEMPLATE_DB}`
  const db = await openDatabase({ databaseUrl: u.toString(), poolSize: 1 })
  await db.migrate()
  await db.close()
  process.env.OPS_HUB_TEMPLATE_DB = TEMPLATE_DB
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${TEMPLATE_DB}" WITH (FORCE)`)
    await admin.end()
  }
}
