'use client'

import { useEffect, type ReactNode } from 'react'
import Link from 'next/link'
import { usePathname, useRouter } from 'next/navigation'
import { useQuery } from 'urql'
import { useSession } from '@/features/session/session-provider'
import { ROLE_LABELS } from '@/features/session/roles'
import { VIEWER_QUERY, type ViewerResult } from './viewer.graphql'
import { VIEWS, canOpen } from './views'
import styles from './shell.module.css'

/** The signed-in frame around every view: left nav, header with who is signed in, the view itself. */
export function DashboardShell({ children }: { children: ReactNode }) {
  const { session } = useSession()
  const router = useRouter()
  const pathname = usePathname()

  useEffect(() => {
    if (session.status === 'signed-out') router.replace(`/sign-in?next=${encodeURIComponent(pathname)}`)
  }, [session.status, pathname, router])

  if (session.status !== 'signed-in') {
    return (
      <div className={styles.loading} aria-busy>
        Loading Ops Hub…
      </div>
    )
  }
  return <SignedInShell>{children}</SignedInShell>
}

function SignedInShell({ children }: { children: ReactNode }) {
  const { session, signOut } = useSession()
  const pathname = usePathname()
  const router = useRouter()
  if (session.status !== 'signed-in') throw new Error('unreachable')
  const role = session.claims.role
  const [{ data, error }] = useQuery<ViewerResult>({ query: VIEWER_QUERY })

  // The API is the judge of a token: one it refuses (wrong secret after a new DATA_DIR, expired) ends the session.
  const refused = error?.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED') || error?.response?.status === 401
  useEffect(() => {
    if (refused) signOut(`The API did not accept your token (${error?.graphQLErrors[0]?.message ?? 'unauthenticated'}). Sign in again.`)
  }, [refused, error, signOut])

  const viewer = data?.viewer
  return (
    <div className={styles.frame}>
      <nav className={styles.nav} aria-label="Views">
        <Link href="/" className={styles.brand}>
          <span className={styles.logo}>OH</span>
          <span>Ops Hub</span>
        </Link>
        <p className={styles.navHeading}>Views</p>
        <ul>
          {VIEWS.filter((view) => !view.navOnlyIfAllowed || canOpen(view, role)).map((view) => {
            const href = `/${view.slug}`
            const allowed = canOpen(view, role)
            const active = pathname === href || pathname.startsWith(`${href}/`)
            return (
              <li key={view.slug}>
                <Link
                  href={href}
                  className={`${styles.navLink} ${active ? styles.active : ''} ${allowed ? '' : styles.locked}`}
                  aria-current={active ? 'page' : undefined}
                  title={allowed ? view.summary : `Not available for the ${ROLE_LABELS[role]} role`}
                >
                  <span>{view.title}</span>
                  {!allowed && <span className={styles.lockMark}>locked</span>}
                </Link>
              </li>
            )
          })}
        </ul>
        <div className={styles.navFooter}>
          <button
            type="button"
            className={styles.signOut}
            onClick={() => {
              signOut()
              router.replace('/sign-in')
            }}
          >
            Sign out
          </button>
          <p className={styles.apiUrl} title="Where this dashboard reads from">
            {session.config.apiUrl}
          </p>
        </div>
      </nav>
      <div className={styles.main}>
        <header className={styles.header}>
          <div className={styles.who} data-testid="signed-in-as">
            <span className={styles.avatar} aria-hidden>
              {(viewer?.id ?? session.claims.sub).slice(0, 1).toUpperCase()}
            </span>
            <div>
              <div className={styles.whoName}>{viewer?.id ?? session.claims.sub}</div>
              <div className={styles.whoRole}>
                <span data-testid="signed-in-role">{ROLE_LABELS[viewer?.role ?? role]}</span>
                {(viewer?.channelCode ?? session.claims.channel) && <> · channel {viewer?.channelCode ?? session.claims.channel}</>}
                {!viewer && !error && <> · checking…</>}
              </div>
            </div>
          </div>
        </header>
        <main className={styles.content}>{children}</main>
      </div>
    </div>
  )
}
