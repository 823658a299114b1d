import { describe, expect, it } from 'vitest'
import { SignJWT } from 'jose'
import { useTestApp, TEST_SECRET } from '../helpers/test-app.ts'
import { uniqueCode } from '../helpers/unique.ts'

const t = useTestApp()

const CREATE_CHANNEL = /* GraphQL */ `
  mutation ($input: CreateChannelInput!) { createChannel(input: $input) { channel { id code } userErrors { field message code } } }`

describe('authentication and roles', () => {
  it('answers { __typename } and health without a token', async () => {
    const res = await t().gql('{ __typename health }', {}, { token: null })
    expect(res.status).toBe(200)
    expect(res.data).toEqual({ __typename: 'Query', health: 'ok' })
  })

  it('refuses guarded fields without a token with UNAUTHENTICATED', async () => {
    const res = await t().gql('{ skus(first: 1) { totalCount } }', {}, { token: null })
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED')
    expect(res.data?.skus ?? null).toBeNull()
  })

  it('refuses forged and expired tokens with UNAUTHENTICATED', async () => {
    const forged = await new SignJWT({ role: 'ADMIN' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setIssuer('ops-hub')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-hub-secret-at-all-000000'))
    const expired = await new SignJWT({ role: 'ADMIN' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('late')
      .setIssuer('ops-hub')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(TEST_SECRET))
    for (const token of [forged, expired, 'not-a-jwt']) {
      const res = await t().gql('{ viewer { role } }', {}, { token })
      expect(res.status).toBe(401)
      expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED')
      expect(res.data ?? null).toBeNull()
    }
    const expiredMsg = await t().gql('{ viewer { role } }', {}, { token: expired })
    expect(expiredMsg.errors?.[0].message).toMatch(/expired/i)
  })

  it('tells a caller who they are', async () => {
    const res = await t().gql('{ viewer { role channelCode } }', {}, { role: 'PARTNER', channel: 'MKT-A' })
    expect(res.data?.viewer).toEqual({ role: 'PARTNER', channelCode: 'MKT-A' })
  })

  it('forbids CUSTOMER_SERVICE from creating a SKU and writes nothing', async () => {
    const code = uniqueCode('SKU')
    const res = await t().gql(
      `mutation ($input: CreateSkuInput!) { createSku(input: $input) { sku { code } userErrors { code } } }`,
      { input: { code, name: 'Widget', unitCost: '1.00' } },
      { role: 'CUSTOMER_SERVICE' },
    )
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN')
    expect(await t().app.db.prisma.sku.count({ where: { code } })).toBe(0)
  })

  it('keeps a partner inside its own channel, by number and by node(id:)', async () => {
    const a = uniqueCode('CHA')
    const b = uniqueCode('CHB')
    for (const code of [a, b]) {
      const res = await t().gql(CREATE_CHANNEL, { input: { code, name: code, kind: 'MARKETPLACE' } })
      expect(res.data.createChannel.userErrors).toEqual([])
    }
    const prisma = t().app.db.prisma
    const channelB = await prisma.channel.findUniqueOrThrow({ where: { code: b } })
    const orderB = await prisma.order.create({
      data: {
        channelId: channelB.id, externalId: uniqueCode('EXT'), customerEmail: 'b@example.com', customerName: 'B',
        shipToName: 'B', shipToLine1: '1 Main St', shipToCity: 'Springfield', shipToPostalCode: '12345', shipToCountry: 'US',
        paymentStatus: 'AUTHORIZED',
      },
    })
    const asPartnerA = { role: 'PARTNER' as const, channel: a }
    const byNumber = await t().gql(`query ($n: String!) { order(number: $n) { number } }`, { n: orderB.number }, asPartnerA)
    expect(byNumber.data.order).toBeNull()

    const staff = await t().gql(`query ($n: String!) { order(number: $n) { id number } }`, { n: orderB.number }, { role: 'CUSTOMER_SERVICE' })
    const globalId = staff.data.order.id
    expect(staff.data.order.number).toBe(orderB.number)

    const byNode = await t().gql(`query ($id: ID!) { node(id: $id) { ... on Order { number customerEmail } } }`, { id: globalId }, asPartnerA)
    expect(byNode.data?.node ?? null).toBeNull()
    expect(JSON.stringify(byNode)).not.toContain('b@example.com')
    expect(byNode.errors?.[0].extensions?.code).toBe('FORBIDDEN')

    const list = await t().gql(`{ orders(first: 50) { nodes { number } } }`, {}, asPartnerA)
    expect(list.data.orders.nodes.map((o: { number: string }) => o.number)).not.toContain(orderB.number)

    const asPartnerB = await t().gql(`query ($id: ID!) { node(id: $id) { ... on Order { number } } }`, { id: globalId }, { role: 'PARTNER', channel: b })
    expect(asPartnerB.data.node.number).toBe(orderB.number)
  })

  it('allows introspection to staff only', async () => {
    const q = '{ __schema { queryType { name } } }'
    expect((await t().gql(q, {}, { role: 'OPERATIONS' })).data.__schema.queryType.name).toBe('Query')
    expect((await t().gql(q, {}, { role: 'PARTNER', channel: 'X' })).errors?.[0].message).toMatch(/introspection/i)
    expect((await t().gql(q, {}, { token: null })).errors?.[0].message).toMatch(/introspection/i)
  })
})
