import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { Client, cacheExchange, fetchExchange } from '@urql/core'
import { persistedExchange } from '@urql/exchange-persisted'
import { FEATURES_DIR, dashboardOperations, documentFiles } from '../../apps/web/scripts/persisted-operations.mts'
import { useTestApp } from '../helpers/test-app.ts'

const t = useTestApp()

async function post(body: Record<string, unknown>, as: { role: 'ADMIN' | 'OPERATIONS' | 'PARTNER'; channel?: string; sub?: string }) {
  const token = await t().token(as.role, as.channel, as.sub)
  const res = await fetch(`${t().url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) })
  return (await res.json()) as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> }
}
const byHash = (hash: string, variables: Record<string, unknown> = {}) => ({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } })

describe('persisted operations', () => {
  it('extracts every operation of every apps/web/features/*/*.graphql.ts, with no list kept by hand', async () => {
    const ops = await dashboardOperations()
    const files = documentFiles()
    expect(files.length).toBeGreaterThanOrEqual(7)
    for (const file of files) {
      // Each operation keyword at the start of a template literal is one document the file exports.
      const declared = (fs.readFileSync(file, 'utf8').match(/`\s*(query|mutation|subscription)\b/g) ?? []).length
      const found = [...ops.values()].filter((o) => o.source.startsWith(file.slice(file.indexOf('features/')))).length
      expect(found, file).toBeGreaterThanOrEqual(declared)
      expect(found, file).toBeGreaterThan(0)
    }
  })

  it('the dashboard\'s client sends exactly the hashes of the manifest (urql with persistedExchange)', async () => {
    const ops = [...(await dashboardOperations()).values()].filter((o) => o.kind !== 'subscription')
    const sent: Array<{ query?: string; extensions?: { persistedQuery?: { sha256Hash: string } } }> = []
    const client = new Client({
      url: 'http://hub.invalid/graphql',
      exchanges: [cacheExchange, persistedExchange({ preferGetForPersistedQueries: false, enableForMutation: true }), fetchExchange],
      fetch: async (_url, init) => {
        sent.push(JSON.parse(String(init?.body)))
        return new Response(JSON.stringify({ data: null }), { headers: { 'content-type': 'application/json' } })
      },
    })
    for (const op of ops) {
      const [file, name] = op.source.split('#')
      // `name` is the export, or a path into an exported object of documents (DECIDE_MUTATIONS.approveAdjustment).
      const mod = await import(/* @vite-ignore */ pathToFileURL(path.join(FEATURES_DIR, '..', file)).href)
      const source = name.split('.').reduce((v: any, key) => v[key], mod) as string
      await (op.kind === 'mutation' ? client.mutation(source, {}) : client.query(source, {}, { requestPolicy: 'network-only' })).toPromise()
    }
    expect(sent.map((b) => b.extensions?.persistedQuery?.sha256Hash).sort()).toEqual(ops.map((o) => o.hash).sort())
    expect(sent.every((b) => b.query === undefined)).toBe(true)
  })

  it('runs an operation of the manifest sent by hash, and refuses a hash not on the list with PERSISTED_QUERY_NOT_IN_LIST', async () => {
    const viewer = [...(await dashboardOperations()).values()].find((o) => o.name === 'Viewer')!
    const ok = await post(byHash(viewer.hash), { role: 'OPERATIONS' })
    expect(ok.errors).toBeUndefined()
    expect(ok.data.viewer).toBeTruthy()
    const unknown = await post(byHash('0'.repeat(64)), { role: 'OPERATIONS' })
    expect(unknown.data ?? null).toBeNull()
    expect(unknown.errors).toEqual([expect.objectContaining({ message: 'PersistedQueryNotFound', extensions: expect.objectContaining({ code: 'PERSISTED_QUERY_NOT_IN_LIST' }) })])
  })

  it('holds partners to the allow-list when the setting requires it; staff may still send any operation', async () => {
    const prisma = t().app.db.prisma
    await prisma.setting.create({ data: { key: 'api.persistedOperations', value: { requiredForRoles: ['PARTNER'], requiredForKeys: [] } } })
    await new Promise((r) => setTimeout(r, 5_100)) // settings are cached for 5 s
    const partner = { role: 'PARTNER' as const, channel: 'MKT-PQ', sub: 'partner-pq' }
    const text = await post({ query: '{ viewer { role } }' }, partner)
    expect(text.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_ID_REQUIRED')
    expect((await post({ query: '{ viewer { role } }' }, { role: 'OPERATIONS' })).errors).toBeUndefined()

    // An admin registers the partner's operation; then the partner runs it by hash.
    const document = 'query PartnerOrders { orders(first: 5) { nodes { number status } } }'
    const reg = await post({ query: 'mutation ($i: RegisterPersistedOperationInput!) { registerPersistedOperation(input: $i) { persistedOperation { hash } userErrors { code } } }', variables: { i: { document, name: 'PartnerOrders' } } }, { role: 'ADMIN' })
    expect(reg.data.registerPersistedOperation.userErrors).toEqual([])
    const hash = reg.data.registerPersistedOperation.persistedOperation.hash
    expect(hash).toBe(crypto.createHash('sha256').update(document).digest('hex'))
    const run = await post(byHash(hash), partner)
    expect(run.errors).toBeUndefined()
    expect(run.data.orders.nodes).toEqual([])
    // A document that does not validate is refused and not registered.
    const bad = await post({ query: 'mutation ($i: RegisterPersistedOperationInput!) { registerPersistedOperation(input: $i) { userErrors { code field } } }', variables: { i: { document: '{ nope }' } } }, { role: 'ADMIN' })
    expect(bad.data.registerPersistedOperation.userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'document'] }])
    expect(await prisma.persistedOperation.count()).toBe(1)
    await prisma.setting.delete({ where: { key: 'api.persistedOperations' } })
  })
})
