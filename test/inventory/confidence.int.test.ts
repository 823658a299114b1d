import { describe, expect, it } from 'vitest'
import { inTransaction, refreshAllConfidence, refreshConfidence, scoreConfidence, type ConfidenceInputs, type ConfidenceParams } from '@ops-hub/domain'
import { useTestApp } from '../helpers/test-app.ts'
import { createStockedPosition, createThirdPartyLocation } from '../helpers/factories/inventory.ts'

const t = useTestApp()
const HOUR = 3_600_000

const params: ConfidenceParams = {
  countIntervalDays: { A: 30, B: 90, C: 365 },
  feedExpectedHours: 6,
  weights: { countAge: 0.3, countVariance: 0.2, sourceFreshness: 0.25, unreconciled: 0.15, manualAdjustments: 0.1 },
}

describe('inventory confidence', () => {
  it('scores a 3PL position lower as its feed ages and back up after a clean count (pure, time passed in)', () => {
    const t0 = new Date('2026-03-01T08:00:00Z')
    const inputs: ConfidenceInputs = {
      abcClass: 'B', onHand: 200, createdAt: new Date('2026-01-01T00:00:00Z'), lastCountedAt: new Date('2026-02-01T00:00:00Z'),
      lastCountVarianceRatio: 0, feedManaged: true, lastFeedAt: t0, unreconciledUnits: 0, manualAdjustments30d: 0,
    }
    const fresh = scoreConfidence(inputs, t0, params)
    const sixHours = scoreConfidence(inputs, new Date(t0.getTime() + 6 * HOUR), params)
    const twoDays = scoreConfidence(inputs, new Date(t0.getTime() + 48 * HOUR), params)
    expect(fresh.score).toBeGreaterThan(0.8)
    expect(sixHours.score).toBeLessThan(fresh.score)
    expect(twoDays.score).toBeLessThan(0.6)
    expect(twoDays.factors.find((f) => f.name === 'sourceFreshness')).toMatchObject({ value: 0, weight: 0.25 })
    const counted = scoreConfidence({ ...inputs, lastCountedAt: new Date(t0.getTime() + 48 * HOUR) }, new Date(t0.getTime() + 48 * HOUR), params)
    expect(counted.score).toBeGreaterThan(0.9)
    // A warehouse (not feed-managed) position has no freshness factor at all.
    expect(scoreConfidence({ ...inputs, feedManaged: false }, new Date(t0.getTime() + 48 * HOUR), params).factors.map((f) => f.name)).not.toContain('sourceFreshness')
  })

  it('stores the score orchestration reads: a stale 3PL position drops below the threshold and recovers after a clean count', async () => {
    const prisma = t().app.db.prisma
    const location = await createThirdPartyLocation(prisma)
    const { sku, position } = await createStockedPosition(prisma, { onHand: 120, location, abcClass: 'B' })
    const feedAt = new Date(Date.now() - 2 * HOUR)
    await prisma.stockPosition.update({ where: { id: position.id }, data: { lastFeedAt: feedAt, lastCountedAt: new Date(Date.now() - 10 * 86_400_000) } })
    await inTransaction(prisma, (tx) => refreshConfidence(tx, { positionIds: [position.id] }, new Date()))
    const QUERY = `query ($sku: String!, $loc: String!) { stockPosition(sku: $sku, locationCode: $loc) { confidence { score belowThreshold factors { name value weight explanation } } } }`
    const fresh = (await t().gql(QUERY, { sku: sku.code, loc: location.code })).data.stockPosition.confidence
    expect(fresh.belowThreshold).toBe(false)

    // The ageing job runs later: the feed is now two days old.
    await inTransaction(prisma, (tx) => refreshConfidence(tx, { locationId: location.id }, new Date(Date.now() + 46 * HOUR)))
    const stale = (await t().gql(QUERY, { sku: sku.code, loc: location.code })).data.stockPosition.confidence
    expect(stale.score).toBeLessThan(fresh.score)
    expect(stale.belowThreshold).toBe(true)
    expect(stale.factors.find((f: { name: string }) => f.name === 'sourceFreshness').explanation).toMatch(/h ago/)

    const scheduled = await t().gql(
      `mutation ($input: ScheduleCycleCountsInput!) { scheduleCycleCounts(input: $input) { scheduled userErrors { code } } }`,
      { input: { locationCode: location.code, horizonDays: 100 } },
      { role: 'OPERATIONS' },
    )
    expect(scheduled.errors ?? []).toEqual([])
    expect(scheduled.data.scheduleCycleCounts.scheduled).toBe(1)
    const count = await prisma.cycleCount.findFirstOrThrow({ where: { stockPositionId: position.id } })
    const recorded = await t().gql(
      `mutation ($input: RecordCountInput!) { recordCount(input: $input) { cycleCount { status variance } userErrors { code } } }`,
      { input: { cycleCountId: Buffer.from(`CycleCount:${count.id}`).toString('base64'), countedQuantity: 120 } },
      { role: 'OPERATIONS' },
    )
    expect(recorded.data.recordCount).toEqual({ cycleCount: { status: 'COMPLETED', variance: 0 }, userErrors: [] })
    const recovered = (await t().gql(QUERY, { sku: sku.code, loc: location.code })).data.stockPosition.confidence
    expect(recovered.score).toBeGreaterThan(stale.score)
    expect(recovered.belowThreshold).toBe(false)
    expect((await prisma.stockPosition.findUniqueOrThrow({ where: { id: position.id } })).confidence).toBe(recovered.score)
  })

  it('ages every position page by page (a transaction each), storing what one refresh at the same instant stores', async () => {
    const { db } = t().app
    const prisma = db.prisma
    const location = await createThirdPartyLocation(prisma)
    for (const onHand of [10, 20, 30, 40, 50]) await createStockedPosition(prisma, { onHand, location })
    await prisma.stockPosition.updateMany({ where: { locationId: location.id }, data: { lastFeedAt: new Date(Date.now() - 30 * HOUR) } })
    const stored = async () =>
      (await prisma.stockPosition.findMany({ orderBy: { id: 'asc' } })).map((p) => ({ id: p.id, score: p.confidence, factors: p.confidenceFactors, at: p.confidenceUpdatedAt }))
    const later = new Date(Date.now() + 3 * 86_400_000)

    const total = await prisma.stockPosition.count()
    expect(await refreshAllConfidence(db, { now: later, pageSize: 2 })).toBe(total)
    const paged = await stored()
    expect(paged.every((p) => p.at?.getTime() === later.getTime())).toBe(true)
    // Three days on, the 3PL positions' feed is stale: the pass lowered them.
    const mine = await prisma.stockPosition.findMany({ where: { locationId: location.id } })
    expect(mine.every((p) => p.confidence < 0.6)).toBe(true)

    await inTransaction(prisma, (tx) => refreshConfidence(tx, { all: true }, later))
    expect(await stored()).toEqual(paged)
  })
})
