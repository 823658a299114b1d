'use client'

import { createContext, useContext, useState, type ReactNode } from 'react'
import { createPortal } from 'react-dom'
import Link from 'next/link'
import { NotAvailable } from '@/components/not-available'
import { useSession } from '@/features/session/session-provider'
import { ROLE_LABELS } from '@/features/session/roles'
import { canOpen, homeFor, viewBySlug, type ViewSlug } from './views'
import styles from './shell.module.css'

// Where a view puts things that belong beside its title (as-of time, refresh, live indicator).
const ViewActionsSlot = createContext<HTMLElement | null>(null)

/** Renders its children at the right of the view's title row. */
export function ViewActions({ children }: { children: ReactNode }) {
  const slot = useContext(ViewActionsSlot)
  return slot ? createPortal(children, slot) : null
}

/** Renders a role view with its title, or a clear "not available for your role" state (no queries run). */
export function ViewGate({ slug, children }: { slug: ViewSlug; children: ReactNode }) {
  const { session } = useSession()
  const [actions, setActions] = useState<HTMLElement | null>(null)
  const view = viewBySlug(slug)
  if (session.status !== 'signed-in') return null
  const role = session.claims.role
  return (
    <div data-view={slug}>
      <div className={styles.viewHeader}>
        <div>
          <h1>{view.title}</h1>
          <p>{view.summary}</p>
        </div>
        <div ref={setActions} className={styles.viewActions} />
      </div>
      {canOpen(view, role) ? (
        <ViewActionsSlot.Provider value={actions}>{children}</ViewActionsSlot.Provider>
      ) : (
        <NotAvailable title={`The ${view.title} view is not available for your role`}>
          <p>
            You are signed in as <strong>{ROLE_LABELS[role]}</strong>. This view is for{' '}
            {[...view.roles.map((r) => ROLE_LABELS[r]), 'Admin'].join(', ')}.
          </p>
          {homeFor(role) ? (
            <p>
              <Link href={homeFor(role)!}>Go to your own view</Link>
            </p>
          ) : (
            <p>Partners read their channel&apos;s data through the GraphQL API with their token.</p>
          )}
        </NotAvailable>
      )}
    </div>
  )
}
