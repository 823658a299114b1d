// Orders placed through the public placeOrder mutation, named by the state they are meant to reach.
import type { Role } from '@ops-hub/db'
import type { TestApp } from '../test-app.ts'
import { uniqueCode } from '../unique.ts'

export const ORDER_FIELDS = /* GraphQL */ `
  id number status priority shipBy serviceLevel holds nextStates
  channel { code }
  lines { sku quantity allocatedQuantity backorderedQuantity allocations { location { code } quantity status } }
  fulfillmentOrders { number location { code } status shipBy priority }
  exceptions { id type ownerRole status severity }
  routingDecision { rule summary nodes { location { code } reason quantity } rejected { location { code } reason } }
`

export const PLACE_ORDER = /* GraphQL */ `
  mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { created order { ${ORDER_FIELDS} } userErrors { field message code } } }`

export interface LineSpec {
  sku: string
  quantity: number
  unitPrice?: string
}

/** A valid PlaceOrderInput (authorized payment, low fraud score, good US address) with overrides. */
export function orderInput(channelCode: string, lines: LineSpec[], overrides: Record<string, unknown> = {}) {
  return {
    channelCode,
    externalId: uniqueCode('EXT'),
    serviceLevel: 'STANDARD',
    customer: { email: 'pat@example.com', name: 'Pat Buyer', phone: '+1 555 0100' },
    shipTo: { name: 'Pat Buyer', line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
    payment: { status: 'AUTHORIZED', fraudScore: 0.05 },
    lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice ?? '10.00' })),
    ...overrides,
  }
}

export async function placeOrder(app: TestApp, input: Record<string, unknown>, role: Role = 'OPERATIONS') {
  const res = await app.gql(PLACE_ORDER, { input }, { role })
  if (res.errors) throw new Error(`placeOrder errored: ${JSON.stringify(res.errors)}`)
  return res.data.placeOrder as { created: boolean; order: any; userErrors: Array<{ field: string[] | null; message: string; code: string }> }
}

/** An order that reserved all its lines (throws if it did not). */
export async function createAllocatedOrder(app: TestApp, channelCode: string, lines: LineSpec[], overrides: Record<string, unknown> = {}) {
  const payload = await placeOrder(app, orderInput(channelCode, lines, overrides))
  if (payload.order?.status !== 'ALLOCATED') throw new Error(`expected ALLOCATED, got ${JSON.stringify(payload)}`)
  return payload.order
}
