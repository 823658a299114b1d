import crypto from 'node:crypto'
import pg from 'pg'

/** The benchmark server's URL (BENCH_DATABASE_URL), optionally pointed at one database on it. */
export function serverUrl(db?: string): string {
  const u = new URL(process.env.BENCH_DATABASE_URL!)
  if (db) u.pathname = `/${db}`
  return u.toString()
}

/** Runs one administrative statement (CREATE/DROP DATABASE) on the server's default database. */
export async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl() })
  await c.connect()
  try {
    await c.query(sql)
  } finally {
    await c.end()
  }
}

/** Gives `fn` a database created for it alone and drops it afterwards, whatever happens. */
export async function withFreshDatabase<T>(prefix: string, fn: (name: string) => Promise<T>): Promise<T> {
  const name = `${prefix}_${crypto.randomBytes(4).toString('hex')}`
  await admin(`CREATE DATABASE "${name}"`)
  try {
    return await fn(name)
  } finally {
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  }
}
