// The physical warehouse: bins with their stock and the carrier services a node ships with. There is no API for
// putaway or carrier contracts yet, so these are written directly, shaped as operations would set them up.
import type { TestApp } from '../test-app.ts'

export interface BinSpec {
  code: string
  sequence: number
  /** Units per SKU code held in the bin. */
  stock?: Record<string, number>
}

/** Bins at a node in walk order, with the units each holds. */
export async function createBins(app: TestApp, locationCode: string, bins: BinSpec[]) {
  const prisma = app.app.db.prisma
  const location = await prisma.location.findUniqueOrThrow({ where: { code: locationCode } })
  for (const spec of bins) {
    const bin = await prisma.bin.create({ data: { locationId: location.id, code: spec.code, sequence: spec.sequence } })
    for (const [skuCode, quantity] of Object.entries(spec.stock ?? {})) {
      const sku = await prisma.sku.findUniqueOrThrow({ where: { code: skuCode } })
      await prisma.binStock.create({ data: { binId: bin.id, skuId: sku.id, quantity } })
    }
  }
}

/** A carrier service with its transit time (business days). Idempotent per (carrier, service). */
export async function createCarrierService(app: TestApp, carrier: string, service: string, transitDaysMean = 2, transitDaysMax = 4) {
  await app.app.db.prisma.carrierService.upsert({
    where: { carrier_service: { carrier, service } },
    create: { carrier, service, transitDaysMean, transitDaysMax },
    update: {},
  })
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
