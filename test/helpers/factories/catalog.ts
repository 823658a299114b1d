// Catalog and network factories that go through the public API (createChannel/createLocation/createSku),
// so test data is shaped exactly like what operators create.
import type { TestApp } from '../test-app.ts'
import { uniqueCode } from '../unique.ts'

async function mutate(app: TestApp, query: string, input: Record<string, unknown>, field: string) {
  const res = await app.gql(query, { input }, { role: 'OPERATIONS' })
  const payload = res.data?.[field]
  if (!payload || payload.userErrors.length) throw new Error(`${field} failed: ${JSON.stringify(res.errors ?? payload.userErrors)}`)
  return payload
}

export async function createSalesChannel(app: TestApp, opts: { kind?: 'STOREFRONT' | 'MARKETPLACE' | 'WHOLESALE'; code?: string; priority?: number } = {}) {
  const code = opts.code ?? uniqueCode(opts.kind ?? 'SHOP')
  await mutate(app, `mutation ($input: CreateChannelInput!) { createChannel(input: $input) { channel { id } userErrors { message } } }`, { code, name: `Channel ${code}`, kind: opts.kind ?? 'STOREFRONT', ...(opts.priority !== undefined ? { priority: opts.priority } : {}) }, 'createChannel')
  return code
}

export interface NodeOptions {
  code?: string
  dailyPickCapacity?: number
  dailyPackCapacity?: number
  cutoffTime?: string
  timezone?: string
  region?: string
  postalCode?: string
  country?: string
  shippingCostPerOrder?: string
  kind?: 'WAREHOUSE' | 'THIRD_PARTY' | 'STORE'
}

/** An active fulfilment node (warehouse by default) with its capacity, cut-off and address. */
export async function createFulfilmentNode(app: TestApp, opts: NodeOptions = {}) {
  const code = opts.code ?? uniqueCode('WH')
  await mutate(
    app,
    `mutation ($input: CreateLocationInput!) { createLocation(input: $input) { location { id } userErrors { message } } }`,
    {
      code,
      name: `Node ${code}`,
      kind: opts.kind ?? 'WAREHOUSE',
      dailyPickCapacity: opts.dailyPickCapacity ?? 1000,
      ...(opts.dailyPackCapacity !== undefined ? { dailyPackCapacity: opts.dailyPackCapacity } : {}),
      cutoffTime: opts.cutoffTime ?? '15:00',
      timezone: opts.timezone ?? 'UTC',
      region: opts.region ?? 'NV',
      postalCode: opts.postalCode ?? '89101',
      country: opts.country ?? 'US',
      shippingCostPerOrder: opts.shippingCostPerOrder ?? '5.00',
    },
    'createLocation',
  )
  return code
}

export async function createSellableSku(app: TestApp, opts: { code?: string; unitCost?: string } = {}) {
  const code = opts.code ?? uniqueCode('SKU')
  await mutate(app, `mutation ($input: CreateSkuInput!) { createSku(input: $input) { sku { id } userErrors { message } } }`, { code, name: `Item ${code}`, unitCost: opts.unitCost ?? '4.00', unitPrice: '10.00' }, 'createSku')
  return code
}
