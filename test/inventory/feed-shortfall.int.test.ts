import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { orderInput, placeOrder } from '../helpers/factories/orders.ts'
import { stockPosition, stockUp } from '../helpers/factories/stock.ts'
import { createBins, createCarrierService, ledgerBalance } from '../helpers/factories/warehouse.ts'
import { CREATE_WAVE, createReleasedOrder } from '../helpers/factories/fulfillment.ts'

// A 3PL's count (its file, held for review, then accepted) below what is reserved there: the work promised those
// units gives them up before anyone walks to an empty shelf, and is re-sourced from wherever the SKU is.
const t = useTestApp()

const ops = { role: 'OPERATIONS' as const, sub: 'feeds@test' }
const controller = { role: 'FINANCE' as const, sub: 'controller@test' }
const IMPORT = `mutation ($input: ImportInventoryFeedInput!) { importInventoryFeed(input: $input) { discrepancies userErrors { code message } } }`
const HELD = `query ($loc: String!) { feedDiscrepancies(locationCode: $loc, status: [PENDING]) { nodes { id bookQuantity feedQuantity delta } } }`
const APPROVE = `mutation ($input: DecideFeedDiscrepancyInput!) { approveFeedDiscrepancy(input: $input) { discrepancy { status } userErrors { code field message } } }`
const ORDER = `query ($n: String!) { order(number: $n) { status lines { allocatedQuantity backorderedQuantity allocations { location { code } quantity status } } fulfillmentOrders { status location { code } } exceptions { type status } timeline { title detail } } }`

/** A cheap 3PL node holding 5 units of a new SKU and a dear warehouse with none yet (orders go to the 3PL). */
async function world() {
  const channel = await createSalesChannel(t())
  const tpl = await createFulfilmentNode(t(), { kind: 'THIRD_PARTY', cutoffTime: '23:59', shippingCostPerOrder: '1.00' })
  const main = await createFulfilmentNode(t(), { cutoffTime: '23:59', shippingCostPerOrder: '50.00' })
  const sku = await createSellableSku(t())
  await stockUp(t(), sku, tpl, 5)
  return { channel, tpl, main, sku }
}

async function fileSays(tpl: string, sku: string, quantity: number) {
  const res = await t().gql(IMPORT, { input: { locationCode: tpl, csv: `sku,quantity\n${sku},${quantity}\n` } }, ops)
  expect(res.data.importInventoryFeed).toEqual({ discrepancies: 1, userErrors: [] })
  const [held] = (await t().gql(HELD, { loc: tpl })).data.feedDiscrepancies.nodes
  return held
}

describe('a 3PL count below what is reserved there', () => {
  it('takes the missing units back from the least urgent work not yet picked, backorders it, and the backorder worker re-sources it', async () => {
    const { channel, tpl, main, sku } = await world()
    const first = await createReleasedOrder(t(), channel, tpl, [{ sku, quantity: 2 }])
    const second = (await placeOrder(t(), orderInput(channel, [{ sku, quantity: 2 }]))).order
    expect(second.lines[0].allocations).toEqual([{ location: { code: tpl }, quantity: 2, status: 'RESERVED' }])
    await stockUp(t(), sku, main, 3)

    const held = await fileSays(tpl, sku, 1)
    expect(held).toMatchObject({ bookQuantity: 5, feedQuantity: 1, delta: -4 })
    const approved = (await t().gql(APPROVE, { input: { id: held.id, note: '3PL recount' } }, controller)).data.approveFeedDiscrepancy
    expect(approved).toEqual({ discrepancy: { status: 'APPROVED' }, userErrors: [] })

    // The book takes the 3PL's 1; of the 4 reserved, 3 are taken back: the newer order's 2, then 1 of the first's.
    expect(await stockPosition(t(), sku, tpl)).toEqual({ onHand: 1, reserved: 1, available: 0 })
    const balance = await ledgerBalance(t(), sku, tpl)
    expect(balance.ledger).toEqual(balance.book)
    let b = (await t().gql(ORDER, { n: second.number })).data.order
    expect(b.status).toBe('BACKORDERED')
    expect(b.lines[0]).toMatchObject({ allocatedQuantity: 0, backorderedQuantity: 2 })
    expect(b.fulfillmentOrders).toEqual([{ status: 'CANCELLED', location: { code: tpl } }])
    expect(b.exceptions).toContainEqual({ type: 'STOCK_SHORTAGE', status: 'OPEN' })
    expect(b.timeline).toContainEqual({ title: `2 units of ${sku} backordered: not on the shelf`, detail: expect.stringContaining(`${tpl} counts 1 of ${sku}`) })
    let a = (await t().gql(ORDER, { n: first.number })).data.order
    expect(a.lines[0]).toMatchObject({ allocatedQuantity: 1, backorderedQuantity: 1 })

    // The reservations went back with stock.available: the backorder worker's command serves them from MAIN.
    const served = await t().gql(`mutation ($input: AllocateBackordersInput!) { allocateBackorders(input: $input) { served { order { number } } userErrors { code } } }`, { input: { skus: [sku] } }, ops)
    expect(served.data.allocateBackorders.userErrors).toEqual([])
    expect(await stockPosition(t(), sku, main)).toEqual({ onHand: 3, reserved: 3, available: 0 })
    b = (await t().gql(ORDER, { n: second.number })).data.order
    expect(b.lines[0]).toMatchObject({ allocatedQuantity: 2, backorderedQuantity: 0 })
    expect(b.exceptions).toContainEqual({ type: 'STOCK_SHORTAGE', status: 'RESOLVED' })
    a = (await t().gql(ORDER, { n: first.number })).data.order
    expect(a.lines[0].allocations.filter((x: any) => x.status === 'RESERVED').map((x: any) => [x.location.code, x.quantity]).sort()).toEqual([[main, 1], [tpl, 1]].sort())
  })

  it('leaves work already being picked alone and refuses when that is all there is, saying why; nothing changes', async () => {
    const { channel, tpl, sku } = await world()
    await createBins(t(), tpl, [{ code: 'T-01', sequence: 1, stock: { [sku]: 5 } }])
    await createCarrierService(t(), 'UPS', 'GROUND', 2)
    const order = await createReleasedOrder(t(), channel, tpl, [{ sku, quantity: 3 }])
    const wave = await t().gql(CREATE_WAVE, { input: { locationCode: tpl } }, ops)
    expect(wave.data.createPickWave.userErrors).toEqual([])

    const held = await fileSays(tpl, sku, 0)
    const refused = (await t().gql(APPROVE, { input: { id: held.id } }, controller)).data.approveFeedDiscrepancy
    expect(refused.discrepancy).toBeNull()
    expect(refused.userErrors).toEqual([
      {
        code: 'INSUFFICIENT_STOCK',
        field: ['input', 'id'],
        message: expect.stringMatching(new RegExp(`^${tpl} counts 0 of ${sku} .*: 3 reserved unit\\(s\\) are not there, but only 0 belong to work not yet being picked; the picks under way will find the rest short and re-source it\\. Accept once they are done\\.$`)),
      },
    ])
    expect((await t().gql(HELD, { loc: tpl })).data.feedDiscrepancies.nodes).toEqual([held])
    expect(await stockPosition(t(), sku, tpl)).toEqual({ onHand: 5, reserved: 3, available: 2 })
    expect((await t().gql(ORDER, { n: order.number })).data.order.lines[0]).toMatchObject({ allocatedQuantity: 3, backorderedQuantity: 0 })
  })
})
