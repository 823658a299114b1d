import path from 'node:path'
import fs from 'node:fs'
import crypto from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import { PrismaPGlite } from 'pglite-prisma-adapter'
import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaClient } from './generated/prisma/client.ts'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { PoolClient } from 'pg'
import pgCopyStreams from 'pg-copy-streams'
import { applyMigrations, type MigrationReport, type SqlClient, type SqlRunner } from './migrate.ts'
import { StatementTap, type StatementListener } from './statement-tap.ts'
import { withPreparedStatements, type PgliteQueryable } from './pglite-statements.ts'

export type Prisma = PrismaClient
export type DatabaseKind = 'postgres' | 'pglite'

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent the hub runs on embedded PGlite. */
  databaseUrl?: string
  /** Folder for PGlite's files, or `memory://` for a throw-away database. */
  dataDir?: string
  /** Connections in the pool (PostgreSQL only). */
  poolSize?: number
}

export interface Database {
  kind: DatabaseKind
  prisma: PrismaClient
  /** Runs plain SQL outside Prisma: migrations, bulk COPY paths, benchmarks. */
  sql: SqlRunner
  migrate(): Promise<MigrationReport>
  /**
   * Calls `listener` with the text of every statement sent from now on (Prisma's and plain SQL, in and out of
   * transactions); returns the function that stops it. For tests and benchmarks counting statements per request.
   */
  onStatement(listener: StatementListener): () => void
  close(): Promise<void>
  /** The PGlite instance when embedded (e.g. to expose it over a socket). */
  pglite?: PGlite
}

/** Opens the hub's database: PostgreSQL via adapter-pg when a URL is given, else in-process PGlite. */
export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10)
  return openPglite(options.dataDir ?? './.data/pglite')
}

async function openPostgres(connectionString: string, max: number): Promise<Database> {
  // One pool for Prisma and for plain SQL (bulk COPY, the order-intake fast path): `poolSize` bounds the
  // hub's connections to PostgreSQL, whichever layer uses them.
  const pg = await import('pg')
  const pool = new pg.default.Pool({ connectionString, max })
  // An idle connection can die under us (server restart, a DBA's pg_terminate_backend): the pool drops it and
  // opens another on demand; without a listener node-postgres would crash the process instead.
  pool.on('error', (err) => console.warn(`[db] idle PostgreSQL connection lost: ${err.message}`))
  const tap = new StatementTap()
  // Long statements (nested selections joined in the database) are prepared once per connection: PostgreSQL parses and
  // plans a lookup's statement once instead of on every request. Short ones vary with their IN lists and stay unnamed.
  const prisma = new PrismaClient({
    adapter: tap.adapter(new PrismaPg(pool, { statementNameGenerator: (q) => (q.sql.length >= PREPARE_FROM_LENGTH ? statementName(q.sql) : undefined) as string })),
    errorFormat: ERROR_FORMAT,
  })
  const sql: SqlRunner = {
    async query(text, params, opts) {
      const res = await pool.query(opts?.prepare ? { name: statementName(text), text, values: params as unknown[] } : { text, values: params as unknown[] })
      return res.rows
    },
    async exec(text) {
      await pool.query(text)
    },
    async withClient(fn) {
      const client = await pool.connect()
      try {
        return await fn(pgSqlClient(client))
      } finally {
        client.release()
      }
    },
    copyFrom: (copySql, chunks) => sql.withClient((c) => c.copyFrom(copySql, chunks)),
    async transaction(fn) {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        const result = await fn(pgSqlClient(client))
        await client.query('COMMIT')
        return result
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {})
        throw err
      } finally {
        client.release()
      }
    },
  }
  return {
    kind: 'postgres',
    prisma,
    sql: tap.runner(sql),
    migrate: () => applyMigrations(sql),
    onStatement: (listener) => tap.listen(listener),
    async close() {
      await prisma.$disconnect()
      await pool.end()
    },
  }
}

async function openPglite(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith('memory://')) fs.mkdirSync(path.resolve(dataDir), { recursive: true })
  const pglite = await PGlite.create(dataDir)
  // Statements are prepared once per text and run in one round trip (pglite-statements.ts), Prisma's and ours alike.
  const statements = withPreparedStatements(pglite)
  const tap = new StatementTap()
  // The adapter uses query, exec and transaction, which the prepared-statement layer provides with PGlite's signatures.
  const prisma = new PrismaClient({ adapter: tap.adapter(new PrismaPGlite(statements as unknown as PGlite)), errorFormat: ERROR_FORMAT })
  const sql: SqlRunner = {
    async query(text, params, opts) {
      return (await statements.query(text, params as unknown[], undefined, opts?.prepare ? 'named' : 'unnamed')).rows as Record<string, unknown>[]
    },
    async exec(text) {
      await statements.exec(text)
    },
    // PGlite is a single connection: a "client" is the instance itself.
    async withClient(fn) {
      return fn(pgliteSqlClient(statements))
    },
    copyFrom: (copySql, chunks) => pgliteSqlClient(statements).copyFrom(copySql, chunks),
    // PGlite's own transaction holds its mutex, so Prisma queries from other requests wait instead of joining it.
    transaction: (fn) => statements.transaction((tx) => fn(pgliteSqlClient(tx))),
  }
  return {
    kind: 'pglite',
    prisma,
    sql: tap.runner(sql),
    pglite,
    migrate: () => applyMigrations(sql),
    onStatement: (listener) => tap.listen(listener),
    async close() {
      await prisma.$disconnect()
      await pglite.close()
    },
  }
}

/**
 * Prisma's other formats capture a stack trace on every query (an Error per call) to point its messages at the calling
 * line; the hub logs its own context and never shows Prisma's messages to clients, so it does without.
 */
const ERROR_FORMAT = 'minimal' as const

/** Prisma statements at least this long are prepared (see openPostgres). */
const PREPARE_FROM_LENGTH = 1000

/** A prepared statement's name: its text's hash, so the same text is prepared once per connection. */
const statementName = (text: string) => `ops_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 20)}`

function pgSqlClient(client: PoolClient): SqlClient {
  return {
    query: async (t, p) => (await client.query(t, p as unknown[])).rows,
    exec: async (t) => void (await client.query(t)),
    async copyFrom(copySql, chunks) {
      await pipeline(Readable.from(chunks), client.query(pgCopyStreams.from(copySql)))
    },
  }
}

function pgliteSqlClient(db: PgliteQueryable): SqlClient {
  return {
    query: async (t, p, opts) => (await db.query(t, p as unknown[], undefined, opts?.prepare ? 'named' : 'unnamed')).rows as Record<string, unknown>[],
    exec: async (t) => void (await db.exec(t)),
    // PGlite has no COPY wire protocol: each chunk is handed over as the virtual file /dev/blob.
    async copyFrom(copySql, chunks) {
      const fromBlob = copySql.replace(/FROM\s+STDIN/i, "FROM '/dev/blob'")
      for await (const chunk of chunks) {
        if (chunk.length > 0) await db.query(fromBlob, [], { blob: new Blob([chunk]) })
      }
    },
  }
}
