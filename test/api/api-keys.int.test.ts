import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { uniqueCode } from '../helpers/unique.ts'

const t = useTestApp()

const CREATE_KEY = /* GraphQL */ `
  mutation ($input: CreateApiKeyInput!) {
    createApiKey(input: $input) { key apiKey { id prefix role channel { code } } userErrors { field message code } }
  }`

describe('API keys for partners and integrations', () => {
  it('issues a channel-scoped partner key that authenticates, then stops working once revoked', async () => {
    const channel = uniqueCode('MKT')
    await t().gql(`mutation ($i: CreateChannelInput!) { createChannel(input: $i) { userErrors { code } } }`, {
      i: { code: channel, name: 'Marketplace', kind: 'MARKETPLACE' },
    })
    const created = await t().gql(CREATE_KEY, { input: { name: 'Marketplace sync', role: 'PARTNER', channelCode: channel } })
    const { key, apiKey, userErrors } = created.data.createApiKey
    expect(userErrors).toEqual([])
    expect(key).toMatch(/^ohk_[a-z0-9]{10}_/)
    expect(apiKey).toMatchObject({ role: 'PARTNER', channel: { code: channel } })

    // Only a hash is stored: the secret part of the key appears nowhere in the table.
    const row = await t().app.db.prisma.apiKey.findUniqueOrThrow({ where: { prefix: apiKey.prefix } })
    // The secret is base64url and may itself contain '_': take everything after `ohk_<prefix>_`.
    const secret = key.slice(`ohk_${apiKey.prefix}_`.length)
    expect(secret.length).toBeGreaterThanOrEqual(32)
    expect(JSON.stringify(row)).not.toContain(secret)

    const viewer = await t().gql('{ viewer { id role channelCode } }', {}, { token: key })
    expect(viewer.data.viewer).toEqual({ id: `apikey:${apiKey.prefix}`, role: 'PARTNER', channelCode: channel })
    const channels = await t().gql('{ channels(first: 10) { nodes { code } } }', {}, { token: key })
    expect(channels.data.channels.nodes).toEqual([{ code: channel }])

    // Two admins revoking at once: one revocation, its time kept; the other is told the key is already revoked.
    const REVOKE = `mutation ($i: RevokeApiKeyInput!) { revokeApiKey(input: $i) { apiKey { revokedAt } userErrors { code } } }`
    const revocations = await Promise.all([0, 1].map(() => t().gql(REVOKE, { i: { id: apiKey.id } })))
    const [revoked] = revocations.filter((r) => r.data.revokeApiKey.apiKey)
    expect(revocations.map((r) => r.data.revokeApiKey.userErrors[0]?.code ?? 'OK').sort()).toEqual(['ILLEGAL_TRANSITION', 'OK'])
    expect(revoked.data.revokeApiKey.apiKey.revokedAt).toBeTruthy()
    expect((await t().app.db.prisma.apiKey.findUniqueOrThrow({ where: { prefix: apiKey.prefix } })).revokedAt!.toISOString()).toBe(
      revoked.data.revokeApiKey.apiKey.revokedAt,
    )
    const after = await t().gql('{ viewer { role } }', {}, { token: key })
    expect(after.status).toBe(401)
    expect(after.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED')
  })

  it('refuses a tampered key, a partner key without a channel, and key management by non-admins', async () => {
    const tampered = await t().gql('{ viewer { role } }', {}, { token: 'ohk_abcdefghij_' + 'x'.repeat(32) })
    expect(tampered.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED')

    const noChannel = await t().gql(CREATE_KEY, { input: { name: 'x', role: 'PARTNER' } })
    expect(noChannel.data.createApiKey.userErrors).toEqual([
      { field: ['input', 'channelCode'], message: 'A PARTNER key must be bound to a channel', code: 'INVALID_INPUT' },
    ])
    const asOps = await t().gql(CREATE_KEY, { input: { name: 'x', role: 'OPERATIONS' } }, { role: 'OPERATIONS' })
    expect(asOps.errors?.[0].extensions?.code).toBe('FORBIDDEN')
    expect(await t().app.db.prisma.apiKey.count({ where: { name: 'x' } })).toBe(0)
  })
})
