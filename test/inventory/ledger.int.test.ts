import { describe, expect, it } from 'vitest'
import type { PrismaClient, Tx } from '@ops-hub/db'
import {
  adjustInventory, approveTransfer, DomainError, inTransaction, moveStock, receiveTransfer, requestTransfer, segregateStock, shipTransfer,
  dispositionReturnedUnits, type Actor,
} from '@ops-hub/domain'
import { useTestApp } from '../helpers/test-app.ts'
import { createSku, createWarehouse } from '../helpers/factories/inventory.ts'
import { seededRandom } from '../helpers/seeded-random.ts'

const t = useTestApp()

const RECONCILE = /* GraphQL */ `
  mutation { reconcileLedger { positionsChecked mismatches { stockPosition { id onHand } expected actual } userErrors { code } } }`

const clerk: Actor = { id: 'clerk@test', role: 'OPERATIONS' }
const lead: Actor = { id: 'lead@test', role: 'OPERATIONS' }

async function randomMix(prisma: PrismaClient, movements: number, seed: number) {
  const random = seededRandom(seed)
  const pick = <T,>(xs: T[]) => xs[Math.floor(random() * xs.length)]
  const locations = [await createWarehouse(prisma), await createWarehouse(prisma), await createWarehouse(prisma)]
  const skus = await Promise.all(Array.from({ length: 15 }, () => createSku(prisma, { unitCost: 1 })))
  const tally: Record<string, number> = {}
  const attempt = async (tx: Tx, name: string, fn: () => Promise<unknown>) => {
    try {
      await fn()
      tally[name] = (tally[name] ?? 0) + 1
    } catch (err) {
      // Refused moves (not enough stock...) are part of the mix; they must leave nothing half-written behind.
      if (!(err instanceof DomainError)) throw err
      tally.refused = (tally.refused ?? 0) + 1
    }
    void tx
  }
  let done = 0
  while (done < movements) {
    const batch = Math.min(250, movements - done)
    await inTransaction(prisma, async (tx) => {
      for (let i = 0; i < batch; i++) {
        const sku = pick(skus)
        const location = pick(locations)
        const q = 1 + Math.floor(random() * 20)
        const r = random()
        const at = { skuId: sku.id, locationId: location.id, actor: clerk }
        if (r < 0.2) await attempt(tx, 'receive', () => moveStock(tx, { ...at, type: 'RECEIVED', deltas: { onHand: q * 3 } }))
        else if (r < 0.42) await attempt(tx, 'reserve', () => moveStock(tx, { ...at, type: 'RESERVED', deltas: { reserved: q }, guard: 'available' }))
        else if (r < 0.54) await attempt(tx, 'release', () => moveStock(tx, { ...at, type: 'RELEASED', deltas: { reserved: -q } }))
        else if (r < 0.68) await attempt(tx, 'ship', () => moveStock(tx, { ...at, type: 'SHIPPED', deltas: { reserved: -q, onHand: -q } }))
        else if (r < 0.73) {
          const delta = random() < 0.5 ? -q : q
          await attempt(tx, 'adjust', () =>
            adjustInventory(tx, { sku: sku.code, locationCode: location.code, quantityDelta: delta, reason: delta > 0 ? 'FOUND' : 'SHRINKAGE' }, clerk),
          )
        } else if (r < 0.85) {
          const to = pick(['DAMAGED', 'QUALITY_CONTROL', 'AVAILABLE'] as const)
          const from = to === 'AVAILABLE' ? pick(['DAMAGED', 'QUALITY_CONTROL'] as const) : 'AVAILABLE'
          await attempt(tx, 'segregate', () => segregateStock(tx, { sku: sku.code, locationCode: location.code, quantity: q, from, to, reason: 'mix' }, clerk))
        } else if (r < 0.95) {
          const disposition = pick(['RESTOCK', 'DAMAGED', 'SCRAP', 'RETURN_TO_VENDOR'] as const)
          await attempt(tx, 'return', () => dispositionReturnedUnits(tx, { ...at, quantity: q, disposition, reference: 'rma:mix' }))
        } else {
          const to = pick(locations.filter((l) => l.id !== location.id))
          await attempt(tx, 'transfer', async () => {
            const transfer = await requestTransfer(tx, { fromLocationCode: location.code, toLocationCode: to.code, lines: [{ sku: sku.code, quantity: q }] }, clerk)
            await approveTransfer(tx, { id: transfer.id }, lead)
            await shipTransfer(tx, { id: transfer.id }, clerk)
            // Some transfers stay in transit, so in-transit buckets are part of what reconciles.
            if (random() < 0.7) await receiveTransfer(tx, { id: transfer.id }, lead)
          })
        }
      }
    }, { timeoutMs: 120_000 })
    done += batch
  }
  return tally
}

describe('ledger reconciliation', () => {
  it('re-derives every position from the ledger after 10k random movements, and catches a write behind its back', async () => {
    const prisma = t().app.db.prisma
    const tally = await randomMix(prisma, 10_000, 20261127)
    for (const kind of ['receive', 'reserve', 'release', 'ship', 'adjust', 'segregate', 'return', 'transfer', 'refused']) {
      expect(tally[kind], kind).toBeGreaterThan(50)
    }
    const clean = await t().gql(RECONCILE, {}, { role: 'FINANCE' })
    expect(clean.data.reconcileLedger.userErrors).toEqual([])
    expect(clean.data.reconcileLedger.positionsChecked).toBeGreaterThanOrEqual(45)
    expect(clean.data.reconcileLedger.mismatches).toEqual([])

    const victim = await prisma.stockPosition.findFirstOrThrow({ where: { onHand: { gt: 5 } }, orderBy: { id: 'asc' } })
    await prisma.$executeRaw`UPDATE stock_positions SET on_hand = on_hand + 7 WHERE id = ${victim.id}`
    const dirty = await t().gql(RECONCILE, {}, { role: 'FINANCE' })
    const { mismatches } = dirty.data.reconcileLedger
    expect(mismatches).toHaveLength(1)
    expect(mismatches[0].expected.onHand).toBe(victim.onHand)
    expect(mismatches[0].actual.onHand).toBe(victim.onHand + 7)
    expect(await prisma.exception.count({ where: { type: 'LEDGER_MISMATCH', stockPositionId: victim.id, status: 'OPEN' } })).toBe(1)

    const history = await t().gql(
      `query ($id: ID!) { node(id: $id) { ... on StockPosition { history(first: 3) { totalCount edges { node { type actor onHandDelta occurredAt } } } } } }`,
      { id: Buffer.from(`StockPosition:${victim.id}`).toString('base64') },
    )
    expect(history.data.node.history.totalCount).toBeGreaterThan(3)
    expect(history.data.node.history.edges).toHaveLength(3)

    expect((await t().gql(RECONCILE, {}, { role: 'OPERATIONS' })).errors?.[0].extensions?.code).toBe('FORBIDDEN')
  }, 600_000)
})
