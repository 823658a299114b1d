'use client'

import { useEffect, useState, type FormEvent } from 'react'
import { useRouter, useSearchParams } from 'next/navigation'
import { API_URL_OVERRIDE_KEY } from '@/lib/runtime-config'
import { homeFor } from '@/features/shell/views'
import { useSession } from './session-provider'
import { fetchDemoRoles, requestDemoToken } from './demo-sign-in'
import { ROLE_BLURBS, ROLE_LABELS, type Role } from './roles'
import { readTokenClaims } from './token-claims'
import styles from './sign-in.module.css'

type DemoState = { kind: 'checking' } | { kind: 'off' } | { kind: 'on'; roles: Role[] } | { kind: 'unreachable'; message: string }

export function SignInPage() {
  const { session, signIn, reloadConfig } = useSession()
  const router = useRouter()
  const next = useSearchParams().get('next')
  const [demo, setDemo] = useState<DemoState>({ kind: 'checking' })
  const [token, setToken] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busyRole, setBusyRole] = useState<Role | null>(null)

  const config = session.config
  useEffect(() => {
    if (!config) return
    let live = true
    fetchDemoRoles(config)
      .then((roles) => live && setDemo(roles ? { kind: 'on', roles } : { kind: 'off' }))
      .catch(() => live && setDemo({ kind: 'unreachable', message: `Cannot reach the API at ${config.apiUrl}. Is it running?` }))
    return () => {
      live = false
    }
  }, [config])

  // Already signed in (or just signed in): go to the page asked for, else the role's own view.
  useEffect(() => {
    if (session.status !== 'signed-in') return
    const target = next && next.startsWith('/') && !next.startsWith('//') ? next : (homeFor(session.claims.role) ?? '/')
    router.replace(target)
  }, [session, next, router])

  function finish(raw: string) {
    const problem = signIn(raw)
    setError(problem)
  }

  async function demoSignIn(role: Role) {
    if (!config) return
    setBusyRole(role)
    setError(null)
    try {
      finish(await requestDemoToken(config, role))
    } catch (err) {
      setError((err as Error).message)
    } finally {
      setBusyRole(null)
    }
  }

  function submitToken(e: FormEvent) {
    e.preventDefault()
    finish(token)
  }

  const pasted = token.trim() ? readTokenClaims(token.trim().replace(/^Bearer\s+/i, '')) : null

  return (
    <main className={styles.page}>
      <div className={styles.card}>
        <header className={styles.brand}>
          <span className={styles.logo} aria-hidden>
            OH
          </span>
          <div>
            <h1>Ops Hub</h1>
            <p>Orders, stock, suppliers and shipments — one picture for every team.</p>
          </div>
        </header>

        {session.status === 'signed-out' && session.reason && (
          <p className={styles.notice} role="status" data-testid="sign-in-notice">
            {session.reason}
          </p>
        )}
        {error && (
          <p className={styles.error} role="alert" data-testid="sign-in-error">
            {error}
          </p>
        )}

        {demo.kind === 'on' && (
          <section aria-labelledby="demo-heading" className={styles.section}>
            <h2 id="demo-heading">Demo sign-in</h2>
            <p className={styles.hint}>This hub runs the demo: pick a role to look around as that team.</p>
            <div className={styles.roles}>
              {demo.roles.map((role) => (
                <button
                  key={role}
                  type="button"
                  className={styles.roleButton}
                  data-role={role}
                  disabled={busyRole !== null}
                  onClick={() => void demoSignIn(role)}
                >
                  <strong>{busyRole === role ? 'Signing in…' : ROLE_LABELS[role]}</strong>
                  <span>{ROLE_BLURBS[role]}</span>
                </button>
              ))}
            </div>
          </section>
        )}
        {demo.kind === 'unreachable' && <p className={styles.error}>{demo.message}</p>}

        <section aria-labelledby="token-heading" className={styles.section}>
          <h2 id="token-heading">Sign in with a token</h2>
          <form onSubmit={submitToken} className={styles.form}>
            <label htmlFor="token">Bearer token</label>
            <textarea
              id="token"
              name="token"
              rows={3}
              spellCheck={false}
              autoComplete="off"
              placeholder="eyJhbGciOiJIUzI1NiJ9…"
              value={token}
              onChange={(e) => setToken(e.target.value)}
            />
            <p className={styles.hint}>
              Make one with <code>npm run token -- --role OPERATIONS</code> (the last line it prints).
              {pasted && (
                <>
                  {' '}
                  This token is for <strong>{ROLE_LABELS[pasted.role]}</strong> ({pasted.sub}).
                </>
              )}
            </p>
            <button type="submit" className={styles.primary} disabled={!token.trim() || !config}>
              Sign in
            </button>
          </form>
        </section>

        <footer className={styles.footer}>
          <ApiUrlSetting current={config?.apiUrl ?? null} onChange={reloadConfig} />
        </footer>
      </div>
    </main>
  )
}

function ApiUrlSetting({ current, onChange }: { current: string | null; onChange: () => Promise<void> }) {
  const [value, setValue] = useState('')
  const [overridden, setOverridden] = useState(false)
  useEffect(() => setOverridden(window.localStorage.getItem(API_URL_OVERRIDE_KEY) !== null), [current])
  async function save(e: FormEvent) {
    e.preventDefault()
    if (value.trim()) window.localStorage.setItem(API_URL_OVERRIDE_KEY, value.trim())
    else window.localStorage.removeItem(API_URL_OVERRIDE_KEY)
    await onChange()
  }
  return (
    <details>
      <summary>
        API: <code data-testid="api-url">{current ?? '…'}</code>
        {overridden ? ' (set in this browser)' : ''}
      </summary>
      <form onSubmit={save} className={styles.apiForm}>
        <input
          type="url"
          placeholder="http://localhost:4000/graphql (empty: use the server's setting)"
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <button type="submit">Use</button>
      </form>
    </details>
  )
}
