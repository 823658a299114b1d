import { describe, expect, it } from 'vitest'
import { useTestApp, type GqlResult } from '../helpers/test-app.ts'
import { binQuantity, createStockedNode, ledgerBalance } from '../helpers/factories/warehouse.ts'
import { CONFIRM_PICK, CONFIRM_SHIPMENT, CREATE_WAVE, RELEASE, VERIFY_PACK, createReleasedOrder, fulfillmentOrderId } from '../helpers/factories/fulfillment.ts'
import { createAllocatedOrder } from '../helpers/factories/orders.ts'

// A scanner that retries on a slow network, two clerks on one parcel, a double-clicked button: each warehouse step
// sent three times at once must happen once, with the others refused as typed errors and the book unchanged by them.

const t = useTestApp()
const ops = { role: 'OPERATIONS' as const }
const thrice = <T,>(send: (i: number) => Promise<T>) => Promise.all([0, 1, 2].map(send))
const refusals = (results: GqlResult[], field: string) => results.map((r) => r.data[field].userErrors[0]?.code ?? 'OK').sort()

describe('a warehouse step sent three times at once happens once', () => {
  it('release, wave, pick, pack and ship: one of each, the others refused, the bin and the ledger moved once', async () => {
    const { channel, node, sku } = await createStockedNode(t(), 6, 'D-01')
    const order = await createAllocatedOrder(t(), channel, [{ sku, quantity: 2 }])

    const releases = await thrice(() => t().gql(RELEASE, { input: { locationCode: node, limit: 10 } }, ops))
    expect(releases.map((r) => r.data.releaseOrders.released.length).sort()).toEqual([0, 0, 1])

    const waves = await thrice(() => t().gql(CREATE_WAVE, { input: { locationCode: node } }, ops))
    const tasks = waves.flatMap((r) => r.data.createPickWave.pickWave?.tasks ?? [])
    expect(tasks).toHaveLength(1)
    expect(refusals(waves, 'createPickWave').filter((c) => c !== 'OK')).toHaveLength(2)

    const picks = await thrice(() => t().gql(CONFIRM_PICK, { input: { taskId: tasks[0].id, pickedQuantity: 2 } }, ops))
    expect(refusals(picks, 'confirmPick')).toEqual(['ILLEGAL_TRANSITION', 'ILLEGAL_TRANSITION', 'OK'])
    expect(await binQuantity(t(), node, 'D-01', sku)).toBe(4)

    const foId = await fulfillmentOrderId(t(), order.number)
    const packs = await thrice(() => t().gql(VERIFY_PACK, { input: { fulfillmentOrderId: foId, scannedItems: [{ sku, quantity: 2 }] } }, ops))
    expect(refusals(packs, 'verifyPack')).toEqual(['ILLEGAL_TRANSITION', 'ILLEGAL_TRANSITION', 'OK'])

    // Three clerks, three labels: one parcel leaves.
    const ships = await thrice((i) =>
      t().gql(CONFIRM_SHIPMENT, { input: { fulfillmentOrderId: foId, carrier: 'UPS', service: 'GROUND', trackingNumber: `1ZDUP000${i}` } }, ops),
    )
    expect(refusals(ships, 'confirmShipment')).toEqual(['ILLEGAL_TRANSITION', 'ILLEGAL_TRANSITION', 'OK'])
    const prisma = t().app.db.prisma
    expect(await prisma.shipment.count({ where: { fulfillmentOrderId: Number(Buffer.from(foId, 'base64').toString().split(':')[1]) } })).toBe(1)

    const { book, ledger } = await ledgerBalance(t(), sku, node)
    expect(book).toEqual({ onHand: 4, reserved: 0, damaged: 0, qualityControl: 0 })
    expect(ledger).toEqual(book)
  })

  it('two orders released at once by two clerks each go to exactly one wave', async () => {
    const { channel, node, sku } = await createStockedNode(t(), 4, 'D-01')
    await createReleasedOrder(t(), channel, node, [{ sku, quantity: 1 }])
    await createReleasedOrder(t(), channel, node, [{ sku, quantity: 1 }])
    const waves = await thrice(() => t().gql(CREATE_WAVE, { input: { locationCode: node } }, ops))
    const tasks = waves.flatMap((r) => r.data.createPickWave.pickWave?.tasks ?? [])
    expect(tasks).toHaveLength(2)
    expect(new Set(tasks.map((task: { fulfillmentOrder: { id: string } }) => task.fulfillmentOrder.id)).size).toBe(2)
  })
})
