import { describe, expect, it } from 'vitest'
import { inverseNormalCdf, normalCdf, reorderPolicy } from '@ops-hub/domain'
import { useTestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode } from '../helpers/factories/catalog.ts'
import { stockUp } from '../helpers/factories/stock.ts'
import { orderInput, placeOrder } from '../helpers/factories/orders.ts'
import { createReplenishableSku, generateSuggestions, recordDemandHistory } from '../helpers/factories/procurement.ts'

const t = useTestApp()

/** Sample mean and standard deviation of a day-by-day series (days without orders are zeros in it). */
function stats(days: number[]) {
  const n = days.length
  const mean = days.reduce((s, x) => s + x, 0) / n
  const sd = Math.sqrt(days.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1))
  return { mean, sd }
}

/** Recomputes a suggestion from its explanation alone, as a buyer would by hand. */
function recompute(e: any) {
  const ltdSd = Math.sqrt(e.leadTimeMeanDays * e.dailyDemandStdDev ** 2 + e.dailyDemandMean ** 2 * e.leadTimeStdDevDays ** 2)
  const z = inverseNormalCdf(e.serviceLevel)
  const safetyStock = z * ltdSd
  const reorderPoint = e.dailyDemandMean * e.leadTimeMeanDays + safetyStock
  const orderUpTo = reorderPoint + e.dailyDemandMean * e.reviewPeriodDays
  const inventoryPosition = e.onHand - e.damaged - e.qualityControl + e.incoming + e.inTransit - e.reserved - e.backordered
  const unrounded = orderUpTo - inventoryPosition
  return { z, safetyStock, reorderPoint, orderUpTo, inventoryPosition, unrounded, quantity: Math.ceil(Math.max(Math.ceil(unrounded), e.moq) / e.packSize) * e.packSize }
}

