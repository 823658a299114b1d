import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.ts'
import { createSellableSku } from '../helpers/factories/catalog.ts'
import { createReplenishableSku, createSupplier } from '../helpers/factories/procurement.ts'

const t = useTestApp()
const buyer = { role: 'PROCUREMENT' as const }
const DAY = 86_400_000

const UPSERT = `mutation ($input: UpsertSupplierSkuInput!) { upsertSupplierSku(input: $input) { supplierSku { id isPrimary minimumOrderQuantity packSize } userErrors { code field } } }`
const terms = { leadTimeMeanDays: 8, leadTimeStdDevDays: 1.5, minimumOrderQuantity: 12, packSize: 6, unitCost: '3.10' }

describe('suppliers', () => {
  it('creates suppliers and their SKU terms, lists them, and shows a SKU\'s sources primary first', async () => {
    const code = await createSupplier(t())
    const second = await createSupplier(t())
    const sku = await createSellableSku(t())
    const first = await t().gql(UPSERT, { input: { supplierCode: code, sku, supplierSkuCode: 'ACME-1', ...terms } }, buyer)
    expect(first.data.upsertSupplierSku).toMatchObject({ supplierSku: { isPrimary: true, minimumOrderQuantity: 12, packSize: 6 }, userErrors: [] })
    // A second source is not primary unless asked; asking demotes the first.
    expect((await t().gql(UPSERT, { input: { supplierCode: second, sku, ...terms } }, buyer)).data.upsertSupplierSku.supplierSku.isPrimary).toBe(false)
    await t().gql(UPSERT, { input: { supplierCode: second, sku, ...terms, unitCost: '2.90', isPrimary: true } }, buyer)
    const res = await t().gql(
      `query ($sku: String!, $code: String!) {
        sku(code: $sku) { suppliers { supplier { code } isPrimary unitCost promisedLeadTimeMeanDays promisedLeadTimeStdDevDays leadTime { basis meanDays samples } } }
        supplier(code: $code) { code name contactEmail skus { totalCount nodes { supplierSkuCode } } leadTime { basis meanDays stdDevDays } }
        suppliers(search: $code) { totalCount nodes { code } }
      }`,
      { sku, code },
    )
    expect(res.data.sku.suppliers).toEqual([
      { supplier: { code: second }, isPrimary: true, unitCost: '2.9', promisedLeadTimeMeanDays: 8, promisedLeadTimeStdDevDays: 1.5, leadTime: { basis: 'PROMISED', meanDays: 8, samples: 0 } },
      { supplier: { code }, isPrimary: false, unitCost: '3.1', promisedLeadTimeMeanDays: 8, promisedLeadTimeStdDevDays: 1.5, leadTime: { basis: 'PROMISED', meanDays: 8, samples: 0 } },
    ])
    expect(res.data.supplier).toMatchObject({ code, contactEmail: 'orders@supplier.example', skus: { totalCount: 1, nodes: [{ supplierSkuCode: 'ACME-1' }] }, leadTime: { basis: 'PROMISED', meanDays: 8, stdDevDays: 1.5 } })
    expect(res.data.suppliers).toEqual({ totalCount: 1, nodes: [{ code }] })
  })

  it('refuses bad supplier input with a typed error each, writing nothing', async () => {
    const prisma = t().app.db.prisma
    const code = await createSupplier(t())
    const sku = await createSellableSku(t())
    const dup = await t().gql(`mutation ($input: CreateSupplierInput!) { createSupplier(input: $input) { supplier { id } userErrors { code field } } }`, { input: { code, name: 'Again' } }, buyer)
    expect(dup.data.createSupplier).toEqual({ supplier: null, userErrors: [{ code: 'ALREADY_EXISTS', field: ['input', 'code'] }] })
    const cases: Array<[Record<string, unknown>, string, string[]]> = [
      [{ supplierCode: 'NO-SUCH-SUPPLIER', sku }, 'NOT_FOUND', ['input', 'supplierCode']],
      [{ supplierCode: code, sku: 'NO-SUCH-SKU' }, 'NOT_FOUND', ['input', 'sku']],
      [{ supplierCode: code, sku, minimumOrderQuantity: 0 }, 'INVALID_INPUT', ['input', 'minimumOrderQuantity']],
      [{ supplierCode: code, sku, packSize: 0 }, 'INVALID_INPUT', ['input', 'packSize']],
      [{ supplierCode: code, sku, leadTimeMeanDays: 0 }, 'INVALID_INPUT', ['input', 'leadTimeMeanDays']],
      [{ supplierCode: code, sku, unitCost: -1 }, 'INVALID_INPUT', ['input', 'unitCost']],
    ]
    for (const [input, errorCode, field] of cases) {
      const res = await t().gql(UPSERT, { input: { ...terms, ...input } }, buyer)
      expect(res.data.upsertSupplierSku, JSON.stringify(input)).toEqual({ supplierSku: null, userErrors: [expect.objectContaining({ code: errorCode, field })] })
    }
    expect(await prisma.supplierSku.count({ where: { supplier: { code } } })).toBe(0)
    const forbidden = await t().gql(UPSERT, { input: { supplierCode: code, sku, ...terms } }, { role: 'CUSTOMER_SERVICE' })
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN')
  })

  it('scores a supplier over a period: on time, in full, fill rate, lead-time adherence (promised + tolerance), days late, receipts', async () => {
    const prisma = t().app.db.prisma
    const w = await createReplenishableSku(t(), { onHand: 1, terms: { leadTimeMeanDays: 10, leadTimeStdDevDays: 2 } })
    const supplier = await prisma.supplier.findUniqueOrThrow({ where: { code: w.supplier } })
    const sku = await prisma.sku.findUniqueOrThrow({ where: { code: w.sku } })
    const location = await prisma.location.findUniqueOrThrow({ where: { code: w.node } })
    const base = Date.now() - 60 * DAY
    // [sent day, expected day, received day or null, ordered, received good, damaged]
    const lines: Array<[number, number, number | null, number, number, number]> = [
      [0, 10, 9, 100, 100, 0], // on time, in full, 9 days (within 10 + 2)
      [5, 15, 18, 50, 50, 0], // 3 days late but in full, 13 days (beyond 10 + 2)
      [10, 20, 20, 40, 30, 5], // on time, short (30 of 40, 5 of them damaged), 10 days
      [20, 30, null, 20, 0, 0], // never arrived: 30 days late by now
    ]
    for (const [sent, expected, received, ordered, qty, damaged] of lines) {
      const po = await prisma.purchaseOrder.create({
        data: {
          supplierId: supplier.id, locationId: location.id, status: received === null ? 'SENT' : qty >= ordered ? 'RECEIVED' : 'PARTIALLY_RECEIVED', createdBy: 'test',
          orderedAt: new Date(base + sent * DAY), expectedAt: new Date(base + expected * DAY),
          lines: { create: [{ skuId: sku.id, quantity: ordered, receivedQuantity: qty, damagedQuantity: damaged, unitCost: 4 }] },
        },
        include: { lines: true },
      })
      if (received !== null) {
        const r = await prisma.receipt.create({ data: { purchaseOrderId: po.id, locationId: location.id, receivedBy: 'test', receivedAt: new Date(base + received * DAY) } })
        await prisma.receiptLine.create({ data: { receiptId: r.id, purchaseOrderLineId: po.lines[0].id, skuId: sku.id, quantity: qty, damagedQuantity: damaged } })
      }
    }
    const res = await t().gql(
      `query ($code: String!, $from: DateTime!, $to: DateTime!) { supplier(code: $code) { scorecard(from: $from, to: $to) {
        linesDue onTimeRate inFullRate fillRate linesMeasured leadTimeAdherence leadTimeToleranceDays meanDaysLate receipts } } }`,
      { code: w.supplier, from: new Date(base).toISOString(), to: new Date(Date.now()).toISOString() },
    )
    const card = res.data.supplier.scorecard
    expect(card).toMatchObject({ linesDue: 4, onTimeRate: 2 / 4, inFullRate: 2 / 4, linesMeasured: 3, leadTimeAdherence: 2 / 3, leadTimeToleranceDays: 2, receipts: 3 })
    expect(card.fillRate).toBeCloseTo((100 + 50 + 25 + 0) / (100 + 50 + 40 + 20), 12)
    // Late lines: 3 days, and the missing one 30 days late as of now.
    expect(card.meanDaysLate).toBeCloseTo((3 + (Date.now() - (base + 30 * DAY)) / DAY) / 2, 2)
  })
})

