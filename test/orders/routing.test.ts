import { describe, expect, it } from 'vitest'
import { checkAddress, planRouting, zoneOf, type RoutingNode } from '@ops-hub/domain'

const node = (code: string, stock: Record<number, number>, extra: Partial<RoutingNode> = {}): RoutingNode => ({
  locationId: code.charCodeAt(0),
  code,
  country: 'US',
  region: 'NV',
  postalCode: '89101',
  shippingCost: 5,
  atCapacity: false,
  stock: new Map(Object.entries(stock).map(([k, v]) => [Number(k), v])),
  ...extra,
})
const shipTo = { country: 'US', region: 'IL', postalCode: '62701' }

describe('planRouting', () => {
  it('ships complete from one node when it can, even if another node is closer for part of it', () => {
    const plan = planRouting(
      [{ lineId: 1, skuId: 10, quantity: 2 }, { lineId: 2, skuId: 20, quantity: 2 }],
      [node('A', { 10: 5, 20: 5 }), node('B', { 10: 5 }, { region: 'IL' })],
      shipTo,
    )
    expect(plan.decision.rule).toBe('SHIP_COMPLETE')
    expect(new Set(plan.assignments.map((a) => a.locationId))).toEqual(new Set(['A'.charCodeAt(0)]))
    expect(plan.decision.rejected).toEqual([expect.objectContaining({ code: 'B', reason: 'cannot ship complete (2 of 4 units)' })])
  })

  it('breaks ties by zone, then cost', () => {
    const lines = [{ lineId: 1, skuId: 10, quantity: 1 }]
    expect(planRouting(lines, [node('A', { 10: 5 }), node('B', { 10: 5 }, { region: 'IL' })], shipTo).decision.nodes[0].code).toBe('B')
    expect(planRouting(lines, [node('A', { 10: 5 }), node('B', { 10: 5 }, { postalCode: '60601' })], shipTo).decision.nodes[0].code).toBe('B')
    expect(planRouting(lines, [node('A', { 10: 5 }, { shippingCost: 9 }), node('B', { 10: 5 }, { shippingCost: 4 })], shipTo).decision.nodes[0].code).toBe('B')
    expect(zoneOf(node('C', {}, { country: 'CA' }), shipTo).zone).toBe(4)
  })

  it('splits by stock when no node can ship complete, and explains why', () => {
    const plan = planRouting(
      [{ lineId: 1, skuId: 10, quantity: 3 }, { lineId: 2, skuId: 20, quantity: 2 }],
      [node('A', { 10: 3 }), node('B', { 20: 2, 10: 1 })],
      shipTo,
    )
    expect(plan.decision.rule).toBe('SPLIT')
    expect(plan.decision.summary).toMatch(/No single node can ship all 5 units \(best: A with 3\)\. Split across A \(3\), B \(2\)/)
    expect(plan.assignments).toEqual([
      { lineId: 1, skuId: 10, locationId: 65, quantity: 3 },
      { lineId: 2, skuId: 20, locationId: 66, quantity: 2 },
    ])
  })

  it('skips a node at capacity unless it is the only one with stock', () => {
    const lines = [{ lineId: 1, skuId: 10, quantity: 1 }]
    const full = node('A', { 10: 5 }, { region: 'IL', atCapacity: true, capacityNote: 'released 40 of 40 for 2026-11-25' })
    const plan = planRouting(lines, [full, node('B', { 10: 5 })], shipTo)
    expect(plan.decision.nodes[0].code).toBe('B')
    expect(plan.decision.rejected).toEqual([{ locationId: 65, code: 'A', reason: 'at capacity: released 40 of 40 for 2026-11-25' }])
    const only = planRouting(lines, [full], shipTo)
    expect(only.decision.nodes[0].code).toBe('A')
    expect(only.decision.summary).toMatch(/at capacity today/)
  })

  it('takes from a full node what the nodes with room cannot cover, rather than backordering it', () => {
    const lines = [{ lineId: 1, skuId: 10, quantity: 3 }]
    const busy = node('A', { 10: 5 }, { atCapacity: true, queueDays: 1, capacityNote: 'released 10 of 10 for 2026-03-04, 4 more waiting for release' })
    const plan = planRouting(lines, [busy, node('B', { 10: 1 })], shipTo)
    expect(plan.decision.rule).toBe('SPLIT')
    expect(plan.assignments).toEqual([
      { lineId: 1, skuId: 10, locationId: 66, quantity: 1 },
      { lineId: 1, skuId: 10, locationId: 65, quantity: 2 },
    ])
    expect(plan.decision.summary).toMatch(/^No node with release capacity left can ship all 3 units \(best: B with 1; A could, but is at capacity \(released 10 of 10 for 2026-03-04, 4 more waiting for release; 1 working day of queue\)\)\. Split across B \(1\), A \(2\)\. A is at capacity today: its part waits for release rather than being backordered\.$/)
    expect(plan.decision.rejected).toEqual([])
  })

  it('when every node with stock is full, the one that will release soonest takes the order, whatever its zone', () => {
    const lines = [{ lineId: 1, skuId: 10, quantity: 1 }]
    const nearButBacklogged = node('A', { 10: 5 }, { region: 'IL', atCapacity: true, queueDays: 3, capacityNote: 'released 10 of 10 for 2026-03-04, 25 more waiting for release' })
    const farButFlowing = node('B', { 10: 5 }, { atCapacity: true, queueDays: 0, capacityNote: 'released 60 of 65 for 2026-03-04, 5 more waiting for release' })
    const plan = planRouting(lines, [nearButBacklogged, farButFlowing], shipTo)
    expect(plan.decision.rule).toBe('SHIP_COMPLETE')
    expect(plan.decision.nodes[0].code).toBe('B')
    expect(plan.decision.summary).toMatch(/Every node with stock is at capacity today/)
    expect(plan.decision.rejected[0].reason).toMatch(/^could also ship complete, but B ranks first \(.*0 working days of queue\) vs .*3 working days of queue\)\)$/)
  })

  it('is PARTIAL when stock runs out and BACKORDER when there is none', () => {
    expect(planRouting([{ lineId: 1, skuId: 10, quantity: 5 }], [node('A', { 10: 2 })], shipTo).decision.rule).toBe('PARTIAL')
    const none = planRouting([{ lineId: 1, skuId: 10, quantity: 5 }], [node('A', { 10: 0 })], shipTo)
    expect(none.decision.rule).toBe('BACKORDER')
    expect(none.decision.rejected[0].reason).toMatch(/no promisable stock/)
  })
})

