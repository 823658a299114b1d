import { apiOrigin, type RuntimeConfig } from '@/lib/runtime-config'
import type { Role } from './roles'

/** The roles offered as one-click buttons, or null when the API is not in demo mode (its route answers 404). */
export async function fetchDemoRoles(config: RuntimeConfig): Promise<Role[] | null> {
  const res = await fetch(`${apiOrigin(config)}/auth/demo-token`, { cache: 'no-store' })
  if (!res.ok) return null
  const body = (await res.json()) as { demoMode?: boolean; roles?: Role[] }
  return body.demoMode ? (body.roles ?? []) : null
}

export async function requestDemoToken(config: RuntimeConfig, role: Role): Promise<string> {
  const res = await fetch(`${apiOrigin(config)}/auth/demo-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role }),
  })
  const body = (await res.json().catch(() => ({}))) as { token?: string; error?: string }
  if (!res.ok || !body.token) throw new Error(body.error ?? `The API refused demo sign-in (HTTP ${res.status})`)
  return body.token
}
