import { describe, expect, it } from 'vitest'
import { normalCdf, normalLoss } from '@ops-hub/domain'
import { useTestApp } from '../helpers/test-app.ts'
import { liveClient, subscribe } from '../helpers/live-client.ts'
import { orderInput, placeOrder } from '../helpers/factories/orders.ts'
import { createReplenishableSku, recordDemandHistory } from '../helpers/factories/procurement.ts'

const t = useTestApp()

const TERMS = 'inventoryPosition dailyDemandMean dailyDemandStdDev leadTimeMeanDays leadTimeStdDevDays leadTimeDemandMean leadTimeDemandStdDev k reorderPoint'

describe('stockout risk', () => {
  it('explains a position\'s risk with terms that recompute to its probability and expected shortage', async () => {
    const w = await createReplenishableSku(t(), { onHand: 25, terms: { leadTimeMeanDays: 8, leadTimeStdDevDays: 2 } })
    await recordDemandHistory(t().app.db.prisma, w.channel, w.sku, Array.from({ length: 50 }, (_, k) => ({ daysAgo: k + 0.5, quantity: 1 + (k % 5), locationCode: w.node })))
    const res = await t().gql(
      `query ($s: String!, $l: String!) { stockPosition(sku: $s, locationCode: $l) { stockoutRisk { probability expectedShortageUnits horizonDays openPurchaseOrders terms { ${TERMS} } } } }`,
      { s: w.sku, l: w.node },
    )
    const r = res.data.stockPosition.stockoutRisk
    const x = r.terms
    const mu = x.dailyDemandMean * x.leadTimeMeanDays
    const sigma = Math.sqrt(x.leadTimeMeanDays * x.dailyDemandStdDev ** 2 + x.dailyDemandMean ** 2 * x.leadTimeStdDevDays ** 2)
    const k = (x.inventoryPosition - mu) / sigma
    expect(x.inventoryPosition).toBe(25)
    expect(x.leadTimeDemandMean).toBeCloseTo(mu, 12)
    expect(x.leadTimeDemandStdDev).toBeCloseTo(sigma, 12)
    expect(x.k).toBeCloseTo(k, 12)
    expect(r.probability).toBeCloseTo(1 - normalCdf(k), 12)
    expect(r.expectedShortageUnits).toBeCloseTo(sigma * normalLoss(k), 12)
    expect(r).toMatchObject({ horizonDays: 8, openPurchaseOrders: [] })
    expect(r.probability).toBeGreaterThan(0.01)
  })

  it('Φ in SQL (ops_hub_normal_cdf) and in TypeScript agree to the last digits', async () => {
    const xs = Array.from({ length: 161 }, (_, i) => -40 + i * 0.5).concat([-7.2, -7.0710678, 0.123456789, 7.0710679, 38])
    const rows = await t().app.db.prisma.$queryRaw<Array<{ x: number; p: number }>>`SELECT x, ops_hub_normal_cdf(x) AS p FROM unnest(${xs}::float8[]) AS x`
    for (const row of rows) expect(Math.abs(row.p - normalCdf(row.x)), `x = ${row.x}`).toBeLessThan(1e-15)
  })

  it('ranks positions by risk and pushes the live replenishment-risk snapshot when a reservation raises it', async () => {
    const w = await createReplenishableSku(t(), { onHand: 60, abcClass: 'A', terms: { leadTimeMeanDays: 10, leadTimeStdDevDays: 2 } })
    const calm = await createReplenishableSku(t(), { onHand: 500, node: w.node, channel: w.channel })
    const prisma = t().app.db.prisma
    for (const sku of [w.sku, calm.sku]) {
      await recordDemandHistory(prisma, w.channel, sku, Array.from({ length: 56 }, (_, k) => ({ daysAgo: k + 0.5, quantity: 3 + (k % 2), locationCode: w.node })))
    }
    const ranked = await t().gql(
      `query ($l: String!) { stockoutRisks(locationCode: $l, first: 10) { edges { node { sku probability locationCode stockPosition { onHand } } } } }`,
      { l: w.node },
      { role: 'PROCUREMENT' },
    )
    const nodes = ranked.data.stockoutRisks.edges.map((e: any) => e.node)
    expect(nodes.map((n: any) => n.sku)).toEqual([w.sku, calm.sku])
    expect(nodes[0].probability).toBeGreaterThanOrEqual(nodes[1].probability)
    expect(nodes[1].stockPosition.onHand).toBe(500)

    const client = liveClient(t().url, await t().token('PROCUREMENT'))
    const live = subscribe<any>(client, `subscription ($l: String) { replenishmentRisk(locationCode: $l) { asOf atRisk positions threshold top { sku probability terms { inventoryPosition } } } }`, { l: w.node })
    try {
      const first = await live.next((v) => v.replenishmentRisk.positions === 2, 10_000)
      expect(first.replenishmentRisk).toMatchObject({ atRisk: 0, threshold: 0.5 })
      // 55 units reserved: the position falls to 5 against ~35 units of lead-time demand.
      const placed = await placeOrder(t(), orderInput(w.channel, [{ sku: w.sku, quantity: 55 }]))
      expect(placed.order.status).toBe('ALLOCATED')
      const pushed = await live.next((v) => v.replenishmentRisk.atRisk === 1, 10_000)
      expect(pushed.replenishmentRisk.top[0]).toMatchObject({ sku: w.sku, terms: { inventoryPosition: 5 } })
      expect(pushed.replenishmentRisk.top[0].probability).toBeGreaterThan(0.9)
    } finally {
      live.close()
      await client.dispose()
    }
  })

  it('refuses an unknown node in the ranking with NOT_FOUND', async () => {
    const res = await t().gql(`query { stockoutRisks(locationCode: "NO-SUCH-NODE", first: 5) { edges { cursor } } }`, {}, { role: 'PROCUREMENT' })
    expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND')
  })
})