describe('replenishment planning', () => {
  it('measures daily demand over the window (zero days included, bundles and older lines left out) and explains a suggestion that recomputes by hand', async () => {
    const prisma = t().app.db.prisma
    const w = await createReplenishableSku(t(), { onHand: 20, abcClass: 'B', terms: { leadTimeMeanDays: 10, leadTimeStdDevDays: 2, minimumOrderQuantity: 25, packSize: 6 } })
    const other = await createFulfilmentNode(t(), { cutoffTime: '23:59' })
    await stockUp(t(), w.sku, other, 500)
    const bundle = await prisma.sku.create({ data: { code: `${w.sku}-BNDL`, name: 'Bundle', unitCost: 8, isBundle: true } })
    // 56 planning days, newest last: a demand of 3 on 20 days, 9 on 4 days, nothing on the other 32.
    const days = new Array(56).fill(0)
    const history = []
    for (let k = 0; k < 56; k++) {
      const q = k % 14 === 3 ? 9 : k % 3 === 0 ? 3 : 0
      if (!q) continue
      days[55 - k] = q
      history.push({ daysAgo: k + 0.5, quantity: q, locationCode: w.node })
    }
    await recordDemandHistory(prisma, w.channel, w.sku, [
      ...history,
      // Outside the window, at another node, and a bundle line: none is demand for this position.
      { daysAgo: 57.5, quantity: 50, locationCode: w.node },
      { daysAgo: 2.5, quantity: 40, locationCode: other },
      { daysAgo: 1.5, quantity: 5, locationCode: w.node, skuCode: bundle.code },
    ])
    const expected = stats(days)
    expect(days.filter((q) => q === 0).length).toBeGreaterThan(20)

    const payload = await generateSuggestions(t(), w.node)
    expect(payload.userErrors).toEqual([])
    const s = payload.suggestions.find((x) => x.sku.code === w.sku)
    expect(s).toBeTruthy()
    const e = s.explanation
    expect(e.dailyDemandMean).toBeCloseTo(expected.mean, 12)
    expect(e.dailyDemandStdDev).toBeCloseTo(expected.sd, 12)
    expect(e).toMatchObject({ demandWindowDays: 56, demandDaysObserved: 56, leadTimeMeanDays: 10, leadTimeStdDevDays: 2, leadTimeBasis: 'PROMISED', abcClass: 'B', serviceLevel: 0.95, onHand: 20, moq: 25, packSize: 6, reviewPeriodDays: 7 })
    expect(e.z).toBeCloseTo(1.6448536269514722, 12)

    // By hand from the explanation alone, then against the policy function: the same numbers.
    const hand = recompute(e)
    expect(e.safetyStock).toBeCloseTo(hand.safetyStock, 9)
    expect(e.reorderPoint).toBeCloseTo(hand.reorderPoint, 9)
    expect(e.orderUpTo).toBeCloseTo(hand.orderUpTo, 9)
    expect(e.inventoryPosition).toBe(hand.inventoryPosition)
    expect(e.unroundedQuantity).toBeCloseTo(hand.unrounded, 9)
    expect(s.suggestedQuantity).toBe(hand.quantity)
    expect(s.suggestedQuantity % 6).toBe(0)
    expect(e.inventoryPosition).toBeLessThan(e.reorderPoint)
    const policy = reorderPolicy({
      dailyDemandMean: expected.mean, dailyDemandStdDev: expected.sd, leadTimeMeanDays: 10, leadTimeStdDevDays: 2, serviceLevel: 0.95, reviewPeriodDays: 7,
      onHand: 20, damaged: 0, qualityControl: 0, reserved: 0, incoming: 0, inTransit: 0, backordered: 0, minimumOrderQuantity: 25, packSize: 6,
    })
    expect(s.suggestedQuantity).toBe(policy.suggestedQuantity)
    expect(s.stockoutRisk.probability).toBeCloseTo(policy.probability, 9)
    expect(s.stockoutRisk.probability).toBeCloseTo(1 - normalCdf((20 - expected.mean * 10) / policy.terms.leadTimeDemandStdDev), 9)
    expect(s.stockoutRisk.expectedShortageUnits).toBeCloseTo(policy.expectedShortageUnits, 9)
    expect(new Date(s.needBy).getTime()).toBeCloseTo(Date.now() + (20 / expected.mean) * 86_400_000, -5)
  })

  it('charges never-allocated demand and open backorders to the SKU\'s home node, and starts a new SKU\'s days at its first order', async () => {
    const prisma = t().app.db.prisma
    const w = await createReplenishableSku(t(), { onHand: 20, terms: { leadTimeMeanDays: 5, leadTimeStdDevDays: 1 } })
    const other = await createFulfilmentNode(t(), { cutoffTime: '23:59' })
    await stockUp(t(), w.sku, other, 20)
    await prisma.sku.update({ where: { code: w.sku }, data: { createdAt: new Date() } })
    await recordDemandHistory(prisma, w.channel, w.sku, [
      { daysAgo: 9.5, quantity: 6, locationCode: w.node },
      { daysAgo: 4.5, quantity: 4, locationCode: w.node },
      { daysAgo: 3.5, quantity: 1, locationCode: other },
      // Never allocated anywhere: 7 units still waiting, charged to the node that took most of the SKU's units.
      { daysAgo: 0.5, quantity: 7, locationCode: null, backordered: 7 },
    ])
    await generateSuggestions(t())
    const risk = await t().gql(
      `query ($sku: String!, $loc: String!) { stockPosition(sku: $sku, locationCode: $loc) { stockoutRisk { terms { dailyDemandMean demandDaysObserved backordered inventoryPosition } } } }`,
      { sku: w.sku, loc: w.node },
    )
    // The SKU is new: observed from its first order (day 46 of 0..55), 10 days; 6 + 4 + 7 units at the home node.
    expect(risk.data.stockPosition.stockoutRisk.terms).toEqual({ dailyDemandMean: 17 / 10, demandDaysObserved: 10, backordered: 7, inventoryPosition: 20 - 7 })
    const there = await t().gql(
      `query ($sku: String!, $loc: String!) { stockPosition(sku: $sku, locationCode: $loc) { stockoutRisk { terms { dailyDemandMean backordered } } } }`,
      { sku: w.sku, loc: other },
    )
    expect(there.data.stockPosition.stockoutRisk.terms).toEqual({ dailyDemandMean: 1 / 10, backordered: 0 })
  })

  it('keeps one OPEN suggestion per SKU × node: regenerating updates it, the database refuses a second, and it expires once stock is back', async () => {
    const prisma = t().app.db.prisma
    const w = await createReplenishableSku(t(), { onHand: 10, terms: { leadTimeMeanDays: 7, leadTimeStdDevDays: 1, minimumOrderQuantity: 1 } })
    await recordDemandHistory(prisma, w.channel, w.sku, Array.from({ length: 28 }, (_, k) => ({ daysAgo: 2 * k + 0.5, quantity: 4, locationCode: w.node })))
    const first = (await generateSuggestions(t(), w.node)).suggestions.find((s) => s.sku.code === w.sku)
    expect(first.status).toBe('OPEN')
    await stockUp(t(), w.sku, w.node, 1)
    const again = await generateSuggestions(t(), w.node)
    const second = again.suggestions.find((s) => s.sku.code === w.sku)
    expect(second.id).toBe(first.id)
    expect(second.explanation.onHand).toBe(11)
    expect(second.suggestedQuantity).toBe(first.suggestedQuantity - 1)
    expect(await prisma.reorderSuggestion.count({ where: { sku: { code: w.sku }, status: 'OPEN' } })).toBe(1)

    const row = await prisma.reorderSuggestion.findFirstOrThrow({ where: { sku: { code: w.sku } } })
    const { id: _id, ...copy } = row
    await expect(prisma.reorderSuggestion.create({ data: { ...copy } as never })).rejects.toThrow(/Unique constraint|23505|unique/i)

    await stockUp(t(), w.sku, w.node, 500)
    const later = await generateSuggestions(t(), w.node)
    expect(later.suggestions.some((s) => s.sku.code === w.sku)).toBe(false)
    // The receipt's own stock event may have re-planned it first (the worker): either way it expired.
    expect(await prisma.reorderSuggestion.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'EXPIRED' })
  })

  it('opens REPLENISHMENT_RISK for a position likely to run out with no PO covering it, once, and resolves it when stock arrives', async () => {
    const prisma = t().app.db.prisma
    const w = await createReplenishableSku(t(), { onHand: 2, abcClass: 'A', terms: { leadTimeMeanDays: 12, leadTimeStdDevDays: 3 } })
    await recordDemandHistory(prisma, w.channel, w.sku, Array.from({ length: 40 }, (_, k) => ({ daysAgo: k + 0.5, quantity: 2 + (k % 3), locationCode: w.node })))
    await generateSuggestions(t(), w.node)
    await generateSuggestions(t(), w.node)
    const position = await prisma.stockPosition.findFirstOrThrow({ where: { sku: { code: w.sku }, location: { code: w.node } } })
    const open = await prisma.exception.findMany({ where: { type: 'REPLENISHMENT_RISK', stockPositionId: position.id, status: 'OPEN' } })
    expect(open).toHaveLength(1)
    expect(open[0]).toMatchObject({ ownerRole: 'PROCUREMENT', subjectType: 'StockPosition', subjectId: position.id, severity: 'HIGH' })
    expect((open[0].data as { probability: number }).probability).toBeGreaterThan(0.9)

    await stockUp(t(), w.sku, w.node, 1000)
    await generateSuggestions(t(), w.node)
    expect(await prisma.exception.findUniqueOrThrow({ where: { id: open[0].id } })).toMatchObject({ status: 'RESOLVED' })
  })

  it('learns a supplier SKU\'s lead time from first receipts measured from the moment each PO was sent, once there are enough', async () => {
    const prisma = t().app.db.prisma
    const w = await createReplenishableSku(t(), { onHand: 1, terms: { leadTimeMeanDays: 20, leadTimeStdDevDays: 4 } })
    const supplier = await prisma.supplier.findUniqueOrThrow({ where: { code: w.supplier } })
    const sku = await prisma.sku.findUniqueOrThrow({ where: { code: w.sku } })
    const location = await prisma.location.findUniqueOrThrow({ where: { code: w.node } })
    const observed = [6, 8, 7, 11, 9]
    const DAY = 86_400_000
    const base = Date.now() - 200 * DAY
    const receive = async (i: number) => {
      const sentAt = base + i * 30 * DAY
      // Created well before it was sent: the lead time runs from sending, not from creation.
      await prisma.purchaseOrder.create({
        data: {
          supplierId: supplier.id, locationId: location.id, status: 'RECEIVED', createdBy: 'test', createdAt: new Date(sentAt - 5 * DAY), orderedAt: new Date(sentAt),
          expectedAt: new Date(sentAt + 20 * DAY), receivedAt: new Date(sentAt + observed[i] * DAY),
          lines: { create: [{ skuId: sku.id, quantity: 10, receivedQuantity: 10, unitCost: 4 }] },
          receipts: { create: [{ locationId: location.id, receivedBy: 'test', receivedAt: new Date(sentAt + observed[i] * DAY) }] },
        },
      })
      const po = await prisma.purchaseOrder.findFirstOrThrow({ where: { supplierId: supplier.id }, orderBy: { id: 'desc' }, include: { lines: true, receipts: true } })
      await prisma.receiptLine.create({ data: { receiptId: po.receipts[0].id, purchaseOrderLineId: po.lines[0].id, skuId: sku.id, quantity: 10 } })
      // A later second receipt of the same line does not count: only the first one measures the lead time.
      const late = await prisma.receipt.create({ data: { purchaseOrderId: po.id, locationId: location.id, receivedBy: 'test', receivedAt: new Date(sentAt + 60 * DAY) } })
      await prisma.receiptLine.create({ data: { receiptId: late.id, purchaseOrderLineId: po.lines[0].id, skuId: sku.id, quantity: 1 } })
    }
    const LEAD = `query ($code: String!) { sku(code: $code) { suppliers { supplier { code leadTime { basis samples meanDays } } leadTime { meanDays stdDevDays p90Days samples basis } } } }`
    for (let i = 0; i < 4; i++) await receive(i)
    let res = await t().gql(LEAD, { code: w.sku })
    expect(res.data.sku.suppliers[0].leadTime).toMatchObject({ basis: 'PROMISED', samples: 4, meanDays: 20, stdDevDays: 4 })
    expect(res.data.sku.suppliers[0].leadTime.p90Days).toBeCloseTo(20 + 1.2815515655446004 * 4, 9)

    await receive(4)
    res = await t().gql(LEAD, { code: w.sku })
    const { mean, sd } = stats(observed)
    const lt = res.data.sku.suppliers[0].leadTime
    expect(lt).toMatchObject({ basis: 'OBSERVED', samples: 5 })
    expect(lt.meanDays).toBeCloseTo(mean, 9)
    expect(lt.stdDevDays).toBeCloseTo(sd, 9)
    expect(lt.p90Days).toBeCloseTo(10.2, 9) // linear interpolation between 9 and 11 at the 90th percentile of [6, 7, 8, 9, 11]
    expect(res.data.sku.suppliers[0].supplier.leadTime).toMatchObject({ basis: 'OBSERVED', samples: 5 })

    // The planner uses the learned figures too.
    await recordDemandHistory(prisma, w.channel, w.sku, [{ daysAgo: 3.5, quantity: 5, locationCode: w.node }])
    const s = (await generateSuggestions(t(), w.node)).suggestions.find((x) => x.sku.code === w.sku)
    expect(s.explanation).toMatchObject({ leadTimeBasis: 'OBSERVED', leadTimeSamples: 5 })
    expect(s.explanation.leadTimeMeanDays).toBeCloseTo(mean, 9)
  })

  it('a reservation that takes a position below its reorder point yields an OPEN suggestion within seconds (outbox worker)', async () => {
    const prisma = t().app.db.prisma
    const w = await createReplenishableSku(t(), { onHand: 40, terms: { leadTimeMeanDays: 5, leadTimeStdDevDays: 1 } })
    await recordDemandHistory(prisma, w.channel, w.sku, Array.from({ length: 56 }, (_, k) => ({ daysAgo: k + 0.5, quantity: 2, locationCode: w.node })))
    // d = 2/day, L = 5, σd = 0: ROP = 10 + z·sqrt(5·0 + 4·1) ≈ 12.6; the position (40) is far above it.
    await generateSuggestions(t(), w.node)
    expect(await prisma.reorderSuggestion.count({ where: { sku: { code: w.sku }, status: 'OPEN' } })).toBe(0)
    const placed = await placeOrder(t(), orderInput(w.channel, [{ sku: w.sku, quantity: 30 }]))
    expect(placed.order.status).toBe('ALLOCATED')
    const deadline = Date.now() + 10_000
    let suggestion = null
    while (!suggestion && Date.now() < deadline) {
      suggestion = await prisma.reorderSuggestion.findFirst({ where: { sku: { code: w.sku }, status: 'OPEN' } })
      if (!suggestion) await new Promise((r) => setTimeout(r, 100))
    }
    expect(suggestion).toMatchObject({ reserved: 30, inventoryPosition: 10, decidedBy: null })
  })

  it('an order backordered for want of stock re-plans its SKU within seconds: the shortfall counts against the position', async () => {
    const prisma = t().app.db.prisma
    const w = await createReplenishableSku(t(), { onHand: 10, terms: { leadTimeMeanDays: 5, leadTimeStdDevDays: 1 } })
    await recordDemandHistory(prisma, w.channel, w.sku, Array.from({ length: 56 }, (_, k) => ({ daysAgo: k + 0.5, quantity: 2, locationCode: w.node })))
    expect((await placeOrder(t(), orderInput(w.channel, [{ sku: w.sku, quantity: 10 }]))).order.status).toBe('ALLOCATED')
    const suggestion = async (until: (s: { backordered: number; reserved: number } | null) => boolean) => {
      const deadline = Date.now() + 10_000
      for (;;) {
        const s = await prisma.reorderSuggestion.findFirst({ where: { sku: { code: w.sku }, status: 'OPEN' } })
        if (until(s) || Date.now() > deadline) return s
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    expect(await suggestion((s) => s?.reserved === 10)).toMatchObject({ reserved: 10, backordered: 0, inventoryPosition: 0 })
    // Nothing left to reserve: this order reserves nothing and moves no stock, only its status says BACKORDERED.
    expect((await placeOrder(t(), orderInput(w.channel, [{ sku: w.sku, quantity: 15 }]))).order.status).toBe('BACKORDERED')
    expect(await suggestion((s) => s?.backordered === 15)).toMatchObject({ reserved: 10, backordered: 15, inventoryPosition: -15 })
  })

  it('refuses an unknown or non-fulfilment location, and plans nothing for a SKU nobody supplies', async () => {
    const res = await t().gql(
      `mutation ($input: GenerateReplenishmentSuggestionsInput) { generateReplenishmentSuggestions(input: $input) { run { planned } suggestions { id } userErrors { code field } } }`,
      { input: { locationCode: 'NO-SUCH-NODE' } },
      { role: 'PROCUREMENT' },
    )
    expect(res.data.generateReplenishmentSuggestions).toEqual({ run: null, suggestions: [], userErrors: [{ code: 'NOT_FOUND', field: ['input', 'locationCode'] }] })
    const lonely = await createReplenishableSku(t(), { onHand: 1 })
    await t().app.db.prisma.supplierSku.deleteMany({ where: { sku: { code: lonely.sku } } })
    const risk = await t().gql(`query ($s: String!, $l: String!) { stockPosition(sku: $s, locationCode: $l) { stockoutRisk { probability } } }`, { s: lonely.sku, l: lonely.node })
    expect(risk.data.stockPosition).toEqual({ stockoutRisk: null })
  })
})
