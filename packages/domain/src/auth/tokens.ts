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

/** Verifies a bearer token and returns the actor it speaks for. */
export async function verifyToken(secret: string, token: string): Promise<Actor> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { issuer: ISSUER, algorithms: ['HS256'] })
    const role = payload.role as Role
    if (!ROLES.includes(role) || typeof payload.sub !== 'string') throw new InvalidTokenError('invalid')
    if (role === 'PARTNER' && typeof payload.channel !== 'string') throw new InvalidTokenError('invalid')
    return { id: payload.sub, role, channelCode: typeof payload.channel === 'string' ? payload.channel : undefined }
  } catch (err) {
    if (err instanceof InvalidTokenError) throw err
    if (err instanceof joseErrors.JWTExpired) throw new InvalidTokenError('expired')
    throw new InvalidTokenError('invalid')
  }
}
