import type { SqlClient, SqlRunner } from './migrate.ts'

export type StatementListener = (sql: string) => void

/**
 * Every SQL statement the hub sends, Prisma's and plain SQL alike, on PGlite and PostgreSQL: tests count the
 * statements one request costs (no N+1), benchmarks report them per request. Nothing is done while no one listens.
 */
export class StatementTap {
  private readonly listeners = new Set<StatementListener>()

  listen(listener: StatementListener): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  emit(sql: string) {
    if (this.listeners.size === 0) return
    for (const l of this.listeners) l(sql)
  }

  /** Prisma's driver adapter with its statements (in and out of transactions) reported here. */
  adapter<F extends { connect(): Promise<object> }>(factory: F): F {
    return new Proxy(factory, {
      get: (target, prop) => {
        const value = Reflect.get(target, prop, target)
        if (prop === 'connect') return async () => this.queryable(await (value as () => Promise<object>).call(target))
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  }

  // Prisma's driver-adapter contract: statements arrive as queryRaw/executeRaw on the adapter or a transaction.
  private queryable<Q extends object>(inner: Q): Q {
    return new Proxy(inner, {
      get: (target, prop) => {
        const value = Reflect.get(target, prop, target)
        if (typeof value !== 'function') return value
        if (prop === 'queryRaw' || prop === 'executeRaw') {
          return (query: { sql: string }) => {
            this.emit(query.sql)
            return value.call(target, query)
          }
        }
        if (prop === 'startTransaction') return async (...args: unknown[]) => this.queryable(await value.apply(target, args))
        return value.bind(target)
      },
    })
  }

  /** The plain-SQL runner with its statements reported here. */
  runner(inner: SqlRunner): SqlRunner {
    const client = (c: SqlClient): SqlClient => ({
      query: (text, params, opts) => {
        this.emit(text)
        return c.query(text, params, opts)
      },
      exec: (text) => {
        this.emit(text)
        return c.exec(text)
      },
      copyFrom: (copySql, chunks) => {
        this.emit(copySql)
        return c.copyFrom(copySql, chunks)
      },
    })
    return {
      ...client(inner),
      withClient: (fn) => inner.withClient((c) => fn(client(c))),
      transaction: (fn) => inner.transaction((c) => fn(client(c))),
    }
  }
}
