import { isRole, type Role } from './roles'

export interface TokenClaims {
  sub: string
  role: Role
  channel?: string
  /** Expiry, seconds since the epoch. */
  exp?: number
}

/**
 * Reads a token's claims without verifying it: only to label the header and to notice expiry before
 * asking the API. The API verifies the signature on every request.
 */
export function readTokenClaims(token: string): TokenClaims | null {
  const parts = token.trim().split('.')
  if (parts.length !== 3) return null
  try {
    const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(parts[1].length / 4) * 4, '='))
    const payload = JSON.parse(json) as Record<string, unknown>
    if (typeof payload.sub !== 'string' || !isRole(payload.role)) return null
    return {
      sub: payload.sub,
      role: payload.role,
      channel: typeof payload.channel === 'string' ? payload.channel : undefined,
      exp: typeof payload.exp === 'number' ? payload.exp : undefined,
    }
  } catch {
    return null
  }
}

export function isExpired(claims: TokenClaims, now = Date.now()): boolean {
  return claims.exp !== undefined && claims.exp * 1000 <= now
}
