import crypto from 'node:crypto'
import type { PrismaClient } from '@ops-hub/db'
import type { Actor } from '../shared/actor.ts'
import { InvalidTokenError } from './tokens.ts'

/** API keys look like `ohk_<prefix>_<secret>`; only sha256(secret) is stored, the prefix finds the row. */
export const API_KEY_PATTERN = /^ohk_([a-z0-9]{10})_([A-Za-z0-9_-]{32,})$/

export function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex')
}

export function generateApiKey(): { prefix: string; secret: string; key: string } {
  const prefix = crypto.randomBytes(8).toString('hex').slice(0, 10)
  const secret = crypto.randomBytes(24).toString('base64url')
  return { prefix, secret, key: `ohk_${prefix}_${secret}` }
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith('ohk_')
}

/** Verifies a partner/integration API key: known prefix, matching secret, not revoked, not expired. */
export async function verifyApiKey(prisma: PrismaClient, token: string, now = new Date()): Promise<Actor> {
  const match = API_KEY_PATTERN.exec(token)
  if (!match) throw new InvalidTokenError('invalid')
  const key = await prisma.apiKey.findUnique({ where: { prefix: match[1] }, include: { channel: { select: { code: true } } } })
  if (!key) throw new InvalidTokenError('invalid')
  const expected = Buffer.from(key.secretHash, 'hex')
  const actual = Buffer.from(hashSecret(match[2]), 'hex')
  if (expected.length !== actual.length || !crypto.timingSafeEqual(expected, actual) || key.revokedAt) throw new InvalidTokenError('invalid')
  if (key.expiresAt && key.expiresAt <= now) throw new InvalidTokenError('expired')
  // Last use is informational; avoid a write per request by updating at most once a minute.
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000) {
    await prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: now } })
  }
  return { id: `apikey:${key.prefix}`, role: key.role, channelCode: key.channel?.code }
}
