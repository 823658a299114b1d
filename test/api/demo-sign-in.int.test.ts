import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../apps/api/src/app.ts'
import { createLogger } from '../../apps/api/src/logger.ts'
import { useTestApp, TEST_SECRET } from '../helpers/test-app.ts'

const t = useTestApp({ demoSignIn: true })

async function demoToken(baseUrl: string, body: unknown, origin?: string) {
  const res = await fetch(`${baseUrl}/auth/demo-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
    body: JSON.stringify(body),
  })
  return { status: res.status, headers: res.headers, body: (await res.json().catch(() => null)) as { token?: string; error?: string } | null }
}

describe('demo sign-in (POST /auth/demo-token) when the app is built with demoSignIn', () => {
  it('tells the dashboard that demo mode is on and which roles it offers', async () => {
    const res = await fetch(`${t().url}/auth/demo-token`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      demoMode: true,
      roles: ['EXECUTIVE', 'OPERATIONS', 'PROCUREMENT', 'FINANCE', 'CUSTOMER_SERVICE', 'ADMIN'],
    })
  })

  it('issues a token the API accepts for the requested role', async () => {
    const res = await demoToken(t().url, { role: 'FINANCE' })
    expect(res.status).toBe(200)
    const viewer = await t().gql('{ viewer { role channelCode } }', {}, { token: res.body!.token! })
    expect(viewer.data?.viewer).toEqual({ role: 'FINANCE', channelCode: null })
  })

  it('issues a partner token bound to its channel, and refuses a partner without one', async () => {
    const ok = await demoToken(t().url, { role: 'PARTNER', channel: 'MKT-DEMO' })
    const viewer = await t().gql('{ viewer { role channelCode } }', {}, { token: ok.body!.token! })
    expect(viewer.data?.viewer).toEqual({ role: 'PARTNER', channelCode: 'MKT-DEMO' })
    const missing = await demoToken(t().url, { role: 'PARTNER' })
    expect(missing.status).toBe(400)
    expect(missing.body?.token).toBeUndefined()
  })

  it('refuses an unknown role and a body that is not JSON', async () => {
    expect((await demoToken(t().url, { role: 'SUPERUSER' })).status).toBe(400)
    const res = await fetch(`${t().url}/auth/demo-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'role=ADMIN' })
    expect(res.status).toBe(400)
  })

  it('answers a browser on another origin (the dashboard runs on its own port)', async () => {
    const preflight = await fetch(`${t().url}/auth/demo-token`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    })
    expect(preflight.status).toBeLessThan(300)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:3000')
    const res = await demoToken(t().url, { role: 'OPERATIONS' }, 'http://localhost:3000')
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000')
  })
})

describe('demo sign-in when the app is built without demoSignIn (the default)', () => {
  let plain: App
  let url: string
  beforeAll(async () => {
    plain = await buildApp({ db: t().database.db, secret: TEST_SECRET, logger: createLogger('silent') })
    url = await plain.start(0)
  })
  afterAll(async () => {
    await plain?.stop()
  })

  it('answers 404 and issues no token', async () => {
    expect((await fetch(`${url}/auth/demo-token`)).status).toBe(404)
    const res = await demoToken(url, { role: 'ADMIN' })
    expect(res.status).toBe(404)
    expect(res.body?.token).toBeUndefined()
  })
})
