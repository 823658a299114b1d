import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'

const t = useTestApp({ rateLimits: { partnerPerMinute: 5, staffPerMinute: 8 } })

describe('per-client rate limits', () => {
  it('answers 429 with Retry-After once a partner exceeds its budget, without affecting other clients', async () => {
    const partner = { role: 'PARTNER' as const, channel: 'MKT-RL', sub: 'partner-rl' }
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) statuses.push((await t().gql('{ viewer { role } }', {}, partner)).status)
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200])
    expect(statuses.slice(5)).toEqual([429, 429])

    const token = await t().token('PARTNER', 'MKT-RL', 'partner-rl')
    const res = await fetch(`${t().url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ viewer { role } }' }),
    })
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    const body = await res.json()
    expect(body.errors[0].extensions.code).toBe('RATE_LIMITED')

    // Another client has its own budget.
    expect((await t().gql('{ viewer { role } }', {}, { role: 'OPERATIONS', sub: 'ops-rl' })).status).toBe(200)
  })
})
