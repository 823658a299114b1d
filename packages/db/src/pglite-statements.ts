// Prepared statements for embedded PGlite. PGlite's `query()` sends every statement unnamed, in six protocol round
// trips into the WebAssembly backend (parse, describe, bind, describe, execute, sync), so PostgreSQL parses and plans
// it again each time; and it merges its ~300 type parsers with the caller's on every call. Here each run is one round
// trip, and results are parsed by PGlite's own `parseResults`, so rows, fields, errors and notifications are exactly
// what `query()` gives. Two ways to run a statement:
// - `named` (Prisma's statements, and plain SQL asking `prepare`): parsed once into a named statement kept for the
//   session (least recently used closed first); PostgreSQL may then reuse a generic plan, as adapter-pg's named
//   statements do on a server (client.ts).
// - `unnamed` (hand-written plain SQL): parsed and planned for its parameters on every run, as on a server, because
//   such statements are written for the plan their values get (a generic plan made a feed's freshness pass 4x slower);
//   only the parameter types learned on the first run are kept.
import { parse, protocol, type PGlite, type QueryOptions, type Results } from '@electric-sql/pglite'

const { serialize } = protocol

/** The part of PGlite that pglite-prisma-adapter and the hub's plain-SQL runner use. */
export type StatementMode = 'named' | 'unnamed'

export interface PgliteQueryable {
  query<T>(text: string, params?: unknown[], options?: QueryOptions, mode?: StatementMode): Promise<Results<T>>
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
  /** '' for the unnamed statement: parsed again on every run. */
  name: string
  paramTypes: number[]
}

type Parsers = Parameters<typeof parse.parseResults>[1]

/** PGlite's locks: the transaction lock that `query()` takes outside a transaction (internal, so checked for). */
interface PgliteLocks {
  _runExclusiveTransaction?<T>(fn: () => Promise<T>): Promise<T>
}

/** The session lost its named statements (DEALLOCATE ALL): none of ours can be bound any more. */
const GONE = '26000'
/** A named statement whose tables changed under it ("cached plan must not change result type"): only that one is stale. */
const CHANGED = '0A000'

export function withPreparedStatements(pg: PGlite, { maxStatements = 1000 } = {}): PgliteWithStatements {
  // Per mode: named statements (closed when dropped), and the parameter types of unnamed ones.
  const named = new Map<string, Statement>()
  const unnamed = new Map<string, Statement>()
  // Named statements dropped after a CHANGED error, closed with the next Parse (their names stay allocated till then).
  const toClose: string[] = []
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

  /** The statement for `key`, parsed (and for a named one, kept) on its first run. */
  async function prepare(kept: Map<string, Statement>, key: string, text: string, mode: StatementMode, options?: QueryOptions): Promise<Statement> {
    const cached = kept.get(key)
    if (cached) {
      kept.delete(key)
      kept.set(key, cached)
      return cached
    }
    const messages = toClose.splice(0).map((name) => serialize.close({ type: 'S', name }))
    while (kept.size >= maxStatements) {
      const [oldest, old] = kept.entries().next().value as [string, Statement]
      kept.delete(oldest)
      if (old.name) messages.push(serialize.close({ type: 'S', name: old.name }))
    }
    const name = mode === 'named' ? `ohs_${++sequence}` : ''
    messages.push(serialize.parse({ name, text, types: options?.paramTypes }), serialize.describe({ type: 'S', name }), serialize.sync())
    const described = await pg.execProtocolStream(concat(messages), { syncToFs: false, onNotice: options?.onNotice })
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(described) }
    kept.set(key, statement)
    return statement
  }

  /** One statement, with PGlite's query lock held by the caller. */
  async function run<T>(text: string, params: unknown[], options: QueryOptions | undefined, mode: StatementMode): Promise<Results<T>> {
    // The text itself is the key (no concatenated copy to hash on every run); declared parameter types are rare.
    const key = options?.paramTypes?.length ? `${options.paramTypes.join(',')}\u0000${text}` : text
    const kept = mode === 'named' ? named : unnamed
    try {
      const known = kept.has(key)
      const statement = await prepare(kept, key, text, mode, options)
      // Parameters are sent as text, serialized by their described types exactly as PGlite's query() does.
      const values = params.map((value, i) => {
        if (value === null || value === undefined) return null
        const oid = statement.paramTypes[i]
        const serializer = options?.serializers?.[oid] ?? pg.serializers[oid]
        return serializer ? serializer(value) : String(value)
      })
      const messages: Uint8Array[] = []
      // The unnamed statement lasts until the next Parse: parsed again here unless prepare() just did it.
      if (!statement.name && known) messages.push(serialize.parse({ name: '', text, types: options?.paramTypes }))
      messages.push(serialize.bind({ statement: statement.name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync())
      const results = await pg.execProtocolStream(concat(messages), { syncToFs: false, onNotice: options?.onNotice })
      // The unnamed statement's parse result is a parseComplete that parseResults skips.
      return parse.parseResults(results, parsersFor(options), { rowMode: options?.rowMode })[0] as Results<T>
    } catch (err) {
      const e = err as { code?: string; query?: string; params?: unknown[]; queryOptions?: QueryOptions }
      if (e.code === GONE) named.clear()
      if (e.code === CHANGED && kept.get(key)?.name) toClose.push(kept.get(key)!.name)
      if (e.code === CHANGED) kept.delete(key)
      // As PGlite's query() does: the statement and its parameters travel with the error (for logs, never clients).
      if (e.code) Object.assign(e, { query: text, params, queryOptions: options })
      throw err
    }
  }

  async function topLevel<T>(text: string, params: unknown[] = [], options?: QueryOptions, mode: StatementMode = 'named'): Promise<Results<T>> {
    // COPY payloads (blob) and a PGlite without the lock we rely on go the ordinary way.
    if (options?.blob || !transactionLock) return pg.query<T>(text, params, options)
    return transactionLock(() =>
      pg.runExclusive(async () => {
        try {
          return await run<T>(text, params, options, mode)
        } catch (err) {
          // Outside a transaction a statement that was dropped or went stale is simply prepared again.
          const code = (err as { code?: string }).code
          if ((code !== GONE && code !== CHANGED) || pg.isInTransaction()) throw err
          return await run<T>(text, params, options, mode)
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
          query: async <T>(text: string, params: unknown[] = [], options?: QueryOptions, mode: StatementMode = 'named') => {
            if (tx.closed) throw new Error('Transaction is closed')
            if (options?.blob) return tx.query<T>(text, params, options)
            return pg.runExclusive(() => run<T>(text, params, options, mode))
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
