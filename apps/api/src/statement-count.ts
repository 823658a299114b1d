import { AsyncLocalStorage } from 'node:async_hooks'
import type { Plugin } from 'graphql-yoga'
import type { Database } from '@ops-hub/db'

/** The response header that carries a request's SQL statement count when counting is on. */
export const STATEMENTS_HEADER = 'x-sql-statements'

/**
 * Counts the SQL statements each HTTP request causes (the database's statement tap, attributed to the request by
 * async context, so background workers and other requests do not count) and reports them in a response header.
 * For tests and benchmarks only (AppOptions.reportStatements): async context tracking costs time on every request.
 */
export function requestStatementCounter(db: Database) {
  const scope = new AsyncLocalStorage<{ statements: number }>()
  const stop = db.onStatement(() => {
    const store = scope.getStore()
    if (store) store.statements++
  })
  const plugin: Plugin = {
    onResponse({ response }) {
      const store = scope.getStore()
      if (store) response.headers.set(STATEMENTS_HEADER, String(store.statements))
    },
  }
  return { run: <T>(fn: () => T): T => scope.run({ statements: 0 }, fn), plugin, stop }
}
