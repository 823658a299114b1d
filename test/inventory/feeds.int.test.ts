import { describe, expect, it, vi } from 'vitest'
import { Readable } from 'node:stream'
import { importInventoryFeed, inTransaction, moveStock, refreshConfidence, systemActor } from '@ops-hub/domain'
import { useTestApp } from '../helpers/test-app.ts'
import { createSku, createStockedPosition, createThirdPartyLocation } from '../helpers/factories/inventory.ts'

const t = useTestApp()

const IMPORT = /* GraphQL */ `
  mutation ($input: ImportInventoryFeedInput!) {
    importInventoryFeed(input: $input) {
      feed { id status accepted discrepancies }
      rowsRead accepted adjusted rejected discrepancies
      userErrors { field message code }
    }
  }`
const ops = { role: 'OPERATIONS' as const, sub: 'feeds@test' }

describe('3PL batch feeds', () => {
  it('rejects a malformed file whole, naming every bad row, and changes nothing', async () => {
    const prisma = t().app.db.prisma
    const location = await createThirdPartyLocation(prisma)
    const { sku } = await createStockedPosition(prisma, { onHand: 1000, location })
    const other = await createSku(prisma)
    const csv = ['sku,quantity', `${sku.code},990`, `${other.code},abc`, 'NO-SUCH-SKU,4', `${other.code},-2`, `${sku.code},7`, `${other.code},3`].join('\n')
    const res = await t().gql(IMPORT, { input: { locationCode: location.code, csv } }, ops)
    const out = res.data.importInventoryFeed
    expect(out.feed).toBeNull()
    expect(out.rowsRead).toBe(6)
    expect(out.userErrors.map((e: { field: string[]; code: string }) => [e.field.join('.'), e.code])).toEqual([
      ['input.csv.row.3', 'INVALID_FEED'],
      ['input.csv.row.4', 'INVALID_FEED'],
      ['input.csv.row.5', 'INVALID_FEED'],
      ['input.csv.row.6', 'INVALID_FEED'],
    ])
    expect(out.userErrors[1].message).toMatch(/unknown SKU NO-SUCH-SKU/)
    expect(out.userErrors[3].message).toMatch(/repeats row 2/)
    expect(out.rejected).toBe(4)
    expect((await prisma.stockPosition.findFirstOrThrow({ where: { skuId: sku.id, locationId: location.id } })).onHand).toBe(1000)
    expect(await prisma.inventoryFeed.count({ where: { locationId: location.id } })).toBe(0)
    expect(await prisma.adjustment.count({ where: { locationId: location.id } })).toBe(0)
    expect((await prisma.location.findUniqueOrThrow({ where: { id: location.id } })).lastFeedAt).toBeNull()

    const badHeader = await t().gql(IMPORT, { input: { locationCode: location.code, csv: 'item,qty\nA,1' } }, ops)
    expect(badHeader.data.importInventoryFeed.userErrors).toEqual([expect.objectContaining({ field: ['input', 'csv', 'row', '1'], code: 'INVALID_FEED' })])
  })

  it('rejects text it cannot store or read as CSV (a NUL, bytes that are not UTF-8, a quote never closed) by its row, and changes nothing', async () => {
    const { prisma } = t().app.db
    const location = await createThirdPartyLocation(prisma)
    const { sku } = await createStockedPosition(prisma, { onHand: 40, location })
    const refused = async (csv: string) => {
      const out = (await t().gql(IMPORT, { input: { locationCode: location.code, csv } }, ops)).data.importInventoryFeed
      expect(out.feed).toBeNull()
      return out.userErrors.map((e: { field: string[]; code: string; message: string }) => [e.field.join('.'), e.code, e.message])
    }
    expect(await refused(`sku,quantity\n${sku.code},41\n"${sku.code},2\nX,3\n`)).toEqual([
      ['input.csv.row.3', 'INVALID_FEED', 'Row 3: a quoted field starting on this row is not closed before the end of the file'],
    ])
    expect(await refused(`sku,quantity\n${sku.code},41\n"X"Y,2\n`)).toEqual([
      ['input.csv.row.3', 'INVALID_FEED', 'Row 3: a closing quote must be followed by a comma or the end of the line'],
    ])
    // The CLI hands the file over as bytes (over GraphQL a NUL is refused before anything runs): a NUL, and a lot code
    // saved in Latin-1, are refused by their row, not sent to the database or stored with their letters lost.
    const fromBytes = (bytes: Buffer) => importInventoryFeed(t().app.db, { locationCode: location.code, csv: Readable.from([bytes]) }, { id: ops.sub, role: 'OPERATIONS' })
    const notText = 'holds a NUL character or bytes that are not UTF-8 text (save the file as UTF-8)'
    await expect(fromBytes(Buffer.from(`sku,quantity,lot\n${sku.code},41,L1\n${sku.code}\u0000,1,L2\n`))).rejects.toMatchObject({
      errors: [{ code: 'INVALID_FEED', field: ['input', 'csv', 'row', '3'], message: `Row 3: ${notText}` }],
    })
    await expect(fromBytes(Buffer.from(`sku,quantity,lot\n${sku.code},41,L\xf6t-5\n`, 'latin1'))).rejects.toMatchObject({
      errors: [{ code: 'INVALID_FEED', field: ['input', 'csv', 'row', '2'], message: `Row 2: ${notText}` }],
    })
    expect((await prisma.stockPosition.findFirstOrThrow({ where: { skuId: sku.id, locationId: location.id } })).onHand).toBe(40)
    expect(await prisma.inventoryFeed.count({ where: { locationId: location.id } })).toBe(0)
  })

  it('refuses a partial snapshot with a header and no rows, which would only stamp the location as fed; a full one means none held', async () => {
    const { prisma } = t().app.db
    const location = await createThirdPartyLocation(prisma)
    const { sku } = await createStockedPosition(prisma, { onHand: 2, location })
    const empty = (await t().gql(IMPORT, { input: { locationCode: location.code, csv: 'sku,quantity\n' } }, ops)).data.importInventoryFeed
    expect(empty).toMatchObject({ feed: null, rowsRead: 0, rejected: 1 })
    expect(empty.userErrors).toEqual([{ code: 'INVALID_FEED', field: ['input', 'csv', 'row', '2'], message: expect.stringMatching(/header but no rows/) }])
    expect((await prisma.location.findUniqueOrThrow({ where: { id: location.id } })).lastFeedAt).toBeNull()
    const none = (await t().gql(IMPORT, { input: { locationCode: location.code, csv: 'sku,quantity\n', fullSnapshot: true } }, ops)).data.importInventoryFeed
    expect(none).toMatchObject({ userErrors: [], rowsRead: 0, accepted: 1, adjusted: 1 })
    expect((await prisma.stockPosition.findFirstOrThrow({ where: { skuId: sku.id, locationId: location.id } })).onHand).toBe(0)
  })

  it('refuses a snapshot for a location that is not a 3PL: its own book is not overwritten by a file', async () => {
    const { prisma } = t().app.db
    const { sku, location } = await createStockedPosition(prisma, { onHand: 40 })
    const out = (await t().gql(IMPORT, { input: { locationCode: location.code, csv: `sku,quantity\n${sku.code},35\n` } }, ops)).data.importInventoryFeed
    expect(out.userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'locationCode'], message: `${location.code} is not a 3PL location: its stock is booked by its own receipts, picks and counts, not by snapshot files` }])
    expect((await prisma.stockPosition.findFirstOrThrow({ where: { skuId: sku.id, locationId: location.id } })).onHand).toBe(40)
    expect(await prisma.inventoryFeed.count({ where: { locationId: location.id } })).toBe(0)
  })

  it('rejects a file whose every row parses but names an unknown SKU or repeats a (sku, bin, lot); a SKU in two bins is fine', async () => {
    const prisma = t().app.db.prisma
    const location = await createThirdPartyLocation(prisma)
    const { sku } = await createStockedPosition(prisma, { onHand: 10, location })
    const csv = ['sku,quantity,bin', `${sku.code},4,A`, `${sku.code},6,B`, 'NO-SUCH-SKU,1,A', `${sku.code},1,B`].join('\n')
    const out = (await t().gql(IMPORT, { input: { locationCode: location.code, csv } }, ops)).data.importInventoryFeed
    expect(out.userErrors.map((e: { field: string[]; message: string }) => [e.field.join('.'), e.message])).toEqual([
      ['input.csv.row.4', 'Row 4: unknown SKU NO-SUCH-SKU'],
      ['input.csv.row.5', `Row 5: ${sku.code} repeats row 3`],
    ])
    expect(await prisma.inventoryFeed.count({ where: { locationId: location.id } })).toBe(0)
    const repeated = await t().gql(IMPORT, { input: { locationCode: location.code, csv: `sku,quantity\n${sku.code},4\n${sku.code},6\n` } }, ops)
    expect(repeated.data.importInventoryFeed.userErrors).toEqual([
      { field: ['input', 'csv', 'row', '3'], code: 'INVALID_FEED', message: `Row 3: ${sku.code} repeats row 2` },
    ])
    const ok = await t().gql(IMPORT, { input: { locationCode: location.code, csv: csv.split('\n').slice(0, 3).join('\n') } }, ops)
    expect(ok.data.importInventoryFeed).toMatchObject({ userErrors: [], rowsRead: 2, accepted: 1, adjusted: 0, discrepancies: 0 })
  })

  it('reads quoted CSV (bins with commas and quotes) exactly: bins of one SKU add up', async () => {
    const prisma = t().app.db.prisma
    const location = await createThirdPartyLocation(prisma)
    const { sku } = await createStockedPosition(prisma, { onHand: 10, location })
    const csv = `sku,quantity,bin\n${sku.code},4,"A,1"\n"${sku.code}",3,"say ""B"""\n${sku.code},3,C\n`
    const out = (await t().gql(IMPORT, { input: { locationCode: location.code, csv } }, ops)).data.importInventoryFeed
    expect(out).toMatchObject({ userErrors: [], rowsRead: 3, accepted: 1, adjusted: 0, discrepancies: 0 })
  })

  it('applies a 5-unit delta on 1000 and holds a 300-unit delta as FEED_DISCREPANCY until someone else approves it', async () => {
    const prisma = t().app.db.prisma
    const location = await createThirdPartyLocation(prisma)
    const small = await createStockedPosition(prisma, { onHand: 1000, location })
    const large = await createStockedPosition(prisma, { onHand: 1000, location })
    const same = await createStockedPosition(prisma, { onHand: 40, location })
    const csv = `sku,quantity,bin\n${small.sku.code},995,A-1\n${large.sku.code},700,B-2\n${same.sku.code},40,C-3\n`
    const res = await t().gql(IMPORT, { input: { locationCode: location.code, csv, fileName: 'snapshot.csv' } }, ops)
    const out = res.data.importInventoryFeed
    expect(out).toMatchObject({ userErrors: [], rowsRead: 3, accepted: 2, adjusted: 1, rejected: 0, discrepancies: 1 })
    expect(out.feed).toMatchObject({ status: 'PENDING_REVIEW', accepted: 2, discrepancies: 1 })

    const position = (id: number) => prisma.stockPosition.findFirstOrThrow({ where: { skuId: id, locationId: location.id } })
    expect((await position(small.sku.id)).onHand).toBe(995)
    expect((await position(large.sku.id)).onHand).toBe(1000)
    expect((await position(small.sku.id)).lastFeedAt).not.toBeNull()
    const syncEvent = await prisma.inventoryEvent.findFirstOrThrow({ where: { skuId: small.sku.id, type: 'FEED_SYNCED' } })
    expect(syncEvent.onHandDelta).toBe(-5)
    expect(await prisma.adjustment.count({ where: { skuId: small.sku.id, reason: 'FEED_SYNC', status: 'APPLIED' } })).toBe(1)

    const held = await t().gql(
      `query ($loc: String!) { feedDiscrepancies(locationCode: $loc, status: [PENDING]) { nodes { id bookQuantity feedQuantity delta } } }`,
      { loc: location.code },
    )
    const [discrepancy] = held.data.feedDiscrepancies.nodes
    expect(discrepancy).toMatchObject({ bookQuantity: 1000, feedQuantity: 700, delta: -300 })
    const open = await prisma.exception.findMany({ where: { type: 'FEED_DISCREPANCY', stockPositionId: (await position(large.sku.id)).id, status: 'OPEN' } })
    expect(open).toHaveLength(1)

    const APPROVE = `mutation ($input: DecideFeedDiscrepancyInput!) { approveFeedDiscrepancy(input: $input) { discrepancy { status } userErrors { code } } }`
    const self = await t().gql(APPROVE, { input: { id: discrepancy.id } }, ops)
    expect(self.data.approveFeedDiscrepancy.userErrors[0].code).toBe('SELF_APPROVAL')
    const ok = await t().gql(APPROVE, { input: { id: discrepancy.id, note: '3PL recount confirms' } }, { role: 'FINANCE', sub: 'controller@test' })
    expect(ok.data.approveFeedDiscrepancy).toEqual({ discrepancy: { status: 'APPROVED' }, userErrors: [] })
    expect((await position(large.sku.id)).onHand).toBe(700)
    expect(await prisma.exception.count({ where: { type: 'FEED_DISCREPANCY', stockPositionId: (await position(large.sku.id)).id, status: 'OPEN' } })).toBe(0)
    expect((await prisma.inventoryFeed.findFirstOrThrow({ where: { locationId: location.id } })).status).toBe('APPLIED')
  })

  it('refuses to approve a 3PL count below the units set aside there as damaged or in QC, saying so; nothing changes', async () => {
    const prisma = t().app.db.prisma
    const location = await createThirdPartyLocation(prisma)
    const { sku } = await createStockedPosition(prisma, { onHand: 10, location })
    await inTransaction(prisma, (tx) => moveStock(tx, { skuId: sku.id, locationId: location.id, type: 'ADJUSTED', deltas: { damaged: 4, qualityControl: 2 }, actor: systemActor, reasonCode: 'DAMAGED' }))
    const res = await t().gql(IMPORT, { input: { locationCode: location.code, csv: `sku,quantity\n${sku.code},5\n` } }, ops)
    expect(res.data.importInventoryFeed).toMatchObject({ userErrors: [], discrepancies: 1 })
    const listed = await t().gql(`query ($loc: String!) { feedDiscrepancies(locationCode: $loc, status: [PENDING]) { nodes { id } } }`, { loc: location.code })
    const [held] = listed.data.feedDiscrepancies.nodes
    const APPROVE = `mutation ($input: DecideFeedDiscrepancyInput!) { approveFeedDiscrepancy(input: $input) { discrepancy { status } userErrors { code field message } } }`
    const refused = (await t().gql(APPROVE, { input: { id: held.id } }, { role: 'FINANCE', sub: 'controller@test' })).data.approveFeedDiscrepancy
    expect(refused.discrepancy).toBeNull()
    expect(refused.userErrors).toEqual([
      {
        code: 'INSUFFICIENT_STOCK',
        field: ['input', 'id'],
        message: `${location.code} reports 5 of ${sku.code}, fewer than the 6 damaged or in QC there: release or write those off first, or reject the delta if the 3PL miscounted.`,
      },
    ])
    expect(await prisma.feedDiscrepancy.findFirstOrThrow({ where: { stockPosition: { skuId: sku.id } } })).toMatchObject({ status: 'PENDING', decidedBy: null })
    expect(await prisma.stockPosition.findFirstOrThrow({ where: { skuId: sku.id, locationId: location.id } })).toMatchObject({ onHand: 10, damaged: 4, qualityControl: 2 })
  })

  it('rescores confidence: held deltas with the import, synced and matched positions when the freshness worker catches up after commit; each score is what a refresh gives', async () => {
    const prisma = t().app.db.prisma
    const location = await createThirdPartyLocation(prisma)
    const synced = await createStockedPosition(prisma, { onHand: 1000, location })
    const held = await createStockedPosition(prisma, { onHand: 1000, location })
    const matched = await createStockedPosition(prisma, { onHand: 300, location })
    const absent = await createStockedPosition(prisma, { onHand: 50, location })
    const twoDaysAgo = new Date(Date.now() - 48 * 3_600_000)
    await prisma.stockPosition.updateMany({ where: { locationId: location.id }, data: { lastFeedAt: twoDaysAgo } })
    await inTransaction(prisma, (tx) => refreshConfidence(tx, { locationId: location.id }, new Date()))
    const QUERY = `query ($sku: String!, $loc: String!) { stockPosition(sku: $sku, locationCode: $loc) { confidence { score belowThreshold factors { name value } } } }`
    const confidence = async (code: string) => (await t().gql(QUERY, { sku: code, loc: location.code })).data.stockPosition.confidence
    expect((await confidence(synced.sku.code)).belowThreshold).toBe(true)
    expect((await confidence(matched.sku.code)).belowThreshold).toBe(true)

    const csv = `sku,quantity\n${synced.sku.code},998\n${held.sku.code},700\n${matched.sku.code},300\n`
    const res = await t().gql(IMPORT, { input: { locationCode: location.code, csv } }, ops)
    expect(res.data.importInventoryFeed).toMatchObject({ userErrors: [], accepted: 2, adjusted: 1, discrepancies: 1 })

    // Written by the import itself: the held delta weighs at once.
    const factor = (c: { factors: Array<{ name: string; value: number }> }, name: string) => c.factors.find((f) => f.name === name)?.value
    const heldAfter = await confidence(held.sku.code)
    expect(factor(heldAfter, 'sourceFreshness')).toBe(1)
    expect(factor(heldAfter, 'unreconciled')).toBeLessThan(0.5)
    // The synced and matched positions can only gain: they recover once the worker has applied the feed's freshness
    // (on the import's outbox event), and are promisable again.
    for (const { sku } of [synced, matched]) {
      await vi.waitFor(async () => expect(factor(await confidence(sku.code), 'sourceFreshness')).toBe(1), { timeout: 10_000, interval: 50 })
      expect((await confidence(sku.code)).belowThreshold).toBe(false)
    }
    expect(factor(await confidence(absent.sku.code), 'sourceFreshness')).toBe(0)

    // Scores written in bulk (import and worker) equal what a plain refresh stores at the same instant.
    const stored = async () =>
      (await prisma.stockPosition.findMany({ where: { locationId: location.id }, orderBy: { id: 'asc' } })).map((p) => ({
        id: p.id, onHand: p.onHand, confidence: p.confidence, factors: p.confidenceFactors, at: p.confidenceUpdatedAt,
      }))
    const bulk = await stored()
    expect(bulk.map((p) => p.onHand)).toEqual([998, 1000, 300, 50])
    for (const p of bulk) await inTransaction(prisma, (tx) => refreshConfidence(tx, { positionIds: [p.id] }, p.at!))
    expect(await stored()).toEqual(bulk)
  })

  it('holds a delta within tolerance as a discrepancy when a reservation lands after the diff read the book, so nothing is oversold', async () => {
    const { db } = t().app
    const prisma = db.prisma
    const location = await createThirdPartyLocation(prisma)
    const { sku, position } = await createStockedPosition(prisma, { onHand: 100, location })
    // A reservation of 99 units lands while the import runs: after its diff read the book (the feed row is written by
    // the diff statement itself), before the accepted deltas are booked.
    await db.sql.exec(`
      CREATE FUNCTION test_reserve_during_import() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN UPDATE stock_positions SET reserved = 99 WHERE id = ${position.id}; RETURN NULL; END $$;
      CREATE TRIGGER test_reserve_during_import AFTER INSERT ON inventory_feeds FOR EACH ROW EXECUTE FUNCTION test_reserve_during_import();`)
    try {
      // 97 against a book of 100 is within tolerance, and covered what was reserved when the diff looked.
      const res = await t().gql(IMPORT, { input: { locationCode: location.code, csv: `sku,quantity\n${sku.code},97\n` } }, ops)
      expect(res.data.importInventoryFeed).toMatchObject({ userErrors: [], accepted: 0, adjusted: 0, discrepancies: 1 })
    } finally {
      await db.sql.exec(`DROP TRIGGER test_reserve_during_import ON inventory_feeds; DROP FUNCTION test_reserve_during_import()`)
    }
    expect(await prisma.stockPosition.findUniqueOrThrow({ where: { id: position.id } })).toMatchObject({ onHand: 100, reserved: 99 })
    expect(await prisma.feedDiscrepancy.findFirstOrThrow({ where: { stockPositionId: position.id } })).toMatchObject({ bookQuantity: 100, feedQuantity: 97, status: 'PENDING' })
    expect(await prisma.adjustment.count({ where: { stockPositionId: position.id, reason: 'FEED_SYNC' } })).toBe(0)
  })

  it('diffs against the book as of the snapshot: picks booked after it are not mistaken for a discrepancy', async () => {
    const prisma = t().app.db.prisma
    const location = await createThirdPartyLocation(prisma)
    const { sku } = await createStockedPosition(prisma, { onHand: 500, location })
    await new Promise((r) => setTimeout(r, 20))
    const asOf = new Date()
    await new Promise((r) => setTimeout(r, 20))
    // After the 3PL took its snapshot: 100 units shipped (on hand -100) and 30 reserved (on hand unchanged).
    const pos = await prisma.stockPosition.findFirstOrThrow({ where: { skuId: sku.id, locationId: location.id } })
    await inTransaction(prisma, async (tx) => {
      await moveStock(tx, { skuId: sku.id, locationId: location.id, type: 'RESERVED', deltas: { reserved: 130 }, actor: systemActor, guard: 'available' })
      await moveStock(tx, { skuId: sku.id, locationId: location.id, type: 'SHIPPED', deltas: { reserved: -100, onHand: -100 }, actor: systemActor })
    })
    const res = await t().gql(IMPORT, { input: { locationCode: location.code, csv: `sku,quantity\n${sku.code},498\n`, asOf: asOf.toISOString() } }, ops)
    expect(res.data.importInventoryFeed).toMatchObject({ userErrors: [], accepted: 1, adjusted: 1, discrepancies: 0 })
    expect((await prisma.stockPosition.findUniqueOrThrow({ where: { id: pos.id } })).onHand).toBe(398)
    const older = await t().gql(IMPORT, { input: { locationCode: location.code, csv: `sku,quantity\n${sku.code},1\n`, asOf: new Date(asOf.getTime() - 3_600_000).toISOString() } }, ops)
    expect(older.data.importInventoryFeed.userErrors[0]).toMatchObject({ code: 'INVALID_FEED', field: ['input', 'asOf'] })
  })
})
