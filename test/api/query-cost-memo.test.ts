// The requested cost is remembered per parsed document and variables, and the actual cost walks a plan made once per
// selection: neither may let one request's figure stand for another's.
import { describe, expect, it } from 'vitest'
import { parse } from 'graphql'
import { actualQueryCost, requestedQueryCost, schema } from '@ops-hub/schema'

const PAGE = parse(`query ($n: Int) { orders(first: $n) { nodes { number lines { sku } } } }`)

describe('query cost, remembered', () => {
  it('gives the same parsed document a cost per set of variables, however often and in whatever order it is asked', () => {
    const cost = (n: number) => requestedQueryCost(schema, PAGE, null, { n }, {})!.cost
    const five = cost(5)
    const fifty = cost(50)
    expect(fifty).toBeGreaterThan(five)
    // Asked again, in the other order, and after more variable sets than are remembered per document.
    for (let n = 1; n <= 100; n++) cost(n)
    expect([cost(50), cost(5)]).toEqual([fifty, five])
    // Each page of n orders costs 2 + n x (the order 1 + its lines 5 x 1), the connection's model.
    expect(five).toBe(2 + 5 * (1 + 5))
    // Variables that do not coerce are unmeasurable (null), remembered as such without hiding a later good request.
    expect(requestedQueryCost(schema, PAGE, null, { n: 'many' }, {})).toBeNull()
    expect(cost(5)).toBe(five)
  })

  it('counts what came back, object by object, for every response of the same document', () => {
    const response = (orders: number, lines: number) => ({
      orders: { nodes: Array.from({ length: orders }, (_, i) => ({ number: `OH-${i}`, lines: Array.from({ length: lines }, () => ({ sku: 'SKU-1' })) })) },
    })
    expect(actualQueryCost(schema, PAGE, null, response(3, 2))).toBe(2 + 3 * (1 + 2))
    expect(actualQueryCost(schema, PAGE, null, response(0, 0))).toBe(2)
    expect(actualQueryCost(schema, PAGE, null, response(10, 1))).toBe(2 + 10 * (1 + 1))
  })
})
