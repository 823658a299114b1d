import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { uniqueCode } from '../helpers/unique.ts'

const t = useTestApp()

const CREATE_SKU = /* GraphQL */ `
  mutation ($input: CreateSkuInput!) {
    createSku(input: $input) { sku { id code name unitCost abcClass } userErrors { field message code } }
  }`
const CREATE_LOCATION = /* GraphQL */ `
  mutation ($input: CreateLocationInput!) {
    createLocation(input: $input) { location { id code kind cutoffTime dailyPickCapacity feedManaged } userErrors { field message code } }
  }`
const CREATE_CHANNEL = /* GraphQL */ `
  mutation ($input: CreateChannelInput!) { createChannel(input: $input) { channel { id code kind } userErrors { field message code } } }`

describe('catalog and network administration', () => {
  it('creates a SKU that can then be read by code and by global id', async () => {
    const code = uniqueCode('SKU')
    const res = await t().gql(CREATE_SKU, { input: { code, name: 'Trail Runner 42', unitCost: '31.50', abcClass: 'A' } }, { role: 'OPERATIONS' })
    expect(res.data.createSku.userErrors).toEqual([])
    expect(res.data.createSku.sku).toMatchObject({ code, name: 'Trail Runner 42', unitCost: '31.5', abcClass: 'A' })
    const byNode = await t().gql(`query ($id: ID!) { node(id: $id) { ... on Sku { code } } }`, { id: res.data.createSku.sku.id })
    expect(byNode.data.node.code).toBe(code)
    const byCode = await t().gql(`query ($c: String!) { sku(code: $c) { name } }`, { c: code })
    expect(byCode.data.sku.name).toBe('Trail Runner 42')
  })

  it('refuses a duplicate SKU code and a negative cost with typed userErrors, writing nothing', async () => {
    const code = uniqueCode('SKU')
    await t().gql(CREATE_SKU, { input: { code, name: 'First', unitCost: 1 } })
    const before = await t().app.db.prisma.sku.count()

    const dup = await t().gql(CREATE_SKU, { input: { code, name: 'Second', unitCost: 2 } })
    expect(dup.data.createSku).toEqual({
      sku: null,
      userErrors: [{ field: ['input', 'code'], message: `SKU ${code} already exists`, code: 'ALREADY_EXISTS' }],
    })
    const negative = await t().gql(CREATE_SKU, { input: { code: uniqueCode('SKU'), name: 'Neg', unitCost: '-3' } })
    expect(negative.data.createSku.sku).toBeNull()
    expect(negative.data.createSku.userErrors).toEqual([
      { field: ['input', 'unitCost'], message: 'Unit cost cannot be negative', code: 'INVALID_INPUT' },
    ])
    const badCode = await t().gql(CREATE_SKU, { input: { code: 'has space', name: '', unitCost: 1 } })
    expect(badCode.data.createSku.userErrors.map((e: { field: string[] }) => e.field.join('.')).sort()).toEqual(['input.code', 'input.name'])
    expect(await t().app.db.prisma.sku.count()).toBe(before)
  })

  it('creates locations with capacity and cut-off, and refuses bad ones', async () => {
    const code = uniqueCode('DC')
    const res = await t().gql(CREATE_LOCATION, {
      input: { code, name: 'East DC', kind: 'WAREHOUSE', dailyPickCapacity: 800, cutoffTime: '14:30', timezone: 'America/New_York' },
    })
    expect(res.data.createLocation).toMatchObject({
      location: { code, kind: 'WAREHOUSE', cutoffTime: '14:30', dailyPickCapacity: 800, feedManaged: false },
      userErrors: [],
    })
    const tpl = await t().gql(CREATE_LOCATION, { input: { code: uniqueCode('3PL'), name: '3PL', kind: 'THIRD_PARTY' } })
    expect(tpl.data.createLocation.location.feedManaged).toBe(true)

    const bad = await t().gql(CREATE_LOCATION, {
      input: { code: uniqueCode('DC'), name: 'Bad', kind: 'WAREHOUSE', cutoffTime: '25:00', dailyPickCapacity: -1, timezone: 'Mars/Base' },
    })
    const fields = bad.data.createLocation.userErrors.map((e: { field: string[] }) => e.field.at(-1)).sort()
    expect(fields).toEqual(['cutoffTime', 'dailyPickCapacity'])
    const badTz = await t().gql(CREATE_LOCATION, { input: { code: uniqueCode('DC'), name: 'Bad', kind: 'WAREHOUSE', timezone: 'Mars/Base' } })
    expect(badTz.data.createLocation.userErrors[0]).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'timezone'] })
  })

  it('creates channels and lists them as a cursor connection with edges and nodes', async () => {
    const codes = [uniqueCode('CH'), uniqueCode('CH'), uniqueCode('CH')]
    for (const code of codes) {
      const res = await t().gql(CREATE_CHANNEL, { input: { code, name: code, kind: 'WHOLESALE' } })
      expect(res.data.createChannel.userErrors).toEqual([])
    }
    const dup = await t().gql(CREATE_CHANNEL, { input: { code: codes[0], name: 'again', kind: 'WHOLESALE' } })
    expect(dup.data.createChannel.userErrors[0].code).toBe('ALREADY_EXISTS')

    const page1 = await t().gql('{ channels(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { code } } nodes { code } } }')
    const c = page1.data.channels
    expect(c.edges.map((e: { node: { code: string } }) => e.node.code)).toEqual(c.nodes.map((n: { code: string }) => n.code))
    expect(c.pageInfo.hasNextPage).toBe(c.totalCount > 2)
    const page2 = await t().gql('query ($after: String) { channels(first: 100, after: $after) { nodes { code } } }', { after: c.pageInfo.endCursor })
    const all = [...c.nodes, ...page2.data.channels.nodes].map((n: { code: string }) => n.code)
    expect(all).toEqual(expect.arrayContaining(codes))
    expect(new Set(all).size).toBe(c.totalCount)
  })

  it('reads a stock position with every quantity bucket', async () => {
    const sku = uniqueCode('SKU')
    const loc = uniqueCode('DC')
    await t().gql(CREATE_SKU, { input: { code: sku, name: 'Bucketed', unitCost: 2 } })
    await t().gql(CREATE_LOCATION, { input: { code: loc, name: 'DC', kind: 'WAREHOUSE' } })
    const prisma = t().app.db.prisma
    const [s, l] = await Promise.all([prisma.sku.findUniqueOrThrow({ where: { code: sku } }), prisma.location.findUniqueOrThrow({ where: { code: loc } })])
    await prisma.stockPosition.create({
      data: { skuId: s.id, locationId: l.id, onHand: 50, reserved: 10, damaged: 3, qualityControl: 2, safetyStock: 5, incoming: 40, inTransit: 7 },
    })
    const res = await t().gql(
      'query ($s: String!, $l: String!) { stockPosition(sku: $s, locationCode: $l) { onHand reserved available damaged qualityControl incoming inTransit safetyStock } }',
      { s: sku, l: loc },
    )
    expect(res.data.stockPosition).toEqual({ onHand: 50, reserved: 10, available: 30, damaged: 3, qualityControl: 2, incoming: 40, inTransit: 7, safetyStock: 5 })
  })
  it('the same create sent three times at once makes one record; the others get ALREADY_EXISTS, not an unexpected error', async () => {
    // Two admins, or one double-click: the pre-check passes for both, and the database's unique key decides.
    const thrice = (query: string, input: Record<string, unknown>) => Promise.all([0, 1, 2].map(() => t().gql(query, { input })))
    const outcome = (results: any[], field: string) => results.map((r) => r.errors?.[0].extensions?.code ?? r.data[field].userErrors[0]?.code ?? 'OK').sort()
    const sku = uniqueCode('SKU')
    const location = uniqueCode('WH')
    const channel = uniqueCode('CH')
    const twice = ['ALREADY_EXISTS', 'ALREADY_EXISTS', 'OK']
    expect(outcome(await thrice(CREATE_SKU, { code: sku, name: 'Race', unitCost: '1.00' }), 'createSku')).toEqual(twice)
    expect(outcome(await thrice(CREATE_LOCATION, { code: location, name: 'Race', kind: 'WAREHOUSE' }), 'createLocation')).toEqual(twice)
    expect(outcome(await thrice(CREATE_CHANNEL, { code: channel, name: 'Race', kind: 'STOREFRONT' }), 'createChannel')).toEqual(twice)
    const CREATE_BIN = `mutation ($input: CreateBinInput!) { createBin(input: $input) { userErrors { code } } }`
    expect(outcome(await thrice(CREATE_BIN, { code: 'R-01', locationCode: location, sequence: 1 }), 'createBin')).toEqual(twice)
    const SET_RULE = `mutation ($input: SetAllocationRuleInput!) { setAllocationRule(input: $input) { userErrors { code } } }`
    expect(outcome(await thrice(SET_RULE, { channelCode: channel, sku, kind: 'PERCENTAGE_CAP', percentage: 30 }), 'setAllocationRule')).toEqual(['OK', 'OK', 'OK'])
    const prisma = t().app.db.prisma
    expect(await prisma.sku.count({ where: { code: sku } })).toBe(1)
    expect(await prisma.bin.count({ where: { code: 'R-01', location: { code: location } } })).toBe(1)
    // Setting a rule replaces it: three at once leave one.
    expect(await prisma.allocationRule.count({ where: { channel: { code: channel } } })).toBe(1)
  })
})
