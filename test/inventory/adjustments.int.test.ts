import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { uniqueCode } from '../helpers/unique.ts'
import { createStockedPosition } from '../helpers/factories/inventory.ts'

const t = useTestApp()

const ADJUST = /* GraphQL */ `
  mutation ($input: AdjustInventoryInput!) {
    adjustInventory(input: $input) {
      adjustment { id status quantityDelta reason requestedBy nextStates valueDelta sku { code } location { code } }
      stockPosition { onHand available damaged }
      replayed
      userErrors { field message code }
    }
  }`
const APPROVE = /* GraphQL */ `
  mutation ($input: DecideAdjustmentInput!) {
    approveAdjustment(input: $input) { adjustment { id status decidedBy stockPosition { onHand } } userErrors { field code message } }
  }`
const REJECT = /* GraphQL */ `
  mutation ($input: DecideAdjustmentInput!) {
    rejectAdjustment(input: $input) { adjustment { id status } userErrors { code } }
  }`

const clerk = { role: 'OPERATIONS' as const, sub: 'clerk@test' }
const controller = { role: 'FINANCE' as const, sub: 'controller@test' }

describe('adjustInventory', () => {
  it('holds a 20-unit shrinkage worth more than the threshold for a second approver; the requester cannot approve', async () => {
    const prisma = t().app.db.prisma
    // 20 units x 40.00 = 800 > inventory.adjustmentApprovalValue (500), though under the 100-unit quantity threshold.
    const { sku, location } = await createStockedPosition(prisma, { onHand: 100, unitCost: 40 })
    const res = await t().gql(
      ADJUST,
      { input: { sku: sku.code, locationCode: location.code, quantityDelta: -20, reason: 'SHRINKAGE', referenceDocumentUri: 'doc:count-sheet/1' } },
      controller,
    )
    const { adjustment, stockPosition, userErrors } = res.data.adjustInventory
    expect(userErrors).toEqual([])
    expect(adjustment).toMatchObject({
      status: 'PENDING_APPROVAL', quantityDelta: -20, valueDelta: '-800', nextStates: ['APPLIED', 'REJECTED'],
      sku: { code: sku.code }, location: { code: location.code },
    })
    expect(stockPosition.onHand).toBe(100)

    const approvalQueue = await t().gql(
      `{ exceptions(first: 50, filter: { type: [ADJUSTMENT_APPROVAL], status: [OPEN] }) { nodes { ownerRole title } } }`,
      {},
      { role: 'FINANCE' },
    )
    expect(approvalQueue.data.exceptions.nodes).toContainEqual({ ownerRole: 'FINANCE', title: expect.stringContaining(`-20 ${sku.code}`) })

    const self = await t().gql(APPROVE, { input: { id: adjustment.id } }, controller)
    expect(self.data.approveAdjustment.userErrors[0].code).toBe('SELF_APPROVAL')
    expect((await prisma.stockPosition.findFirstOrThrow({ where: { skuId: sku.id } })).onHand).toBe(100)

    const clerkTry = await t().gql(APPROVE, { input: { id: adjustment.id } }, clerk)
    expect(clerkTry.errors?.[0].extensions?.code).toBe('FORBIDDEN')

    const ok = await t().gql(APPROVE, { input: { id: adjustment.id, note: 'matches the count sheet' } }, { role: 'FINANCE', sub: 'cfo@test' })
    expect(ok.data.approveAdjustment).toMatchObject({
      userErrors: [],
      adjustment: { status: 'APPLIED', decidedBy: 'cfo@test', stockPosition: { onHand: 80 } },
    })
    const again = await t().gql(REJECT, { input: { id: adjustment.id } }, { role: 'FINANCE', sub: 'cfo@test' })
    expect(again.data.rejectAdjustment.userErrors[0].code).toBe('ILLEGAL_TRANSITION')
    const queueAfter = await t().gql(
      `{ exceptions(first: 50, filter: { type: [ADJUSTMENT_APPROVAL], status: [OPEN] }) { nodes { title } } }`,
      {},
      { role: 'FINANCE' },
    )
    expect(queueAfter.data.exceptions.nodes).not.toContainEqual({ title: expect.stringContaining(`-20 ${sku.code}`) })
  })

  it('applies a small correction at once and a large purchase receipt without approval', async () => {
    const { sku, location } = await createStockedPosition(t().app.db.prisma, { onHand: 10, unitCost: 40 })
    const small = await t().gql(ADJUST, { input: { sku: sku.code, locationCode: location.code, quantityDelta: -2, reason: 'DAMAGED' } }, clerk)
    expect(small.data.adjustInventory).toMatchObject({ userErrors: [], adjustment: { status: 'APPLIED' }, stockPosition: { onHand: 8 } })
    const receipt = await t().gql(
      ADJUST,
      { input: { sku: sku.code, locationCode: location.code, quantityDelta: 500, reason: 'RECEIVED', referenceDocumentUri: 'po:PO-1' } },
      clerk,
    )
    expect(receipt.data.adjustInventory).toMatchObject({ userErrors: [], adjustment: { status: 'APPLIED' }, stockPosition: { onHand: 508 } })
    const found = await t().gql(ADJUST, { input: { sku: sku.code, locationCode: location.code, quantityDelta: 500, reason: 'FOUND' } }, clerk)
    expect(found.data.adjustInventory.adjustment.status).toBe('PENDING_APPROVAL')
  })

  it('applies one adjustment for the same idempotency key sent 3 times at once, and refuses the key with another delta', async () => {
    const prisma = t().app.db.prisma
    const { sku, location } = await createStockedPosition(prisma, { onHand: 50 })
    const key = uniqueCode('IDEM')
    const input = { sku: sku.code, locationCode: location.code, quantityDelta: 5, reason: 'FOUND', idempotencyKey: key }
    const results = await Promise.all([1, 2, 3].map(() => t().gql(ADJUST, { input }, clerk)))
    // A duplicate that arrives while the first still runs is told to retry; one that arrives after it replays it.
    const served = results.filter((r) => r.data.adjustInventory.userErrors.length === 0)
    for (const r of results.filter((x) => !served.includes(x))) expect(r.data.adjustInventory.userErrors[0].code).toBe('IDEMPOTENCY_CONCURRENT_REQUEST')
    const retried = await t().gql(ADJUST, { input }, clerk)
    expect(retried.data.adjustInventory.replayed).toBe(true)
    expect(new Set([...served, retried].map((r) => r.data.adjustInventory.adjustment.id)).size).toBe(1)
    expect(served.filter((r) => !r.data.adjustInventory.replayed).length).toBe(1)
    expect(await prisma.adjustment.count({ where: { skuId: sku.id } })).toBe(1)
    expect((await prisma.stockPosition.findFirstOrThrow({ where: { skuId: sku.id } })).onHand).toBe(55)

    const reused = await t().gql(ADJUST, { input: { ...input, quantityDelta: 6 } }, clerk)
    expect(reused.data.adjustInventory.userErrors).toEqual([
      expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] }),
    ])
    expect((await prisma.stockPosition.findFirstOrThrow({ where: { skuId: sku.id } })).onHand).toBe(55)
  })

  it('refuses unknown SKU and location, a delta that would go negative, and a stale expected quantity, changing nothing', async () => {
    const prisma = t().app.db.prisma
    const { sku, location } = await createStockedPosition(prisma, { onHand: 3 })
    const unknown = await t().gql(ADJUST, { input: { sku: 'NOPE-1', locationCode: 'NOPE-2', quantityDelta: 1, reason: 'FOUND' } }, clerk)
    expect(unknown.data.adjustInventory.userErrors.map((e: { code: string; field: string[] }) => [e.code, e.field.join('.')])).toEqual([
      ['NOT_FOUND', 'input.sku'],
      ['NOT_FOUND', 'input.locationCode'],
    ])
    const negative = await t().gql(ADJUST, { input: { sku: sku.code, locationCode: location.code, quantityDelta: -4, reason: 'SHRINKAGE' } }, clerk)
    expect(negative.data.adjustInventory.userErrors[0]).toMatchObject({ code: 'INSUFFICIENT_STOCK', field: ['input', 'quantityDelta'] })
    const damagedTooMany = await t().gql(
      ADJUST,
      { input: { sku: sku.code, locationCode: location.code, quantityDelta: 4, bucket: 'DAMAGED', reason: 'DAMAGED' } },
      clerk,
    )
    expect(damagedTooMany.data.adjustInventory.userErrors[0].code).toBe('INSUFFICIENT_STOCK')
    const stale = await t().gql(
      ADJUST,
      { input: { sku: sku.code, locationCode: location.code, quantityDelta: -1, reason: 'SHRINKAGE', expectedQuantity: 4 } },
      clerk,
    )
    expect(stale.data.adjustInventory.userErrors[0]).toMatchObject({ code: 'STALE_QUANTITY', field: ['input', 'expectedQuantity'] })
    const wrongSign = await t().gql(ADJUST, { input: { sku: sku.code, locationCode: location.code, quantityDelta: 2, reason: 'SHRINKAGE' } }, clerk)
    expect(wrongSign.data.adjustInventory.userErrors[0]).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'quantityDelta'] })
    // A reference document is a URI a client may render as a link: not free text, and never script.
    for (const [uri, message] of [
      ['count sheet 7', /URI with a scheme/],
      ['javascript:alert(document.cookie)', /javascript:.*not accepted/],
      ['DATA:text/html;base64,PHNjcmlwdD4=', /data:.*not accepted/],
    ] as const) {
      const res = await t().gql(ADJUST, { input: { sku: sku.code, locationCode: location.code, quantityDelta: 1, reason: 'FOUND', referenceDocumentUri: uri } }, clerk)
      expect(res.data.adjustInventory.userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'referenceDocumentUri'], message: expect.stringMatching(message) }])
    }
    const fresh = await t().gql(
      ADJUST,
      { input: { sku: sku.code, locationCode: location.code, quantityDelta: -1, reason: 'SHRINKAGE', expectedQuantity: 3 } },
      clerk,
    )
    expect(fresh.data.adjustInventory).toMatchObject({ userErrors: [], stockPosition: { onHand: 2 } })
    expect(await prisma.adjustment.count({ where: { skuId: sku.id } })).toBe(1)
  })

  it('forbids roles outside operations and finance', async () => {
    const res = await t().gql(ADJUST, { input: { sku: 'X', locationCode: 'Y', quantityDelta: 1, reason: 'FOUND' } }, { role: 'CUSTOMER_SERVICE' })
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN')
  })
})
