import { afterEach, describe, expect, it, vi } from 'vitest'
import { InvalidTokenError, signToken, verifyToken } from '@ops-hub/domain'

// verifyToken keeps the tokens it verified (by exact text) so a client's repeated requests skip the signature check;
// what must not change: an expired token is refused, and a token that differs in any character is verified afresh.
const SECRET = 'token-cache-test-secret-0123456789abcdef'

describe('verified-token cache', () => {
  afterEach(() => vi.useRealTimers())

  it('answers a verified token again, refuses it once expired, and never lets a forged copy through', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2026-06-01T12:00:00Z'))
    const token = await signToken(SECRET, { sub: 'cache@ops', role: 'OPERATIONS' }, '60s')
    expect(await verifyToken(SECRET, token)).toEqual({ id: 'cache@ops', role: 'OPERATIONS', channelCode: undefined })
    expect(await verifyToken(SECRET, token)).toEqual({ id: 'cache@ops', role: 'OPERATIONS', channelCode: undefined })
    // Same header and claims, another signature: not the cached token.
    const [header, payload, signature] = token.split('.')
    const forged = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`
    await expect(verifyToken(SECRET, forged)).rejects.toThrow(InvalidTokenError)
    // Another secret (another hub in the same process): verified against its own secret.
    await expect(verifyToken(`${SECRET}-other`, token)).rejects.toThrow(InvalidTokenError)
    vi.setSystemTime(new Date('2026-06-01T12:01:00Z'))
    await expect(verifyToken(SECRET, token)).rejects.toMatchObject({ reason: 'expired' })
  })
})
