// Prepared statements for embedded PGlite. PGlite's `query()` sends every statement unnamed, in six protocol round
// trips into the WebAssembly backend (parse, describe, bind, describe, execute, sync), so PostgreSQL parses and plans
// it again each time; and it merges its ~300 type parsers with the caller's on every call. Here a statement's text is
// parsed once into a named statement (kept per session, least recently used first out), and each run is one round
// trip: bind, describe, execute, sync. What comes back is parsed by PGlite's own `parseResults`, so rows, fields,
// errors and notifications are exactly what `query()` gives. On a PostgreSQL server the same job is done by
// adapter-pg's named statements (client.ts).
import { parse, protocol, type PGlite, type QueryOptions, type Results } from '@electric-sql/pglite'

const { serialize } = protocol

/** The part of PGlite that pglite-prisma-adapter and the hub's plain-SQL runner use. */
export interface PgliteQueryable {
  query<T>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>
  exec(text: string, options?: QueryOptions): Promise<Array<Results>>
}

export interface PgliteWithStatements extends PgliteQueryable {
  transaction<T>(fn: (tx: PgliteTransaction) => Promise<T>): Promise<T>
}

export interface PgliteTransaction extends PgliteQueryable {
  rollback(): Promise<void>
  readonly closed: boolean
}

interface Statement {
  name: string
  paramTypes: number[]
}

type Parsers = Parameters<typeof parse.parseResults>[1]

/** PGlite's locks: the transaction lock that `query()` takes outside a transaction (internal, so checked for). */
interface PgliteLocks {
  _runExclusiveTransaction?<T>(fn: () => Promise<T>): Promise<T>
}

/** SQLSTATEs after which a cached statement is gone or stale: it is dropped and, outside a transaction, run again. */
const STALE = new Set(['26000', '0A000'])

export function withPreparedStatements(pg: PGlite, { maxStatements = 1000 } = {}): PgliteWithStatements {
  const statements = new Map<string, Statement>()
  let sequence = 0
  const transactionLock = (pg as unknown as PgliteLocks)._runExclusiveTransaction?.bind(pg)

  // A caller's parsers on top of PGlite's, merged once per parsers object (PGlite spreads all of them per query).
  const merged = new WeakMap<Parsers, { base: Parsers; parsers: Parsers }>()
  function parsersFor(options?: QueryOptions): Parsers {
    if (!options?.parsers) return pg.parsers as Parsers
    const hit = merged.get(options.parsers as Parsers)
    if (hit && hit.base === pg.parsers) return hit.parsers
    // The prototype is PGlite's own map, so array types it registers later are seen without merging again.
    const parsers = Object.assign(Object.create(pg.parsers) as Parsers, options.parsers)
    merged.set(options.parsers as Parsers, { base: pg.parsers as Parsers, parsers })
    return parsers
  }

  async function prepare(key: string, text: string, options?: QueryOptions): Promise<Statement> {
    const cached = statements.get(key)
    if (cached) {
      statements.delete(key)
      statements.set(key, cached)
      return cached
    }
    const messages: Uint8Array[] = []
    while (statements.size >= maxStatements) {
      const [oldest, old] = statements.entries().next().value as [string, Statement]
      statements.delete(oldest)
      messages.push(serialize.close({ type: 'S', name: old.name }))
    }
    const name = `ohs_${++sequence}`
    messages.push(serialize.parse({ name, text, types: options?.paramTypes }), serialize.describe({ type: 'S', name }), serialize.sync())
    const described = await pg.execProtocolStream(concat(messages), { syncToFs: false, onNotice: options?.onNotice })
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(described) }
    statements.set(key, statement)
    return statement
  }

  /** One statement, with PGlite's query lock held by the caller. */
  async function run<T>(text: string, params: unknown[], options?: QueryOptions): Promise<Results<T>> {
    const key = options?.paramTypes?.length ? `${options.paramTypes.join(',')}\u0000${text}` : text
    try {
      const statement = await prepare(key, text, options)
      // Parameters are sent as text, serialized by their described types exactly as PGlite's query() does.
      const values = params.map((value, i) => {
        if (value === null || value === undefined) return null
        const oid = statement.paramTypes[i]
        const serializer = options?.serializers?.[oid] ?? pg.serializers[oid]
        return serializer ? serializer(value) : String(value)
      })
      const messages = await pg.execProtocolStream(
        concat([serialize.bind({ statement: statement.name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]),
        { syncToFs: false, onNotice: options?.onNotice },
      )
      return parse.parseResults(messages, parsersFor(options), { rowMode: options?.rowMode })[0] as Results<T>
    } catch (err) {
      const e = err as { code?: string; query?: string; params?: unknown[]; queryOptions?: QueryOptions }
      if (e.code && STALE.has(e.code)) statements.delete(key)
      // As PGlite's query() does: the statement and its parameters travel with the error (for logs, never clients).
      if (e.code) Object.assign(e, { query: text, params, queryOptions: options })
      throw err
    }
  }

  async function topLevel<T>(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    // COPY payloads (blob) and a PGlite without the lock we rely on go the ordinary way.
    if (options?.blob || !transactionLock) return pg.query<T>(text, params, options)
    return transactionLock(() =>
      pg.runExclusive(async () => {
        try {
          return await run<T>(text, params, options)
        } catch (err) {
          // Outside a transaction a stale statement is simply prepared again (e.g. after DEALLOCATE ALL).
          if (!STALE.has((err as { code?: string }).code ?? '') || pg.isInTransaction()) throw err
          statements.clear()
          return await run<T>(text, params, options)
        } finally {
          // PGlite persists after every statement outside its transactions (a no-op in memory).
          if (!pg.isInTransaction()) await pg.syncToFs()
        }
      }),
    )
  }

  return {
    query: topLevel,
    exec: (text, options) => pg.exec(text, options),
    transaction: (fn) =>
      pg.transaction((tx) => {
        const wrapped: PgliteTransaction = {
          query: async <T>(text: string, params: unknown[] = [], options?: QueryOptions) => {
            if (tx.closed) throw new Error('Transaction is closed')
            if (options?.blob) return tx.query<T>(text, params, options)
            return pg.runExclusive(() => run<T>(text, params, options))
          },
          exec: (text, options) => tx.exec(text, options),
          rollback: () => tx.rollback(),
          get closed() {
            return tx.closed
          },
        }
        return fn(wrapped)
      }),
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}
