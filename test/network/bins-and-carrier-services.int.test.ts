import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { stockPosition, stockUp } from '../helpers/factories/stock.ts'
import { ledgerBalance } from '../helpers/factories/warehouse.ts'
import { CREATE_WAVE, createReleasedOrder } from '../helpers/factories/fulfillment.ts'

const t = useTestApp()

const CREATE_BIN = `mutation ($input: CreateBinInput!) { createBin(input: $input) { bin { code zone sequence active location { code } } userErrors { field message code } } }`
const PUT_AWAY = `mutation ($input: PutAwayStockInput!) { putAwayStock(input: $input) { bin { code stock { sku { code } quantity } } userErrors { field message code } } }`
const UPSERT_CARRIER = `mutation ($input: UpsertCarrierServiceInput!) { upsertCarrierService(input: $input) { carrierService { carrier service transitDaysMean transitDaysMax costPerShipment active } userErrors { field message code } } }`
const BINS = `query ($code: String!) { location(code: $code) { bins(first: 10) { totalCount edges { node { code sequence stock { sku { code } quantity } } } } } }`

async function counts() {
  const p = t().app.db.prisma
  const [bins, binStocks, ledger, outbox, carriers, positions] = await Promise.all([
    p.bin.count(), p.binStock.findMany({ orderBy: [{ binId: 'asc' }, { skuId: 'asc' }] }), p.inventoryEvent.count(), p.outboxEvent.count(), p.carrierService.findMany({ orderBy: { id: 'asc' } }), p.stockPosition.findMany({ orderBy: { id: 'asc' } }),
  ])
  return { bins, binStocks, ledger, outbox, carriers, positions }
}

const ops = { role: 'OPERATIONS' as const }

