// Inventory factories, named by the state they leave behind. They write through the domain (the ledger),
// never behind it, so every position they create reconciles.
import type { AbcClass, LocationKind, PrismaClient } from '@ops-hub/db'
import { inTransaction, moveStock, systemActor } from '@ops-hub/domain'
import { uniqueCode } from '../unique.ts'

export async function createSku(prisma: PrismaClient, opts: { unitCost?: number; abcClass?: AbcClass; code?: string } = {}) {
  const code = opts.code ?? uniqueCode('SKU')
  return prisma.sku.create({ data: { code, name: `Item ${code}`, unitCost: opts.unitCost ?? 10, abcClass: opts.abcClass ?? 'C' } })
}

export async function createWarehouse(prisma: PrismaClient, opts: { kind?: LocationKind; timezone?: string } = {}) {
  const code = uniqueCode(opts.kind === 'THIRD_PARTY' ? '3PL' : 'WH')
  return prisma.location.create({
    data: { code, name: `Location ${code}`, kind: opts.kind ?? 'WAREHOUSE', feedManaged: opts.kind === 'THIRD_PARTY', timezone: opts.timezone ?? 'UTC' },
  })
}

export async function createThirdPartyLocation(prisma: PrismaClient) {
  return createWarehouse(prisma, { kind: 'THIRD_PARTY' })
}

/** A SKU with `onHand` units received at a fresh (or given) location, through the ledger. */
export async function createStockedPosition(
  prisma: PrismaClient,
  opts: { onHand: number; unitCost?: number; abcClass?: AbcClass; location?: { id: number; code: string }; kind?: LocationKind } = { onHand: 100 },
) {
  const sku = await createSku(prisma, { unitCost: opts.unitCost, abcClass: opts.abcClass })
  const location = opts.location ?? (await createWarehouse(prisma, { kind: opts.kind }))
  const position = await inTransaction(prisma, (tx) =>
    moveStock(tx, {
      skuId: sku.id,
      locationId: location.id,
      type: 'RECEIVED',
      deltas: { onHand: opts.onHand },
      actor: systemActor,
      reasonCode: 'RECEIVED',
      referenceDocumentUri: 'test:factory',
    }),
  )
  return { sku, location, position }
}
