import { createSecretKey, type KeyObject } from 'node:crypto'
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose'
import type { Role } from '@ops-hub/db'
import type { Actor } from '../shared/actor.ts'

export const ROLES: Role[] = ['ADMIN', 'EXECUTIVE', 'OPERATIONS', 'PROCUREMENT', 'FINANCE', 'CUSTOMER_SERVICE', 'PARTNER']
const ISSUER = 'ops-hub'

export interface TokenClaims {
  sub: string
  role: Role
  channel?: string
}

export class InvalidTokenError extends Error {
  constructor(readonly reason: 'expired' | 'invalid') {
    super(reason === 'expired' ? 'Token has expired' : 'Token is invalid')
  }
}

// The HMAC key object made once per secret, not on every request's verification.
const keys = new Map<string, KeyObject>()
function key(secret: string): KeyObject {
  let k = keys.get(secret)
  if (!k) keys.set(secret, (k = createSecretKey(Buffer.from(secret, 'utf8'))))
  return k
}

/** Signs a bearer token for a role (and, for partners, the one channel they may see). */
export async function signToken(secret: string, claims: TokenClaims, expiresIn: string | number = '30d'): Promise<string> {
  if (!ROLES.includes(claims.role)) throw new Error(`Unknown role ${claims.role}`)
  if (claims.role === 'PARTNER' && !claims.channel) throw new Error('A PARTNER token needs a channel code')
  return new SignJWT({ role: claims.role, ...(claims.channel ? { channel: claims.channel } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key(secret))
}

/**
 * Tokens this process has verified, by secret and exact token text, with their expiry: a client sends the same token
 * with every request, and its signature cannot have changed since it verified, so only the expiry is checked again.
 * Bounded (the oldest entries go first); only tokens that verified are kept.
 */
const verified = new Map<string, { actor: Actor; expiresAtMs: number }>()
const VERIFIED_MAX = 10_000

/** Verifies a bearer token and returns the actor it speaks for. */
export async function verifyToken(secret: string, token: string): Promise<Actor> {
  const cacheKey = `${secret}\u0000${token}`
  const hit = verified.get(cacheKey)
  if (hit) {
    if (Date.now() < hit.expiresAtMs) return { ...hit.actor }
    verified.delete(cacheKey)
    throw new InvalidTokenError('expired')
  }
  try {
    const { payload } = await jwtVerify(token, key(secret), { issuer: ISSUER, algorithms: ['HS256'] })
    const role = payload.role as Role
    if (!ROLES.includes(role) || typeof payload.sub !== 'string') throw new InvalidTokenError('invalid')
    if (role === 'PARTNER' && typeof payload.channel !== 'string') throw new InvalidTokenError('invalid')
    const actor: Actor = { id: payload.sub, role, channelCode: typeof payload.channel === 'string' ? payload.channel : undefined }
    // Every token this module signs has an expiry; one without (signed elsewhere with the secret) is not kept.
    if (typeof payload.exp === 'number') {
      if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!)
      verified.set(cacheKey, { actor, expiresAtMs: payload.exp * 1000 })
    }
    return { ...actor }
  } catch (err) {
    if (err instanceof InvalidTokenError) throw err
    if (err instanceof joseErrors.JWTExpired) throw new InvalidTokenError('expired')
    throw new InvalidTokenError('invalid')
  }
}
