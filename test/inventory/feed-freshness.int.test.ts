import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyFeedFreshness, importInventoryFeed, inTransaction, refreshConfidence } from '@ops-hub/domain'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'
import { createSku, createStockedPosition, createThirdPartyLocation } from '../helpers/factories/inventory.ts'

// Domain level, without the API (whose worker would apply the freshness on its own as soon as the import commits):
// what the import writes before commit, and what the deferred step adds after it.
let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database?.drop())

const HOUR = 3_600_000
const ops = { id: 'freshness@test', role: 'OPERATIONS' as const }

describe('3PL feed freshness after commit', () => {
  it('the import lowers what it must at once; the deferred step only raises scores, covers only listed positions, and is idempotent', async () => {
    const { db } = database
    const prisma = db.prisma
    const location = await createThirdPartyLocation(prisma)
    // Created in this order, the unlisted position lies between listed ones: the covered set must leave a hole for it.
    const matched = await createStockedPosition(prisma, { onHand: 300, location })
    const unlisted = await createStockedPosition(prisma, { onHand: 50, location })
    const synced = await createStockedPosition(prisma, { onHand: 1000, location })
    const held = await createStockedPosition(prisma, { onHand: 1000, location })
    const now = new Date()
    await prisma.stockPosition.updateMany({ where: { locationId: location.id }, data: { lastFeedAt: new Date(now.getTime() - 48 * HOUR) } })
    await inTransaction(prisma, (tx) => refreshConfidence(tx, { locationId: location.id }, now))
    const scores = async () =>
      new Map((await prisma.stockPosition.findMany({ where: { locationId: location.id } })).map((p) => [p.skuId, p]))
    const before = await scores()

    const csv = `sku,quantity\n${matched.sku.code},300\n${synced.sku.code},998\n${held.sku.code},700\n`
    const report = await importInventoryFeed(db, { locationCode: location.code, csv }, ops, { now })
    expect(report).toMatchObject({ rowsRead: 3, accepted: 2, adjusted: 1, discrepancies: 1 })
    const afterImport = await scores()
    // Written before commit: the synced position (new on hand, fresh) and the held one (a pending delta weighs on it).
    expect(afterImport.get(synced.sku.id)!.onHand).toBe(998)
    expect(afterImport.get(synced.sku.id)!.lastFeedAt).toEqual(now)
    expect(afterImport.get(held.sku.id)!.confidenceUpdatedAt).toEqual(now)
    // The matched position waits for its gain: until then it keeps its older, lower score, never a higher one.
    expect(afterImport.get(matched.sku.id)!.confidence).toBe(before.get(matched.sku.id)!.confidence)
    const feed = await prisma.inventoryFeed.findUniqueOrThrow({ where: { id: report.feed.id } })
    expect(feed.freshnessAppliedAt).toBeNull()
    const [{ covered }] = await prisma.$queryRaw<Array<{ covered: string }>>`SELECT covered_positions::text AS covered FROM inventory_feeds WHERE id = ${report.feed.id}`
    const id = (sku: { id: number }) => afterImport.get(sku.id)!.id
    expect(covered).toBe(`{[${id(matched.sku)},${id(matched.sku) + 1}),[${id(synced.sku)},${id(held.sku) + 1})}`)

    const applied = await applyFeedFreshness(db, { feedId: report.feed.id, now: () => now })
    expect(applied).toEqual({ feeds: [report.feed.id], positions: 3 })
    const caughtUp = await scores()
    expect(caughtUp.get(matched.sku.id)!.lastFeedAt).toEqual(now)
    expect(caughtUp.get(matched.sku.id)!.confidence).toBeGreaterThan(before.get(matched.sku.id)!.confidence)
    for (const [skuId, p] of caughtUp) expect(p.confidence, `sku ${skuId}`).toBeGreaterThanOrEqual(afterImport.get(skuId)!.confidence)
    // A position the file did not list is not the feed's to refresh.
    expect(caughtUp.get(unlisted.sku.id)).toEqual(afterImport.get(unlisted.sku.id))
    expect((await prisma.inventoryFeed.findUniqueOrThrow({ where: { id: report.feed.id } })).freshnessAppliedAt).toEqual(now)
    // Live metrics hear that the location's confidence moved.
    const caughtUpEvents = await prisma.outboxEvent.findMany({ where: { topic: 'stock.feed_freshness_applied', aggregateId: report.feed.id } })
    expect(caughtUpEvents.map((e) => e.payload)).toEqual([{ locationId: location.id }])

    // Every stored score is what a plain refresh at the same instant gives.
    await inTransaction(prisma, (tx) => refreshConfidence(tx, { locationId: location.id }, now))
    expect(await scores()).toEqual(caughtUp)

    // Delivered again (at least once): same result.
    await prisma.inventoryFeed.update({ where: { id: report.feed.id }, data: { freshnessAppliedAt: null, freshnessCursor: 0 } })
    expect(await applyFeedFreshness(db, { feedId: report.feed.id, now: () => now })).toEqual({ feeds: [report.feed.id], positions: 3 })
    expect(await scores()).toEqual(caughtUp)
    expect(await applyFeedFreshness(db, { feedId: report.feed.id, now: () => now })).toEqual({ feeds: [], positions: 0 })
  })

  it('resumes page by page from the cursor, covering positions a full snapshot found missing and positions it created', async () => {
    const { db } = database
    const prisma = db.prisma
    const location = await createThirdPartyLocation(prisma)
    const listed = await Promise.all([1, 2, 3, 4, 5].map(() => createStockedPosition(prisma, { onHand: 10, location })))
    const missing = await createStockedPosition(prisma, { onHand: 4, location })
    const newHere = await createSku(prisma)
    const now = new Date()
    const csv = `sku,quantity\n${listed.map((p) => `${p.sku.code},10`).join('\n')}\n${newHere.code},3\n`
    const report = await importInventoryFeed(db, { locationCode: location.code, csv, fullSnapshot: true }, ops, { now })
    // The unlisted position of a full snapshot is a 4-unit delta (within tolerance: synced to 0), and covered; the
    // SKU new at this location gets a position, synced from 0 to 3.
    expect(report).toMatchObject({ rowsRead: 6, accepted: 7, adjusted: 2, discrepancies: 0 })
    const applied = await applyFeedFreshness(db, { now: () => now, pageSize: 2 })
    expect(applied.feeds).toContain(report.feed.id)
    const positions = await prisma.stockPosition.findMany({ where: { locationId: location.id } })
    expect(positions.every((p) => p.lastFeedAt?.getTime() === now.getTime())).toBe(true)
    expect(positions.find((p) => p.skuId === missing.sku.id)!.onHand).toBe(0)
    expect(positions.find((p) => p.skuId === newHere.id)!.onHand).toBe(3)
    expect(positions).toHaveLength(7)
    // Every position of the location between the lowest and highest covered id: stored as one range.
    const ids = positions.map((p) => p.id).sort((x, y) => x - y)
    const [{ covered }] = await prisma.$queryRaw<Array<{ covered: string }>>`SELECT covered_positions::text AS covered FROM inventory_feeds WHERE id = ${report.feed.id}`
    expect(covered).toBe(`{[${ids[0]},${ids[6] + 1})}`)
  })
})
