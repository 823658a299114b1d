import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { createStockedPosition, createWarehouse } from '../helpers/factories/inventory.ts'

const t = useTestApp()
const gid = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64')
const RECORD = `mutation ($input: RecordCountInput!) { recordCount(input: $input) { cycleCount { status attempt variance withinTolerance adjustment { id status quantityDelta } } userErrors { code message } } }`
const counter = { role: 'OPERATIONS' as const, sub: 'counter@test' }

describe('cycle counts', () => {
  it('schedules by ABC frequency, books a count within tolerance, and escalates one beyond it to recount then approval', async () => {
    const prisma = t().app.db.prisma
    const location = await createWarehouse(prisma)
    // Class B tolerance: max(2 units, 2% of book).
    const near = await createStockedPosition(prisma, { onHand: 100, location, abcClass: 'B', unitCost: 5 })
    const far = await createStockedPosition(prisma, { onHand: 100, location, abcClass: 'B', unitCost: 5 })
    const notDue = await createStockedPosition(prisma, { onHand: 100, location, abcClass: 'C' })
    // Counted 100 days ago: class B (every 90 days) is due, class C (every 365) is not.
    const longAgo = new Date(Date.now() - 100 * 86_400_000)
    await prisma.stockPosition.updateMany({ where: { locationId: location.id }, data: { lastCountedAt: longAgo } })
    const SCHEDULE = `mutation ($input: ScheduleCycleCountsInput!) { scheduleCycleCounts(input: $input) { scheduled userErrors { code } } }`
    expect((await t().gql(SCHEDULE, { input: { locationCode: location.code } }, counter)).data.scheduleCycleCounts.scheduled).toBe(2)
    expect((await t().gql(SCHEDULE, { input: { locationCode: location.code } }, counter)).data.scheduleCycleCounts.scheduled).toBe(0)
    expect(await prisma.cycleCount.count({ where: { skuId: notDue.sku.id } })).toBe(0)

    const nearCount = await prisma.cycleCount.findFirstOrThrow({ where: { skuId: near.sku.id } })
    const ok = await t().gql(RECORD, { input: { cycleCountId: gid('CycleCount', nearCount.id), countedQuantity: 98 } }, counter)
    expect(ok.data.recordCount).toMatchObject({
      userErrors: [],
      cycleCount: { status: 'COMPLETED', attempt: 1, variance: -2, withinTolerance: true, adjustment: { status: 'APPLIED', quantityDelta: -2 } },
    })
    const nearPos = await prisma.stockPosition.findUniqueOrThrow({ where: { id: near.position.id } })
    expect(nearPos.onHand).toBe(98)
    expect(nearPos.lastCountedAt!.getTime()).toBeGreaterThan(longAgo.getTime())
    expect(await prisma.inventoryEvent.count({ where: { stockPositionId: near.position.id, type: 'COUNTED', onHandDelta: -2 } })).toBe(1)

    const farCount = await prisma.cycleCount.findFirstOrThrow({ where: { skuId: far.sku.id } })
    const first = await t().gql(RECORD, { input: { cycleCountId: gid('CycleCount', farCount.id), countedQuantity: 80 } }, counter)
    expect(first.data.recordCount.cycleCount).toMatchObject({ status: 'RECOUNT_REQUESTED', attempt: 1, variance: -20, adjustment: null })
    expect((await prisma.stockPosition.findUniqueOrThrow({ where: { id: far.position.id } })).onHand).toBe(100)

    const recount = await t().gql(RECORD, { input: { cycleCountId: gid('CycleCount', farCount.id), countedQuantity: 81 } }, counter)
    const pending = recount.data.recordCount.cycleCount
    expect(pending).toMatchObject({ status: 'PENDING_APPROVAL', attempt: 2, variance: -19, adjustment: { status: 'PENDING_APPROVAL', quantityDelta: -19 } })
    expect(await prisma.exception.count({ where: { type: 'COUNT_VARIANCE', stockPositionId: far.position.id, status: 'OPEN' } })).toBe(1)
    expect((await prisma.stockPosition.findUniqueOrThrow({ where: { id: far.position.id } })).onHand).toBe(100)

    const APPROVE = `mutation ($input: DecideAdjustmentInput!) { approveAdjustment(input: $input) { adjustment { status } userErrors { code } } }`
    expect((await t().gql(APPROVE, { input: { id: pending.adjustment.id } }, { role: 'FINANCE', sub: 'counter@test' })).data.approveAdjustment.userErrors[0].code).toBe('SELF_APPROVAL')
    expect((await t().gql(APPROVE, { input: { id: pending.adjustment.id } }, { role: 'FINANCE', sub: 'controller@test' })).data.approveAdjustment.userErrors).toEqual([])
    expect((await prisma.stockPosition.findUniqueOrThrow({ where: { id: far.position.id } })).onHand).toBe(81)
    expect((await prisma.cycleCount.findUniqueOrThrow({ where: { id: farCount.id } })).status).toBe('COMPLETED')
    expect(await prisma.exception.count({ where: { type: 'COUNT_VARIANCE', stockPositionId: far.position.id, status: 'OPEN' } })).toBe(0)

    const ira = await t().gql(
      `query ($loc: String, $from: DateTime!, $to: DateTime!) { inventoryRecordAccuracy(locationCode: $loc, from: $from, to: $to) { overall { accuracy counts } byClass { abcClass accuracy counts } } }`,
      { loc: location.code, from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 3_600_000).toISOString() },
    )
    expect(ira.data.inventoryRecordAccuracy.overall).toEqual({ accuracy: 0.5, counts: 2 })
    expect(ira.data.inventoryRecordAccuracy.byClass).toContainEqual({ abcClass: 'B', accuracy: 0.5, counts: 2 })
    expect(ira.data.inventoryRecordAccuracy.byClass).toContainEqual({ abcClass: 'A', accuracy: null, counts: 0 })
  })
  it('a count recorded three times at once (a scanner retrying) is booked once, and scheduling twice at once plans each count once', async () => {
    const prisma = t().app.db.prisma
    const location = await createWarehouse(prisma)
    // Class B (every 90 days, tolerance max(2 units, 2%)): due, and 49 of 50 is within tolerance, booked at once.
    const { sku, position } = await createStockedPosition(prisma, { onHand: 50, location, abcClass: 'B', unitCost: 5 })
    await prisma.stockPosition.update({ where: { id: position.id }, data: { lastCountedAt: new Date(Date.now() - 100 * 86_400_000) } })
    const SCHEDULE = `mutation ($input: ScheduleCycleCountsInput!) { scheduleCycleCounts(input: $input) { scheduled userErrors { code } } }`
    const scheduled = await Promise.all([0, 1].map(() => t().gql(SCHEDULE, { input: { locationCode: location.code } }, counter)))
    expect(scheduled.map((r) => r.data.scheduleCycleCounts.scheduled).sort()).toEqual([0, 1])
    const count = await prisma.cycleCount.findFirstOrThrow({ where: { skuId: sku.id } })
    const recorded = await Promise.all([0, 1, 2].map(() => t().gql(RECORD, { input: { cycleCountId: gid('CycleCount', count.id), countedQuantity: 49 } }, counter)))
    expect(recorded.map((r) => r.data.recordCount.userErrors[0]?.code ?? 'OK').sort()).toEqual(['ILLEGAL_TRANSITION', 'ILLEGAL_TRANSITION', 'OK'])
    expect((await prisma.stockPosition.findUniqueOrThrow({ where: { id: position.id } })).onHand).toBe(49)
    expect(await prisma.inventoryEvent.count({ where: { stockPositionId: position.id, type: 'COUNTED' } })).toBe(1)
    expect(await prisma.adjustment.count({ where: { stockPositionId: position.id, reason: 'CYCLE_COUNT' } })).toBe(1)
  })
})
