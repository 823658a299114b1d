import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { createStockedPosition, createWarehouse } from '../helpers/factories/inventory.ts'

const t = useTestApp()

const ADJUST = `mutation ($input: AdjustInventoryInput!) { adjustInventory(input: $input) {
  adjustment { anomalyFlags anomalyScore anomaly { flags robustZ robustZMethod size historySize median mad zThreshold actorNegativeCount repeatCount hoursSinceCount localHour } }
  userErrors { code message } } }`

/** A fixed-offset zone where the wall clock now shows `hour` (Etc/GMT+N is N hours behind UTC). */
function zoneAtLocalHour(hour: number): string {
  const n = ((new Date().getUTCHours() - hour + 36) % 24) - 12
  return n >= 0 ? `Etc/GMT+${n}` : `Etc/GMT-${-n}`
}

async function warehouseAt(hour: number) {
  return createWarehouse(t().app.db.prisma, { timezone: zoneAtLocalHour(hour) })
}

async function adjust(sku: string, locationCode: string, quantityDelta: number, sub: string) {
  const reason = quantityDelta > 0 ? 'FOUND' : 'SHRINKAGE'
  const res = await t().gql(ADJUST, { input: { sku, locationCode, quantityDelta, reason } }, { role: 'OPERATIONS', sub })
  expect(res.errors).toBeUndefined()
  expect(res.data.adjustInventory.userErrors).toEqual([])
  return res.data.adjustInventory.adjustment
}

describe('adjustment anomaly flags over the API (one rule each, each alone)', () => {
  it('SIZE_OUTLIER: exposes the robust z-score of a size far out of the SKU’s pattern, with its median and MAD', async () => {
    const location = await warehouseAt(12)
    const { sku } = await createStockedPosition(t().app.db.prisma, { onHand: 1000, unitCost: 1, location })
    // Five usual corrections by five different people: 2 3 2 4 3 units.
    for (const [i, q] of [2, 3, 2, 4, 3].entries()) await adjust(sku.code, location.code, q, `usual-${i}@test`)
    const usual = await adjust(sku.code, location.code, 4, 'usual-5@test')
    expect(usual.anomalyFlags).toEqual([])
    expect(usual.anomaly).toMatchObject({ robustZ: 0.67, median: 3, mad: 1, historySize: 5, robustZMethod: 'MAD' })
    const outlier = await adjust(sku.code, location.code, 40, 'usual-6@test')
    expect(outlier.anomalyFlags).toEqual(['SIZE_OUTLIER'])
    // history 2 3 2 4 3 4: median 3, MAD 1 -> M = 0.6745 x 37
    expect(outlier.anomaly).toMatchObject({ flags: ['SIZE_OUTLIER'], size: 40, historySize: 6, median: 3, mad: 1, zThreshold: 3.5 })
    expect(outlier.anomaly.robustZ).toBeCloseTo(0.6745 * 37, 1)
  })

  it('REPEATED_NEGATIVE: the same person’s third write-down within 24 hours', async () => {
    const location = await warehouseAt(12)
    const skus = await Promise.all([1, 2, 3].map(() => createStockedPosition(t().app.db.prisma, { onHand: 100, unitCost: 1, location })))
    const first = await adjust(skus[0].sku.code, location.code, -1, 'writer@test')
    const second = await adjust(skus[1].sku.code, location.code, -1, 'writer@test')
    expect([first.anomalyFlags, second.anomalyFlags]).toEqual([[], []])
    const third = await adjust(skus[2].sku.code, location.code, -1, 'writer@test')
    expect(third.anomalyFlags).toEqual(['REPEATED_NEGATIVE'])
    expect(third.anomaly).toMatchObject({ actorNegativeCount: 3, repeatCount: 3 })
    // Someone else's write-down of the same SKU is their first.
    expect((await adjust(skus[2].sku.code, location.code, -1, 'colleague@test')).anomalyFlags).toEqual([])
  })

  it('AFTER_COUNT: an adjustment within 24 hours of the position’s last count', async () => {
    const prisma = t().app.db.prisma
    const location = await warehouseAt(12)
    const counted = await createStockedPosition(prisma, { onHand: 100, unitCost: 1, location })
    const earlier = await createStockedPosition(prisma, { onHand: 100, unitCost: 1, location })
    await prisma.stockPosition.update({ where: { id: counted.position.id }, data: { lastCountedAt: new Date(Date.now() - 2 * 3_600_000) } })
    await prisma.stockPosition.update({ where: { id: earlier.position.id }, data: { lastCountedAt: new Date(Date.now() - 30 * 3_600_000) } })
    const after = await adjust(counted.sku.code, location.code, 2, 'counter@test')
    expect(after.anomalyFlags).toEqual(['AFTER_COUNT'])
    expect(after.anomaly.hoursSinceCount).toBeCloseTo(2, 0)
    expect((await adjust(earlier.sku.code, location.code, 2, 'counter@test')).anomalyFlags).toEqual([])
  })

  it('OFF_HOURS: made at night in the location’s own time zone', async () => {
    const prisma = t().app.db.prisma
    const night = await warehouseAt(3)
    const day = await warehouseAt(12)
    const a = await createStockedPosition(prisma, { onHand: 100, unitCost: 1, location: night })
    const b = await createStockedPosition(prisma, { onHand: 100, unitCost: 1, location: day })
    const late = await adjust(a.sku.code, night.code, 2, 'nightowl@test')
    expect(late.anomalyFlags).toEqual(['OFF_HOURS'])
    expect(late.anomaly.localHour).toBe(3)
    expect((await adjust(b.sku.code, day.code, 2, 'nightowl@test')).anomalyFlags).toEqual([])
  })

  it('lists only flagged adjustments when asked, flags typed as an enum', async () => {
    const res = await t().gql(`{ adjustments(anomalous: true, first: 50) { nodes { anomalyFlags anomaly { flags } } } }`, undefined, { role: 'FINANCE' })
    const nodes = res.data.adjustments.nodes as Array<{ anomalyFlags: string[]; anomaly: { flags: string[] } }>
    expect(nodes.length).toBeGreaterThanOrEqual(4)
    for (const n of nodes) {
      expect(n.anomalyFlags.length).toBeGreaterThan(0)
      expect(n.anomaly.flags).toEqual(n.anomalyFlags)
    }
  })
})
