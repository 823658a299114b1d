'use client'

import { useEffect } from 'react'
import { useRouter } from 'next/navigation'
import { NotAvailable } from '@/components/not-available'
import { useSession } from '@/features/session/session-provider'
import { ROLE_LABELS } from '@/features/session/roles'
import { homeFor } from './views'

/** `/` sends each role to its own view; a role with none (a partner) is told why. */
export function HomeRedirect() {
  const { session } = useSession()
  const router = useRouter()
  const home = session.status === 'signed-in' ? homeFor(session.claims.role) : null
  useEffect(() => {
    if (home) router.replace(home)
  }, [home, router])
  if (session.status !== 'signed-in' || home) return null
  return (
    <NotAvailable title="The dashboard views are not available for your role">
      <p>
        You are signed in as <strong>{ROLE_LABELS[session.claims.role]}</strong>
        {session.claims.channel ? ` for channel ${session.claims.channel}` : ''}. Partners read their channel&apos;s orders through the
        GraphQL API with this token.
      </p>
    </NotAvailable>
  )
}
