import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql'
import { persistedExchange } from '@urql/exchange-persisted'
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws'
import type { RuntimeConfig } from './runtime-config'

export interface HubClient {
  client: Client
  /** Closes the WebSocket (on sign-out or when the token changes). */
  dispose(): void
}

/**
 * One urql client per signed-in token: queries and mutations over HTTP, subscriptions over graphql-ws
 * on the same /graphql path. The socket opens lazily on the first subscription (live views) and sends
 * the token in connectionParams, where the API checks it when the socket opens.
 */
export function createHubClient(config: RuntimeConfig, token: string): HubClient {
  const authorization = `Bearer ${token}`
  const ws: WsClient = createWsClient({
    url: config.wsUrl,
    connectionParams: { authorization },
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
  })
  const client = new Client({
    url: config.apiUrl,
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: () => ({ headers: { authorization } }),
    exchanges: [
      cacheExchange,
      // Queries and mutations go by the sha256 of their text, which the API has on its allow-list (the build's
      // manifest of apps/web/features/*/*.graphql.ts); a hash it does not know is retried once with the text.
      persistedExchange({ preferGetForPersistedQueries: false, enableForMutation: true }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' }
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink)
              return { unsubscribe }
            },
          }
        },
      }),
    ],
  })
  return {
    client,
    // graphql-ws's dispose awaits the connection attempt in flight, and rejects with its CloseEvent when that attempt
    // was refused or cut (say, the last subscription ended while it was opening): the socket is discarded either way,
    // so that is not an error of the page.
    dispose: () => void Promise.resolve(ws.dispose()).catch(() => {}),
  }
}
