export interface RuntimeConfig {
  /** GraphQL over HTTP, e.g. http://localhost:4000/graphql */
  apiUrl: string
  /** graphql-ws on the same path, e.g. ws://localhost:4000/graphql */
  wsUrl: string
}

/** A per-browser override of the API URL (set from the sign-in page), kept across reloads. */
export const API_URL_OVERRIDE_KEY = 'opsHub.apiUrl'

/** Where the API is: the browser's override, else the server's API_URL, else this host on API_PORT. */
export async function loadRuntimeConfig(): Promise<RuntimeConfig> {
  const override = window.localStorage.getItem(API_URL_OVERRIDE_KEY)
  let apiUrl = override
  if (!apiUrl) {
    const res = await fetch('/config.json', { cache: 'no-store' })
    const server = (await res.json()) as { apiUrl: string | null; apiPort: number }
    apiUrl = server.apiUrl ?? `${window.location.protocol}//${window.location.hostname}:${server.apiPort}/graphql`
  }
  return { apiUrl, wsUrl: apiUrl.replace(/^http/, 'ws') }
}

/** The API's origin (for plain HTTP routes next to /graphql such as /auth/demo-token). */
export function apiOrigin(config: RuntimeConfig): string {
  return new URL(config.apiUrl).origin
}
