import { describe, expect, it } from 'vitest'
import { bundleProgress, statusAfterEdit, unitsPerBundle } from '@ops-hub/domain'

const line = (quantity: number, c: Partial<{ allocated: number; backordered: number; shipped: number; cancelled: number; returned: number }> = {}) => ({
  quantity,
  allocatedQuantity: c.allocated ?? 0,
  backorderedQuantity: c.backordered ?? 0,
  shippedQuantity: c.shipped ?? 0,
  cancelledQuantity: c.cancelled ?? 0,
  returnedQuantity: c.returned ?? 0,
})

describe('bundle line progress, derived from its components', () => {
  it('counts whole bundles: the scarcest component decides', () => {
    const bundle = { quantity: 3, cancelledQuantity: 0 }
    const c1 = line(6, { allocated: 5, backordered: 1 }) // 2 per bundle
    const c2 = line(3, { allocated: 3 }) // 1 per bundle
    expect(unitsPerBundle(c1, bundle)).toBe(2)
    expect(bundleProgress(bundle, [c1, c2])).toEqual({ allocatedQuantity: 2, backorderedQuantity: 1, shippedQuantity: 0, cancelledQuantity: 0, returnedQuantity: 0 })
  })

  it('ships and returns a bundle only when every component did', () => {
    const bundle = { quantity: 2, cancelledQuantity: 0 }
    const shipped = bundleProgress(bundle, [line(4, { allocated: 4, shipped: 4, returned: 2 }), line(2, { allocated: 2, shipped: 1, returned: 1 })])
    expect(shipped).toMatchObject({ shippedQuantity: 1, returnedQuantity: 1 })
  })

  it('never reports more bundles waiting than are neither placed nor cancelled', () => {
    const bundle = { quantity: 2, cancelledQuantity: 1 }
    expect(bundleProgress(bundle, [line(4, { cancelled: 2, backordered: 2 }), line(2, { cancelled: 1, backordered: 1 })]).backorderedQuantity).toBe(1)
  })
})

describe('statusAfterEdit', () => {
  const worked = (c: Parameters<typeof line>[1], quantity = 2) => ({ ...line(quantity, c), isBundle: false })
  it('closes an order with nothing left open: CANCELLED, or SHIPPED once anything shipped', () => {
    expect(statusAfterEdit('ALLOCATED', [worked({ cancelled: 2 })], [{ status: 'CANCELLED' }])).toBe('CANCELLED')
    expect(statusAfterEdit('PARTIALLY_SHIPPED', [worked({ allocated: 1, shipped: 1, cancelled: 1 })], [{ status: 'SHIPPED' }])).toBe('SHIPPED')
  })
  it('follows stock and release between allocation and release; leaves holds and floor work alone', () => {
    expect(statusAfterEdit('PARTIALLY_ALLOCATED', [worked({ allocated: 1, cancelled: 1 })], [{ status: 'OPEN' }])).toBe('ALLOCATED')
    expect(statusAfterEdit('RELEASED', [worked({ allocated: 2 })], [{ status: 'OPEN' }])).toBe('ALLOCATED')
    expect(statusAfterEdit('ALLOCATED', [worked({ allocated: 1, cancelled: 1 })], [{ status: 'RELEASED' }])).toBe('RELEASED')
    expect(statusAfterEdit('ALLOCATED', [worked({ backordered: 1, cancelled: 1 })], [])).toBe('BACKORDERED')
    expect(statusAfterEdit('ON_HOLD', [worked({ allocated: 1, cancelled: 1 })], [{ status: 'ON_HOLD' }])).toBe('ON_HOLD')
    expect(statusAfterEdit('IN_FULFILLMENT', [worked({ allocated: 1, cancelled: 1 })], [{ status: 'PICKING' }])).toBe('IN_FULFILLMENT')
  })
  it('ignores bundle lines: their components carry the units', () => {
    expect(statusAfterEdit('ALLOCATED', [{ ...line(1), isBundle: true }, worked({ cancelled: 2 })], [])).toBe('CANCELLED')
  })
})
