import { describe, expect, it } from 'vitest'
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
} from 'graphql'
import { schema } from '@ops-hub/schema'
import { useTestApp } from '../helpers/test-app.ts'
import { seededRandom } from '../helpers/seeded-random.ts'
import { createStockedNode } from '../helpers/factories/warehouse.ts'
import { createDeliveredOrder } from '../helpers/factories/fulfillment.ts'

// Promise: bad input gets a clear, typed error, never 'Unexpected error'. Every mutation and every query with
// arguments is called with random inputs built from its argument types: codes and ids of a small real world mixed
// with what clients get wrong (empty, huge, NUL, emoji, SQL, ids out of range or of another type, dates far off).
// Whatever the answer (data, userErrors, a refusal with a code), it must not be a masked internal error.

const t = useTestApp()
// More samples or another seed to search harder: BAD_INPUT_SAMPLES=50 BAD_INPUT_SEED=7 npx vitest run test/api/bad-input
const SAMPLES = Number(process.env.BAD_INPUT_SAMPLES ?? 6)
const SEED = Number(process.env.BAD_INPUT_SEED ?? 20261127)

const gid = (typename: string, id: string | number) => Buffer.from(`${typename}:${id}`).toString('base64')

async function world() {
  const { channel, node, sku } = await createStockedNode(t(), 10, 'R-01')
  const delivered = await createDeliveredOrder(t(), channel, node, [{ sku, quantity: 1 }])
  const order = (await t().gql(`query ($n: String!) { order(number: $n) { id } }`, { n: delivered.order.number })).data.order.id as string
  return { channel, node, sku, order, orderNumber: delivered.order.number, tracking: delivered.trackingNumber, fulfillmentOrder: delivered.fulfillmentOrderId }
}

type World = Awaited<ReturnType<typeof world>>

function generator(w: World, rnd: () => number) {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]
  const strings = [
    '', ' ', 'x'.repeat(5000), 'a\u0000b', '💥🚚', "'; DROP TABLE orders; --", 'javascript:alert(1)', 'https://example.com/doc/1', 'R-01', 'UPS', 'GROUND',
    w.channel, w.node, w.sku, w.orderNumber, w.tracking, 'NO-SUCH-CODE',
  ]
  const ids = [
    'abc', '1', w.order, w.fulfillmentOrder, gid('Order', 2_147_483_648), gid('Order', -1), gid('Order', '1e3'), gid('Order', 99_999_999),
    gid('Sku', 1), gid('Return', 1), gid('Adjustment', 1), gid('Transfer', 1), gid('Exception', 1), gid('ApiKey', 1),
  ]
  const scalar = (name: string): unknown => {
    switch (name) {
      case 'String': return pick(strings)
      case 'ID': return pick(ids)
      case 'Int': return pick([0, -1, 1, 2, 10, 2_147_483_647, -2_147_483_648])
      case 'Float': case 'Decimal': return pick([0, -1, 0.5, 1e300, 12.34])
      case 'Boolean': return rnd() < 0.5
      case 'DateTime': return pick(['1970-01-01T00:00:00Z', '2020-01-01T00:00:00Z', new Date().toISOString(), '9999-12-31T23:59:59Z'])
      case 'JSON': return pick([{}, { a: 1 }, [], 'x'])
      default: return pick(strings)
    }
  }
  const value = (type: GraphQLInputType, depth = 0): unknown => {
    if (isNonNullType(type)) return value(type.ofType, depth)
    if (isListType(type)) return Array.from({ length: pick([0, 1, 1, 2, 3]) }, () => value(type.ofType, depth + 1))
    if (isEnumType(type)) return pick(type.getValues()).name
    if (isInputObjectType(type)) {
      const out: Record<string, unknown> = {}
      for (const field of Object.values(type.getFields())) if (isNonNullType(field.type) || rnd() < 0.6) out[field.name] = value(field.type, depth + 1)
      return out
    }
    if (isScalarType(type)) return scalar(type.name)
    return null
  }
  return { value }
}

function document(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>) {
  const args = field.args
  const selection = isScalarType(getNamedType(field.type)) || isEnumType(getNamedType(field.type)) ? '' : '{ __typename }'
  const params = args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ')
  return `${kind}(${params}) { ${field.name}(${args.map((a) => `${a.name}: $${a.name}`).join(', ')}) ${selection} }`
}

const pageArg = (a: GraphQLArgument) => a.name === 'first' || a.name === 'last'

describe('bad input at the API', () => {
  it('answers random inputs to every mutation and query with data, userErrors or a coded refusal, never an unexpected error', { timeout: 240_000 }, async () => {
    const w = await world()
    const rnd = seededRandom(SEED)
    const { value } = generator(w, rnd)
    const fields = [
      ...Object.values(schema.getMutationType()!.getFields()).map((f) => ['mutation', f] as const),
      ...Object.values(schema.getQueryType()!.getFields()).filter((f) => f.args.length > 0).map((f) => ['query', f] as const),
    ]
    const unexpected: string[] = []
    let calls = 0
    for (const [kind, field] of fields) {
      const query = document(kind, field)
      for (let i = 0; i < SAMPLES; i++) {
        const variables = Object.fromEntries(field.args.map((a) => [a.name, pageArg(a) ? 1 + Math.floor(rnd() * 100) : value(a.type)]))
        const res = await t().gql(query, variables)
        calls++
        if (res.status >= 500 || res.errors?.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR')) {
          unexpected.push(`${field.name} ${JSON.stringify(variables).slice(0, 400)}`)
        }
      }
    }
    expect(unexpected).toEqual([])
    expect(calls).toBeGreaterThan(fields.length * SAMPLES - 1)
  })
})
