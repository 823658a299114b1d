// The physical warehouse: bins with their stock and the carrier services a node ships with, set up through the
// admin API the way operations would (createBin, putAwayStock, upsertCarrierService).
import type { TestApp } from '../test-app.ts'
import { createStockedSku } from './stock.ts'

export interface BinSpec {
  code: string
  sequence: number
  /** Units per SKU code held in the bin (put away from stock already on hand: stock up first). */
  stock?: Record<string, number>
}

async function adminOk(app: TestApp, query: string, input: Record<string, unknown>, field: string) {
  const res = await app.gql(query, { input }, { role: 'OPERATIONS' })
  const payload = res.data?.[field]
  if (!payload || payload.userErrors.length) throw new Error(`${field} failed: ${JSON.stringify(res.errors ?? payload.userErrors)}`)
  return payload
}

/** Bins at a node in walk order, with the units each holds. */
export async function createBins(app: TestApp, locationCode: string, bins: BinSpec[]) {
  for (const spec of bins) {
    await adminOk(app, `mutation ($input: CreateBinInput!) { createBin(input: $input) { userErrors { code message } } }`, { locationCode, code: spec.code, sequence: spec.sequence }, 'createBin')
    for (const [sku, quantity] of Object.entries(spec.stock ?? {})) {
      await adminOk(app, `mutation ($input: PutAwayStockInput!) { putAwayStock(input: $input) { userErrors { code message } } }`, { locationCode, binCode: spec.code, sku, quantity }, 'putAwayStock')
    }
  }
}

/** A carrier service with its transit time (business days). Idempotent per (carrier, service). */
export async function createCarrierService(app: TestApp, carrier: string, service: string, transitDaysMean = 2, transitDaysMax = 4) {
  await adminOk(
    app,
    `mutation ($input: UpsertCarrierServiceInput!) { upsertCarrierService(input: $input) { userErrors { code message } } }`,
    { carrier, service, transitDaysMean, transitDaysMax, costPerShipment: 0 },
    'upsertCarrierService',
  )
}

export async function binQuantity(app: TestApp, locationCode: string, binCode: string, skuCode: string) {
  const row = await app.app.db.prisma.binStock.findFirst({
    where: { bin: { code: binCode, location: { code: locationCode } }, sku: { code: skuCode } },
  })
  return row?.quantity ?? 0
}

/**
 * The ledger proves the book: for the position, the sum of every InventoryEvent delta equals each bucket.
 * Returns both sides so a failing assertion shows the difference.
 */
export async function ledgerBalance(app: TestApp, skuCode: string, locationCode: string) {
  const prisma = app.app.db.prisma
  const position = await prisma.stockPosition.findFirstOrThrow({ where: { sku: { code: skuCode }, location: { code: locationCode } } })
  const sums = await prisma.inventoryEvent.aggregate({
    where: { stockPositionId: position.id },
    _sum: { onHandDelta: true, reservedDelta: true, damagedDelta: true, qualityControlDelta: true },
  })
  return {
    book: { onHand: position.onHand, reserved: position.reserved, damaged: position.damaged, qualityControl: position.qualityControl },
    ledger: {
      onHand: sums._sum.onHandDelta ?? 0,
      reserved: sums._sum.reservedDelta ?? 0,
      damaged: sums._sum.damagedDelta ?? 0,
      qualityControl: sums._sum.qualityControlDelta ?? 0,
    },
  }
}

/**
 * A one-SKU shipping world, what most warehouse tests start from: a sales channel, a node open until 23:59, a SKU
 * with `units` on hand, all of them put away in bin `bin`, and UPS GROUND (2 days).
 */
export async function createStockedNode(app: TestApp, units: number, bin: string) {
  const { channel, node, sku } = await createStockedSku(app, units, { cutoffTime: '23:59' })
  await createBins(app, node, [{ code: bin, sequence: 1, stock: { [sku]: units } }])
  await createCarrierService(app, 'UPS', 'GROUND', 2)
  return { channel, node, sku }
}
