import { Client, cacheExchange, fetchExchange, subscriptionExchange, type CombinedError } from 'urql'
import { persistedExchange } from '@urql/exchange-persisted'
import { retryExchange } from '@urql/exchange-retry'
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
/** A refusal of the API's cost throttle: the same operation succeeds once the bucket has refilled. */
export function isThrottled(error: CombinedError): boolean {
  return error.graphQLErrors.some((e) => e.extensions?.code === 'THROTTLED') || error.response?.status === 429
}

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
      // The API throttles every user by query cost (a leaky bucket of 1,000 points restoring 50 a second, as Shopify's
      // Admin API): a view reloaded at once can find the bucket short, and the refusal (THROTTLED, with the seconds to
      // wait) is worth waiting out rather than showing a view without its figures or its live feed.
      retryExchange({ retryIf: isThrottled, initialDelayMs: 2000, maxDelayMs: 15_000, maxNumberAttempts: 6 }),
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
