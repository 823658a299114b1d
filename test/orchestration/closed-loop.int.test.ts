import { describe, expect, it } from 'vitest'
import { inTransaction, reconcileLedger, systemActor } from '@ops-hub/domain'
import { useTestApp } from '../helpers/test-app.ts'
import { liveClient, subscribe } from '../helpers/live-client.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { stockPosition, stockUp } from '../helpers/factories/stock.ts'
import { orderInput, placeOrder } from '../helpers/factories/orders.ts'
import { createBins } from '../helpers/factories/warehouse.ts'

// The jobs and workers run, as `npm run start:api` runs them: nothing below calls release or wave.
const t = useTestApp({ jobs: true })

const ORDER_UPDATED = `subscription ($n: String!) { orderUpdated(number: $n) {
  number status holds paymentStatus
  fulfillmentOrders { status }
  timeline { kind title detail actor } } }`

describe("the seed's example: a payment that clears runs the order to the pick floor by itself", () => {
  it('PENDING payment held -> CAPTURED -> VALIDATED -> ALLOCATED -> RELEASED -> in a wave with pick tasks, on the timeline and orderUpdated', async () => {
    const channel = await createSalesChannel(t())
    const node = await createFulfilmentNode(t(), { cutoffTime: '23:59' })
    const sku = await createSellableSku(t())
    await stockUp(t(), sku, node, 20)
    await createBins(t(), node, [{ code: 'P-01', sequence: 1, stock: { [sku]: 20 } }])
    const configured = await t().gql(
      `mutation ($input: ConfigureNodeAutomationInput!) { configureNodeAutomation(input: $input) { userErrors { code message } } }`,
      { input: { locationCode: node, autoRelease: true, releaseEveryMinutes: 0, autoWave: true, waveAtOrders: 1 } },
      { role: 'OPERATIONS' },
    )
    expect(configured.data.configureNodeAutomation.userErrors).toEqual([])

    const { order } = await placeOrder(t(), orderInput(channel, [{ sku, quantity: 3 }], { payment: { status: 'PENDING', fraudScore: 0.02 } }))
    expect(order).toMatchObject({ status: 'ON_HOLD', holds: ['PAYMENT'], fulfillmentOrders: [] })

    const client = liveClient(t().url, await t().token('CUSTOMER_SERVICE'))
    const live = subscribe<{ orderUpdated: { status: string; timeline: Array<{ title: string; detail: string | null; actor: string | null }> } }>(client, ORDER_UPDATED, { n: order.number })
    try {
      expect((await live.next()).orderUpdated.status).toBe('ON_HOLD')

      // The one call: the payment provider reports the capture.
      const paid = await t().gql(
        `mutation ($input: UpdateOrderPaymentInput!) { updateOrderPayment(input: $input) { outcome order { status } userErrors { code } } }`,
        { input: { orderId: order.id, status: 'CAPTURED', idempotencyKey: `capture-${order.number}` } },
        { role: 'FINANCE' },
      )
      expect(paid.data.updateOrderPayment).toEqual({ outcome: 'HOLD_RELEASED', order: { status: 'ALLOCATED' }, userErrors: [] })

      const last = await live.next((v) => v.orderUpdated.status === 'IN_FULFILLMENT', 10_000)
      // Pushes coalesce to the newest state, so intermediate ones may be skipped, but never out of order.
      const seen = live.values.map((v) => v.orderUpdated.status).filter((s, i, all) => s !== all[i - 1])
      const path = ['ON_HOLD', 'ALLOCATED', 'RELEASED', 'IN_FULFILLMENT']
      expect(seen.map((s) => path.indexOf(s))).toEqual([...seen.map((s) => path.indexOf(s))].sort((a, b) => a - b))
      expect(seen[0]).toBe('ON_HOLD')
      expect(seen.at(-1)).toBe('IN_FULFILLMENT')

      // Each step is on the timeline pushed last, in order, with who did it and why.
      const titles = last.orderUpdated.timeline.map((e) => e.title)
      const steps = [
        'On hold: PAYMENT',
        'Payment PENDING -> CAPTURED',
        'Payment cleared: PAYMENT hold released',
        'Validated after review',
        'Allocated: 3 units reserved',
        `Released to ${node} for`,
        'Picking started (',
        'In fulfillment',
      ]
      const at = steps.map((s) => titles.findIndex((x) => x.startsWith(s)))
      expect(at.every((i) => i >= 0), JSON.stringify(titles)).toBe(true)
      expect(at).toEqual([...at].sort((a, b) => a - b))
      const release = last.orderUpdated.timeline[at[5]]
      expect(release).toMatchObject({ actor: `automation:${node}`, detail: expect.stringMatching(/automatic release on allocation; capacity left for .+: 999 of 1000/) })
      expect(last.orderUpdated.timeline[at[6]].detail).toMatch(/automatic wave: 1 released order\(s\) waiting, wave at 1/)
    } finally {
      live.close()
      await client.dispose()
    }

    const wave = await t().gql(
      `query ($n: String!) { order(number: $n) { fulfillmentOrders { status pickTasks { bin { code } sku quantity status wave { status createdBy } } } } }`,
      { n: order.number },
      { role: 'OPERATIONS' },
    )
    expect(wave.data.order.fulfillmentOrders).toEqual([
      { status: 'PICKING', pickTasks: [{ bin: { code: 'P-01' }, sku, quantity: 3, status: 'OPEN', wave: { status: 'OPEN', createdBy: `automation:${node}` } }] },
    ])
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 20, reserved: 3, available: 17 })
    const report = await inTransaction(t().app.db.prisma, (tx) => reconcileLedger(tx, {}, systemActor))
    expect(report.mismatches).toEqual([])
  })
})
