import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { liveClient, subscribe } from '../helpers/live-client.ts'

const t = useTestApp()

describe('public-API protection', () => {
  it('rejects a 40-deep query before execution', async () => {
    const deep = Array.from({ length: 40 }).reduce<string>((inner) => `subject { ... on Order { channel { id } lines { sku } } id ${inner} }`, 'id')
    const res = await t().gql(`{ exceptions(first: 1) { nodes { ${deep} } } }`)
    expect(res.data ?? null).toBeNull()
    expect(res.errors?.map((e) => e.message).join(' ')).toMatch(/depth/i)
  })

  it('rejects a 500-alias query before execution', async () => {
    const aliases = Array.from({ length: 500 }, (_, i) => `a${i}: health`).join(' ')
    const res = await t().gql(`{ ${aliases} }`)
    expect(res.data ?? null).toBeNull()
    expect(res.errors?.[0].message).toMatch(/alias/i)
  })

  it('rejects first: 100000 before execution', async () => {
    const res = await t().gql('{ skus(first: 100000) { nodes { code } } }')
    expect(res.data ?? null).toBeNull()
    expect(res.errors?.[0].extensions?.code).toBe('PAGE_SIZE_EXCEEDED')
  })

  it('rejects a query whose total cost is too high even when each page is legal', async () => {
    const pages = Array.from({ length: 25 }, (_, i) => `p${i}: orders(first: 100) { nodes { number lines { sku quantity } } }`).join(' ')
    const res = await t().gql(`{ ${pages} }`)
    expect(res.data ?? null).toBeNull()
    expect(res.errors?.[0].extensions?.code).toBe('MAX_COST_EXCEEDED')
  })

  it('caps page size at 100 and paginates with cursors', async () => {
    const res = await t().gql('{ skus(first: 101) { nodes { code } } }')
    expect(res.errors?.[0].extensions?.code).toBe('PAGE_SIZE_EXCEEDED')
    const viaVariable = await t().gql('query ($n: Int) { skus(first: $n) { nodes { code } } }', { n: 500 })
    expect(viaVariable.errors?.[0].message).toMatch(/at most|between 0 and 100/)
    const ok = await t().gql('{ skus(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } nodes { code } } }')
    expect(ok.errors).toBeUndefined()
    expect(ok.data.skus.totalCount).toBeGreaterThanOrEqual(0)
  })

  it('checks page sizes per request: one caller\'s first: 500 neither refuses nor lets through the same document for the next', async () => {
    // Validation results are cached per document; a check on variables made there once let the first caller decide.
    const query = 'query ($n: Int) { skus(first: $n) { nodes { code } } }'
    for (const n of [500, 5, 500, 5]) {
      const res = await t().gql(query, { n })
      if (n > 100) expect(res.errors?.[0].extensions?.code).toBe('PAGE_SIZE_EXCEEDED')
      else expect(res.errors).toBeUndefined()
    }
  })

  it('refuses a NUL character anywhere in the input with BAD_USER_INPUT before anything runs, over HTTP and WebSocket', async () => {
    // PostgreSQL cannot hold a NUL in text: it used to fail inside a lookup as an unexpected error.
    const viaVariable = await t().gql('mutation ($input: HandToCarrierInput!) { handToCarrier(input: $input) { userErrors { code } } }', {
      input: { trackingNumber: 'TRK\u00001' },
    })
    expect(viaVariable.errors).toEqual([
      { message: '$input.trackingNumber holds a NUL character (\\u0000), which text cannot hold', extensions: { code: 'BAD_USER_INPUT' } },
    ])
    const viaLiteral = await t().gql('{ skus(first: 1, search: "A\\u0000") { nodes { code } } }')
    expect(viaLiteral.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT')
    const client = liveClient(t().url, await t().token('OPERATIONS'))
    const live = subscribe(client, 'subscription ($n: String!) { orderUpdated(number: $n) { number } }', { n: 'OH-\u00001' })
    await live.ended
    expect(JSON.stringify(live.errors)).toMatch(/\$n holds a NUL character.*BAD_USER_INPUT/)
    await client.dispose()
  })

  it('takes global ids whose id is a positive 32-bit integer; node(id:) and nodes(ids:) answer null for what does not exist', async () => {
    const prisma = t().app.db.prisma
    const sku = await prisma.sku.create({ data: { code: `GID-${Date.now()}`, name: 'Global id probe', unitCost: 1 } })
    const gid = (typename: string, id: string | number) => Buffer.from(`${typename}:${id}`).toString('base64')
    const nodes = await t().gql('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [gid('Sku', sku.id), gid('Sku', 2_000_000_000), gid('Order', 2_000_000_000)] })
    expect(nodes).toMatchObject({ data: { nodes: [{ id: gid('Sku', sku.id) }, null, null] } })
    expect(nodes.errors).toBeUndefined()
    for (const id of ['2147483648', '-1', '0', '1e3', '12abc']) {
      const res = await t().gql('mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { userErrors { code } } }', { input: { orderId: gid('Order', id), reason: 'probe' } })
      expect(res.errors, id).toEqual([expect.objectContaining({ message: `Invalid global ID: ${gid('Order', id)}`, extensions: { code: 'BAD_USER_INPUT' } })])
    }
    const wrongType = await t().gql('mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { userErrors { code } } }', { input: { orderId: gid('Sku', sku.id), reason: 'probe' } })
    expect(wrongType.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT')
  })

  it('answers a query that a business rule refuses with that rule\'s code, not as an unexpected error', async () => {
    const res = await t().gql('{ inventoryRecordAccuracy(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z", locationCode: "NO-SUCH-NODE") { overall { accuracy } } }')
    expect(res.errors).toEqual([expect.objectContaining({ message: 'No location NO-SUCH-NODE', extensions: { code: 'NOT_FOUND', field: ['locationCode'] } })])
  })

  it('masks unexpected errors: no stack traces or SQL reach the client, and the error is logged', async () => {
    // A real failure inside the database: the table a query reads is gone for a moment.
    const prisma = t().app.db.prisma
    await prisma.$executeRawUnsafe('ALTER TABLE "skus" RENAME TO "skus_away"')
    try {
      const res = await t().gql('{ skus(first: 1) { nodes { code } } }')
      expect(res.errors).toEqual([{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }])
      expect(JSON.stringify(res)).not.toMatch(/skus_away|relation|SELECT |prisma|stack|\.ts:\d+/i)
    } finally {
      await prisma.$executeRawUnsafe('ALTER TABLE "skus_away" RENAME TO "skus"')
    }
  })

  it('refuses field suggestions that would leak the schema to anonymous callers', async () => {
    const res = await t().gql('{ skuz { code } }', {}, { token: null })
    expect(res.errors?.[0].message).not.toMatch(/Did you mean/)
  })
})