describe('address checks', () => {
  const ok = { name: 'Pat', line1: '1 Main St', city: 'Town' }
  it.each([
    ['US', '12345', 'CA', true], ['US', '12345-6789', 'CA', true], ['US', '1234', 'CA', false],
    ['CA', 'K1A 0B1', 'ON', true], ['CA', '12345', 'ON', false],
    ['GB', 'SW1A 1AA', null, true], ['GB', 'EC1A1BB', null, true], ['GB', '12345', null, false],
    ['DE', '10115', null, true], ['DE', '1011', null, false], ['FR', '75001', null, true],
    ['NL', '1234 AB', null, true], ['NL', '1234AB', null, true], ['NL', '12345', null, false],
    ['AU', '2000', 'NSW', true], ['AU', '20000', 'NSW', false], ['JP', '100-0001', null, true], ['JP', '', null, false],
  ])('%s %s is %s', (country, postalCode, region, valid) => {
    expect(checkAddress({ ...ok, country, postalCode, region }).length === 0).toBe(valid)
  })
  it('requires name, line1, city and a region where carriers need one', () => {
    expect(checkAddress({ name: '', line1: ' ', city: 'X', postalCode: '12345', country: 'US', region: 'CA' }).map((p) => p.field)).toEqual(['name', 'line1'])
    expect(checkAddress({ ...ok, postalCode: '12345', country: 'US' }).map((p) => p.field)).toEqual(['region'])
  })
})
