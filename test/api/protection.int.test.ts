import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'

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
    expect(res.errors?.[0].message).toMatch(/complexity/i)
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

  it('masks unexpected errors: no stack traces or SQL reach the client', async () => {
    // A malformed global id makes the node loader throw an unexpected (non-GraphQL) error.
    const res = await t().gql('query ($id: ID!) { node(id: $id) { id } }', { id: 'bm90LWEtdmFsaWQtaWQ=' })
    const body = JSON.stringify(res)
    expect(body).not.toMatch(/at .*\.ts:\d+|SELECT |prisma|stack/i)
    expect(res.errors?.length).toBeGreaterThan(0)
  })

  it('refuses field suggestions that would leak the schema to anonymous callers', async () => {
    const res = await t().gql('{ skuz { code } }', {}, { token: null })
    expect(res.errors?.[0].message).not.toMatch(/Did you mean/)
  })
})
