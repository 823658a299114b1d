'use client'

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { Provider as UrqlProvider } from 'urql'
import { createHubClient } from '@/lib/urql-client'
import { loadRuntimeConfig, type RuntimeConfig } from '@/lib/runtime-config'
import { isExpired, readTokenClaims, type TokenClaims } from './token-claims'

const TOKEN_KEY = 'opsHub.token'
/** Why the last session ended (shown once on the sign-in page). */
const SIGN_OUT_REASON_KEY = 'opsHub.signOutReason'

export type Session =
  | { status: 'loading'; config: RuntimeConfig | null }
  | { status: 'signed-out'; config: RuntimeConfig; reason: string | null }
  | { status: 'signed-in'; config: RuntimeConfig; token: string; claims: TokenClaims }

interface SessionApi {
  session: Session
  /** Stores a bearer token (pasted or from demo sign-in); returns an error message when it is unusable. */
  signIn(token: string): string | null
  signOut(reason?: string): void
  /** Reloads where the API is (after the API URL override changes). */
  reloadConfig(): Promise<void>
}

const SessionContext = createContext<SessionApi | null>(null)

export function useSession(): SessionApi {
  const api = useContext(SessionContext)
  if (!api) throw new Error('useSession() outside <SessionProvider>')
  return api
}

function sessionFrom(config: RuntimeConfig, token: string | null): Session {
  const reason = window.sessionStorage.getItem(SIGN_OUT_REASON_KEY)
  if (!token) return { status: 'signed-out', config, reason }
  const claims = readTokenClaims(token)
  if (!claims) return { status: 'signed-out', config, reason: 'The stored token could not be read. Sign in again.' }
  if (isExpired(claims)) return { status: 'signed-out', config, reason: 'Your token has expired. Sign in again.' }
  return { status: 'signed-in', config, token, claims }
}

/** Holds who is signed in (a bearer token in localStorage) and the urql client that speaks for them. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session>({ status: 'loading', config: null })

  const reloadConfig = useCallback(async () => {
    const config = await loadRuntimeConfig()
    setSession(sessionFrom(config, window.localStorage.getItem(TOKEN_KEY)))
  }, [])

  useEffect(() => {
    void reloadConfig()
    // Signing in or out in another tab applies here too.
    const onStorage = (e: StorageEvent) => {
      if (e.key === TOKEN_KEY) void reloadConfig()
    }
    window.addEventListener('storage', onStorage)
    return () => window.removeEventListener('storage', onStorage)
  }, [reloadConfig])

  const signIn = useCallback(
    (raw: string) => {
      const token = raw.trim().replace(/^Bearer\s+/i, '')
      const claims = readTokenClaims(token)
      if (!claims) return 'That does not look like an Ops Hub token (expected three dot-separated parts with a role).'
      if (isExpired(claims)) return 'That token has expired. Make a new one with npm run token.'
      if (!session.config) return 'Still loading the API address, try again in a moment.'
      window.localStorage.setItem(TOKEN_KEY, token)
      window.sessionStorage.removeItem(SIGN_OUT_REASON_KEY)
      setSession({ status: 'signed-in', config: session.config, token, claims })
      return null
    },
    [session.config],
  )

  const signOut = useCallback(
    (reason?: string) => {
      window.localStorage.removeItem(TOKEN_KEY)
      if (reason) window.sessionStorage.setItem(SIGN_OUT_REASON_KEY, reason)
      else window.sessionStorage.removeItem(SIGN_OUT_REASON_KEY)
      if (session.config) setSession({ status: 'signed-out', config: session.config, reason: reason ?? null })
    },
    [session.config],
  )

  const token = session.status === 'signed-in' ? session.token : null
  const config = session.config
  const hub = useMemo(() => (token && config ? createHubClient(config, token) : null), [token, config])
  useEffect(() => () => hub?.dispose(), [hub])

  const api = useMemo(() => ({ session, signIn, signOut, reloadConfig }), [session, signIn, signOut, reloadConfig])
  return (
    <SessionContext.Provider value={api}>
      {hub ? <UrqlProvider value={hub.client}>{children}</UrqlProvider> : children}
    </SessionContext.Provider>
  )
}
