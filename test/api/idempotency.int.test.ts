import { describe, expect, it } from 'vitest'
import { inTransaction, purgeIdempotencyKeys } from '@ops-hub/domain'
import { useTestApp } from '../helpers/test-app.ts'
import { uniqueCode } from '../helpers/unique.ts'
import { createStockedPosition } from '../helpers/factories/inventory.ts'

const t = useTestApp()

const SEGREGATE = /* GraphQL */ `
  mutation ($input: SegregateStockInput!) {
    segregateStock(input: $input) { stockPosition { id onHand damaged available } userErrors { field message code } }
  }`

const clerk = { role: 'OPERATIONS' as const, sub: 'clerk-idem@test' }

describe('one idempotency rule for every mutation that moves stock or money', () => {
  it('segregateStock sent 3 times at once with one key moves the stock once; the others replay or are told to retry', async () => {
    const prisma = t().app.db.prisma
    const { sku, location } = await createStockedPosition(prisma, { onHand: 40 })
    const input = { sku: sku.code, locationCode: location.code, quantity: 5, to: 'DAMAGED', reason: 'forklift', idempotencyKey: uniqueCode('SEG') }
    const results = await Promise.all([1, 2, 3].map(() => t().gql(SEGREGATE, { input }, clerk)))
    const codes = results.map((r) => r.data.segregateStock.userErrors[0]?.code ?? 'OK')
    for (const code of codes) expect(['OK', 'IDEMPOTENCY_CONCURRENT_REQUEST']).toContain(code)
    expect(codes).toContain('OK')
    expect((await prisma.stockPosition.findFirstOrThrow({ where: { skuId: sku.id } })).damaged).toBe(5)

    // Every retry after the first finished gets the first result: the position as it was then (its own fields; what
    // is derived through other reads, like available, is read now).
    const first = results.find((r) => r.data.segregateStock.userErrors.length === 0)!.data.segregateStock
    await t().gql(SEGREGATE, { input: { ...input, quantity: 1, idempotencyKey: uniqueCode('SEG') } }, clerk)
    const retry = await t().gql(SEGREGATE, { input }, clerk)
    expect(retry.data.segregateStock).toEqual({ ...first, stockPosition: { ...first.stockPosition, available: 34 } })
    expect(first.stockPosition).toMatchObject({ onHand: 40, damaged: 5 })
    expect((await prisma.stockPosition.findFirstOrThrow({ where: { skuId: sku.id } })).damaged).toBe(6)
    expect(await prisma.inventoryEvent.count({ where: { skuId: sku.id, type: 'DAMAGED' } })).toBe(2)

    // The same key with another payload is refused and moves nothing.
    const reused = await t().gql(SEGREGATE, { input: { ...input, quantity: 7 } }, clerk)
    expect(reused.data.segregateStock).toEqual({
      stockPosition: null,
      userErrors: [{ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'], message: expect.stringContaining(input.idempotencyKey) }],
    })
    expect((await prisma.stockPosition.findFirstOrThrow({ where: { skuId: sku.id } })).damaged).toBe(6)
  })

  it('replays a refusal under its key (Stripe: the first result, failures included), even after the stock arrived', async () => {
    const prisma = t().app.db.prisma
    const { sku, location } = await createStockedPosition(prisma, { onHand: 2 })
    const input = { sku: sku.code, locationCode: location.code, quantity: 5, to: 'QUALITY_CONTROL', reason: 'inspection', idempotencyKey: uniqueCode('SEG') }
    const refused = await t().gql(SEGREGATE, { input }, clerk)
    expect(refused.data.segregateStock.userErrors[0].code).toBe('INSUFFICIENT_STOCK')
    await t().gql('mutation ($i: AdjustInventoryInput!) { adjustInventory(input: $i) { userErrors { code } } }', {
      i: { sku: sku.code, locationCode: location.code, quantityDelta: 10, reason: 'FOUND' },
    }, clerk)
    const again = await t().gql(SEGREGATE, { input }, clerk)
    expect(again.data.segregateStock).toEqual(refused.data.segregateStock)
    expect((await prisma.stockPosition.findFirstOrThrow({ where: { skuId: sku.id } })).qualityControl).toBe(0)
    // A new key runs for real.
    const fresh = await t().gql(SEGREGATE, { input: { ...input, idempotencyKey: uniqueCode('SEG') } }, clerk)
    expect(fresh.data.segregateStock.userErrors).toEqual([])
  })

  it('keys are per caller: another user with the same key runs its own request', async () => {
    const prisma = t().app.db.prisma
    const { sku, location } = await createStockedPosition(prisma, { onHand: 10 })
    const input = { sku: sku.code, locationCode: location.code, quantity: 1, to: 'DAMAGED', reason: 'dropped', idempotencyKey: 'shared-key-1' }
    await t().gql(SEGREGATE, { input }, clerk)
    const other = await t().gql(SEGREGATE, { input }, { role: 'OPERATIONS', sub: 'someone-else@test' })
    expect(other.data.segregateStock.userErrors).toEqual([])
    expect((await prisma.stockPosition.findFirstOrThrow({ where: { skuId: sku.id } })).damaged).toBe(2)
  })

  it('keeps keys for the retention setting, then the purge job forgets them', async () => {
    const prisma = t().app.db.prisma
    const { sku, location } = await createStockedPosition(prisma, { onHand: 10 })
    const key = uniqueCode('OLD')
    await t().gql(SEGREGATE, { input: { sku: sku.code, locationCode: location.code, quantity: 1, to: 'DAMAGED', reason: 'x', idempotencyKey: key } }, clerk)
    const stored = () => prisma.idempotencyRecord.count({ where: { key } })
    expect(await stored()).toBe(1)
    await inTransaction(prisma, (tx) => purgeIdempotencyKeys(tx, new Date(Date.now() + 23 * 3_600_000)))
    expect(await stored()).toBe(1)
    await inTransaction(prisma, (tx) => purgeIdempotencyKeys(tx, new Date(Date.now() + 25 * 3_600_000)))
    expect(await stored()).toBe(0)
  })

  it('takes a keyed order on the locking path once, replaying it for a retry', async () => {
    const prisma = t().app.db.prisma
    const { sku } = await createStockedPosition(prisma, { onHand: 10 })
    const channel = await prisma.channel.create({ data: { code: uniqueCode('CH'), name: 'Idem channel', kind: 'STOREFRONT' } })
    const input = {
      channelCode: channel.code,
      externalId: uniqueCode('EXT'),
      customer: { email: 'a@example.com', name: 'A' },
      shipTo: { name: 'A', line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
      payment: { status: 'AUTHORIZED' },
      lines: [{ sku: sku.code, quantity: 2, unitPrice: '5.00' }],
      idempotencyKey: uniqueCode('ORD'),
    }
    const PLACE = 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { order { number status } created userErrors { code } } }'
    const a = await t().gql(PLACE, { input }, clerk)
    const b = await t().gql(PLACE, { input }, clerk)
    expect(a.data.placeOrder.userErrors).toEqual([])
    expect(b.data.placeOrder).toEqual(a.data.placeOrder)
    expect((await prisma.stockPosition.findFirstOrThrow({ where: { skuId: sku.id } })).reserved).toBe(2)
    const other = await t().gql(PLACE, { input: { ...input, lines: [{ sku: sku.code, quantity: 3, unitPrice: '5.00' }] } }, clerk)
    expect(other.data.placeOrder.userErrors).toEqual([{ code: 'IDEMPOTENCY_KEY_REUSED' }])
  })
})