describe('bins and put-away through the API', () => {
  it('creates bins, refuses duplicates, unknown locations and bad sequences, and lists them in walk order', async () => {
    const node = await createFulfilmentNode(t())
    const a2 = await t().gql(CREATE_BIN, { input: { locationCode: node, code: 'A-02', zone: 'A', sequence: 2 } }, ops)
    expect(a2.data.createBin).toEqual({ bin: { code: 'A-02', zone: 'A', sequence: 2, active: true, location: { code: node } }, userErrors: [] })
    const a1 = await t().gql(CREATE_BIN, { input: { locationCode: node, code: 'A-01', sequence: 1 } }, { role: 'ADMIN' })
    expect(a1.data.createBin.userErrors).toEqual([])
    // The same code at another location is a different bin.
    const other = await createFulfilmentNode(t())
    expect((await t().gql(CREATE_BIN, { input: { locationCode: other, code: 'A-01', sequence: 1 } }, ops)).data.createBin.userErrors).toEqual([])

    const before = await counts()
    const dup = await t().gql(CREATE_BIN, { input: { locationCode: node, code: 'A-01', sequence: 5 } }, ops)
    expect(dup.data.createBin).toEqual({ bin: null, userErrors: [{ code: 'ALREADY_EXISTS', field: ['input', 'code'], message: `Bin A-01 already exists at ${node}` }] })
    const unknown = await t().gql(CREATE_BIN, { input: { locationCode: 'NO-SUCH-NODE', code: 'A-09', sequence: 1 } }, ops)
    expect(unknown.data.createBin.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'locationCode'], message: 'Location NO-SUCH-NODE does not exist' }])
    const negative = await t().gql(CREATE_BIN, { input: { locationCode: node, code: 'A-09', sequence: -1 } }, ops)
    expect(negative.data.createBin.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'sequence'] })])
    const badCode = await t().gql(CREATE_BIN, { input: { locationCode: node, code: 'A 09', sequence: 1 } }, ops)
    expect(badCode.data.createBin.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'code'] })])
    const forbidden = await t().gql(CREATE_BIN, { input: { locationCode: node, code: 'A-09', sequence: 1 } }, { role: 'CUSTOMER_SERVICE' })
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN')
    expect(await counts()).toEqual(before)

    const listed = (await t().gql(BINS, { code: node }, ops)).data.location.bins
    expect(listed.totalCount).toBe(2)
    expect(listed.edges.map((e: any) => e.node)).toEqual([{ code: 'A-01', sequence: 1, stock: [] }, { code: 'A-02', sequence: 2, stock: [] }])
  })

  it('puts stock away without touching the buckets or the ledger, never more than on hand, and waves pick from those bins', async () => {
    const channel = await createSalesChannel(t())
    const node = await createFulfilmentNode(t(), { cutoffTime: '23:59' })
    const sku = await createSellableSku(t())
    const unstocked = await createSellableSku(t())
    await stockUp(t(), sku, node, 6)
    for (const [code, sequence] of [['B-01', 1], ['B-02', 2]] as const) {
      expect((await t().gql(CREATE_BIN, { input: { locationCode: node, code, sequence } }, ops)).data.createBin.userErrors).toEqual([])
    }
    const ledgerBefore = await t().app.db.prisma.inventoryEvent.count()

    const first = await t().gql(PUT_AWAY, { input: { locationCode: node, binCode: 'B-01', sku, quantity: 4 } }, ops)
    expect(first.data.putAwayStock).toEqual({ bin: { code: 'B-01', stock: [{ sku: { code: sku }, quantity: 4 }] }, userErrors: [] })
    const again = await t().gql(PUT_AWAY, { input: { locationCode: node, binCode: 'B-01', sku, quantity: 1 } }, { role: 'ADMIN' })
    expect(again.data.putAwayStock.bin.stock).toEqual([{ sku: { code: sku }, quantity: 5 }])
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 6, reserved: 0, available: 6 })
    expect(await t().app.db.prisma.inventoryEvent.count()).toBe(ledgerBefore)
    const balance = await ledgerBalance(t(), sku, node)
    expect(balance.ledger).toEqual(balance.book)

    const before = await counts()
    const over = await t().gql(PUT_AWAY, { input: { locationCode: node, binCode: 'B-02', sku, quantity: 2 } }, ops)
    expect(over.data.putAwayStock).toEqual({
      bin: null,
      userErrors: [{ code: 'INSUFFICIENT_STOCK', field: ['input', 'quantity'], message: `${node} has 6 x ${sku} on hand and 5 already in bins: at most 1 more can be put away` }],
    })
    const refusals: Array<[Record<string, unknown>, string, string[]]> = [
      [{ locationCode: 'NO-SUCH-NODE', binCode: 'B-02', sku, quantity: 1 }, 'NOT_FOUND', ['input', 'locationCode']],
      [{ locationCode: node, binCode: 'Z-99', sku, quantity: 1 }, 'NOT_FOUND', ['input', 'binCode']],
      [{ locationCode: node, binCode: 'B-02', sku: 'NO-SUCH-SKU', quantity: 1 }, 'NOT_FOUND', ['input', 'sku']],
      [{ locationCode: node, binCode: 'B-02', sku: unstocked, quantity: 1 }, 'NOT_FOUND', ['input', 'sku']],
      [{ locationCode: node, binCode: 'B-02', sku, quantity: -1 }, 'INVALID_INPUT', ['input', 'quantity']],
      [{ locationCode: node, binCode: 'B-02', sku, quantity: 0 }, 'INVALID_INPUT', ['input', 'quantity']],
    ]
    for (const [input, code, field] of refusals) {
      const res = await t().gql(PUT_AWAY, { input }, ops)
      expect(res.data.putAwayStock.userErrors, JSON.stringify(input)).toEqual([expect.objectContaining({ code, field })])
    }
    expect((await t().gql(PUT_AWAY, { input: { locationCode: node, binCode: 'B-02', sku, quantity: 1 } }, { role: 'CUSTOMER_SERVICE' })).errors?.[0].extensions?.code).toBe('FORBIDDEN')
    expect(await counts()).toEqual(before)

    expect((await t().gql(PUT_AWAY, { input: { locationCode: node, binCode: 'B-02', sku, quantity: 1 } }, ops)).data.putAwayStock.userErrors).toEqual([])
    const listed = (await t().gql(BINS, { code: node }, ops)).data.location.bins.edges.map((e: any) => e.node)
    expect(listed).toEqual([
      { code: 'B-01', sequence: 1, stock: [{ sku: { code: sku }, quantity: 5 }] },
      { code: 'B-02', sequence: 2, stock: [{ sku: { code: sku }, quantity: 1 }] },
    ])

    // A wave picks from the bins put away through the API, in walk order.
    await createReleasedOrder(t(), channel, node, [{ sku, quantity: 6 }])
    const wave = (await t().gql(CREATE_WAVE, { input: { locationCode: node } }, ops)).data.createPickWave
    expect(wave.userErrors).toEqual([])
    expect(wave.pickWave.tasks.map((x: any) => ({ bin: x.bin.code, sku: x.sku, quantity: x.quantity }))).toEqual([
      { bin: 'B-01', sku, quantity: 5 },
      { bin: 'B-02', sku, quantity: 1 },
    ])
  })
})

