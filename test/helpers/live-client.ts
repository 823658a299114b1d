import { createClient, type Client } from 'graphql-ws'
import WebSocket from 'ws'

export interface LiveSubscription<T> {
  /** Every payload received so far, in order. */
  values: T[]
  errors: unknown[]
  /** Resolves with the first value (counting from `from`, default: any not yet awaited) that satisfies `until`. */
  next(until?: (v: T) => boolean, timeoutMs?: number): Promise<T>
  /** Resolves once the server refuses or ends the subscription, with the error if any. */
  ended: Promise<unknown>
  close(): void
}

/** A graphql-ws client on the hub's /graphql socket, as a browser or partner would open it. */
export function liveClient(httpUrl: string, token: string | null): Client {
  return createClient({
    url: httpUrl.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  })
}

export function subscribe<T = any>(client: Client, query: string, variables: Record<string, unknown> = {}): LiveSubscription<T> {
  const values: T[] = []
  const errors: unknown[] = []
  let cursor = 0
  const waiters = new Set<() => void>()
  let endResolve!: (e: unknown) => void
  const ended = new Promise<unknown>((r) => (endResolve = r))
  const wake = () => waiters.forEach((w) => w())
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors?.length) errors.push(result.errors)
        if (result.data) values.push(result.data as T)
        wake()
      },
      error: (err) => {
        errors.push(err)
        endResolve(err)
        wake()
      },
      complete: () => endResolve(undefined),
    },
  )
  return {
    values,
    errors,
    ended,
    close: dispose,
    next(until = () => true, timeoutMs = 5000) {
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          while (cursor < values.length) {
            const v = values[cursor++]
            if (until(v)) {
              cleanup()
              resolve(v)
              return
            }
          }
        }
        const timer = setTimeout(() => {
          cleanup()
          reject(new Error(`no matching push within ${timeoutMs} ms (got ${values.length}: ${JSON.stringify(values.at(-1))?.slice(0, 300)}; errors ${JSON.stringify(errors)})`))
        }, timeoutMs)
        const cleanup = () => {
          clearTimeout(timer)
          waiters.delete(check)
        }
        waiters.add(check)
        check()
      })
    },
  }
}