describe('carrier services through the API', () => {
  it('creates and updates a service, lists it, and refuses impossible transit times or a negative cost', async () => {
    const created = await t().gql(UPSERT_CARRIER, { input: { carrier: 'DHL', service: 'EXPRESS', transitDaysMean: 1.5, transitDaysMax: 3, costPerShipment: 12.5 } }, ops)
    expect(created.data.upsertCarrierService).toEqual({
      carrierService: { carrier: 'DHL', service: 'EXPRESS', transitDaysMean: 1.5, transitDaysMax: 3, costPerShipment: expect.anything(), active: true },
      userErrors: [],
    })
    expect(Number(created.data.upsertCarrierService.carrierService.costPerShipment)).toBe(12.5)
    const updated = await t().gql(UPSERT_CARRIER, { input: { carrier: 'DHL', service: 'EXPRESS', transitDaysMean: 2, transitDaysMax: 4, costPerShipment: 9 } }, { role: 'ADMIN' })
    expect(updated.data.upsertCarrierService.userErrors).toEqual([])
    await t().gql(UPSERT_CARRIER, { input: { carrier: 'DHL', service: 'ECONOMY', transitDaysMean: 4, transitDaysMax: 7, costPerShipment: 4 } }, ops)

    const before = await counts()
    const refusals: Array<[Record<string, unknown>, string[]]> = [
      [{ carrier: 'DHL', service: 'EXPRESS', transitDaysMean: 5, transitDaysMax: 3, costPerShipment: 9 }, ['input', 'transitDaysMean']],
      [{ carrier: 'DHL', service: 'EXPRESS', transitDaysMean: 2, transitDaysMax: 4, costPerShipment: -1 }, ['input', 'costPerShipment']],
      [{ carrier: 'DHL', service: 'EXPRESS', transitDaysMean: -2, transitDaysMax: 4, costPerShipment: 1 }, ['input', 'transitDaysMean']],
      [{ carrier: '  ', service: 'EXPRESS', transitDaysMean: 2, transitDaysMax: 4, costPerShipment: 1 }, ['input', 'carrier']],
    ]
    for (const [input, field] of refusals) {
      const res = await t().gql(UPSERT_CARRIER, { input }, ops)
      expect(res.data.upsertCarrierService.userErrors, JSON.stringify(input)).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field })])
    }
    expect((await t().gql(UPSERT_CARRIER, { input: { carrier: 'X', service: 'Y', transitDaysMean: 1, transitDaysMax: 2, costPerShipment: 1 } }, { role: 'CUSTOMER_SERVICE' })).errors?.[0].extensions?.code).toBe('FORBIDDEN')
    expect(await counts()).toEqual(before)

    const listed = (await t().gql(`{ carrierServices { carrier service transitDaysMean transitDaysMax } }`, {}, { role: 'CUSTOMER_SERVICE' })).data.carrierServices
    expect(listed).toEqual([
      { carrier: 'DHL', service: 'ECONOMY', transitDaysMean: 4, transitDaysMax: 7 },
      { carrier: 'DHL', service: 'EXPRESS', transitDaysMean: 2, transitDaysMax: 4 },
    ])
  })
})
