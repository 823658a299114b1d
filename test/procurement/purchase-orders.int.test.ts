import { describe, expect, it } from 'vitest'
import { flagLatePurchaseOrders, inTransaction, purchaseOrderMachine, reachableStates, reconcileLedger, systemActor } from '@ops-hub/domain'
import { useTestApp } from '../helpers/test-app.ts'
import { createReplenishableSku, generateSuggestions, recordDemandHistory, supplySku, type ReplenishableWorld } from '../helpers/factories/procurement.ts'
import { createSellableSku } from '../helpers/factories/catalog.ts'
import { stockUp } from '../helpers/factories/stock.ts'

const t = useTestApp()
const buyer = { role: 'PROCUREMENT' as const, sub: 'buyer@test' }
const controller = { role: 'FINANCE' as const, sub: 'controller@test' }
const DAY = 86_400_000

const PO = `purchaseOrder { id number status nextStates value submittedBy approvedBy orderedAt expectedArrival receivedAt late
  lines { sku { code } quantity receivedQuantity damagedQuantity outstandingQuantity } }`

const APPROVE = `mutation ($input: ApproveReplenishmentSuggestionsInput!) { approveReplenishmentSuggestions(input: $input) {
  purchaseOrders { id number status supplier { code } location { code } lines { sku { code } quantity unitCost } } userErrors { code field message } } }`

async function step(name: string, input: Record<string, unknown>, as: { role: any; sub?: string } = buyer) {
  const type = { submitPurchaseOrder: 'PurchaseOrderIdInput', approvePurchaseOrder: 'PurchaseOrderIdInput', sendPurchaseOrder: 'SendPurchaseOrderInput', cancelPurchaseOrder: 'CancelPurchaseOrderInput', receivePurchaseOrder: 'ReceivePurchaseOrderInput' }[name]
  const res = await t().gql(`mutation ($input: ${type}!) { ${name}(input: $input) { ${PO} userErrors { code field message } } }`, { input }, as)
  if (res.errors) throw new Error(`${name}: ${JSON.stringify(res.errors)}`)
  return res.data[name] as { purchaseOrder: any; userErrors: Array<{ code: string; field: string[] | null; message: string }> }
}

async function position(w: { sku: string; node: string }) {
  return t().app.db.prisma.stockPosition.findFirstOrThrow({ where: { sku: { code: w.sku }, location: { code: w.node } } })
}

/** Two SKUs of one supplier and one of another, all below their reorder point at one node. */
async function dueSuggestions() {
  const prisma = t().app.db.prisma
  const a = await createReplenishableSku(t(), { onHand: 3, terms: { leadTimeMeanDays: 6, leadTimeStdDevDays: 1, minimumOrderQuantity: 10, packSize: 5, unitCost: '2.50' } })
  const skuB = await createSellableSku(t())
  await prisma.sku.update({ where: { code: skuB }, data: { createdAt: new Date(Date.now() - 200 * DAY) } })
  await stockUp(t(), skuB, a.node, 2)
  await supplySku(t(), a.supplier, skuB, { leadTimeMeanDays: 6, leadTimeStdDevDays: 1, unitCost: '1.00' })
  const c = await createReplenishableSku(t(), { onHand: 1, node: a.node, channel: a.channel, terms: { leadTimeMeanDays: 9, leadTimeStdDevDays: 2 } })
  for (const sku of [a.sku, skuB, c.sku]) {
    await recordDemandHistory(prisma, a.channel, sku, Array.from({ length: 30 }, (_, k) => ({ daysAgo: k + 0.5, quantity: 3, locationCode: a.node })))
  }
  const run = await generateSuggestions(t(), a.node)
  const pick = (sku: string) => run.suggestions.find((s) => s.sku.code === sku)
  return { a, b: { ...a, sku: skuB }, c, suggestions: [pick(a.sku), pick(skuB), pick(c.sku)] }
}

describe('purchase orders', () => {
  it('approves suggestions into one draft PO per supplier × node, then submit -> approve by FINANCE -> send raises incoming -> receipts raise on hand', async () => {
    const prisma = t().app.db.prisma
    const { a, b, c, suggestions } = await dueSuggestions()
    expect(suggestions.every((s) => s?.status === 'OPEN')).toBe(true)
    const approved = await t().gql(APPROVE, { input: { suggestionIds: suggestions.map((s) => s.id), idempotencyKey: `approve-${a.sku}` } }, buyer)
    const pos = approved.data.approveReplenishmentSuggestions.purchaseOrders
    expect(approved.data.approveReplenishmentSuggestions.userErrors).toEqual([])
    expect(pos).toHaveLength(2)
    const poA = pos.find((p: any) => p.supplier.code === a.supplier)
    expect(poA).toMatchObject({ status: 'DRAFT', location: { code: a.node } })
    expect(poA.lines.map((l: any) => l.sku.code).sort()).toEqual([a.sku, b.sku].sort())
    expect(poA.lines.find((l: any) => l.sku.code === a.sku)).toMatchObject({ quantity: suggestions[0].suggestedQuantity, unitCost: '2.5' })
    expect(pos.find((p: any) => p.supplier.code === c.supplier).lines).toEqual([{ sku: { code: c.sku }, quantity: suggestions[2].suggestedQuantity, unitCost: '4' }])
    const converted = await prisma.reorderSuggestion.findMany({ where: { sku: { code: { in: [a.sku, b.sku, c.sku] } } } })
    expect(converted.map((s) => s.status)).toEqual(['CONVERTED', 'CONVERTED', 'CONVERTED'])

    // The same key again replays the same orders; approving a suggestion no longer OPEN is refused with nothing written.
    const replay = await t().gql(APPROVE, { input: { suggestionIds: suggestions.map((s) => s.id), idempotencyKey: `approve-${a.sku}` } }, buyer)
    expect(replay.data.approveReplenishmentSuggestions.purchaseOrders.map((p: any) => p.id).sort()).toEqual(pos.map((p: any) => p.id).sort())
    const stale = await t().gql(APPROVE, { input: { suggestionIds: [suggestions[0].id] } }, buyer)
    expect(stale.data.approveReplenishmentSuggestions).toEqual({ purchaseOrders: [], userErrors: [expect.objectContaining({ code: 'ILLEGAL_TRANSITION', field: ['input', 'suggestionIds', '0'] })] })
    const reused = await t().gql(APPROVE, { input: { suggestionIds: [suggestions[0].id], idempotencyKey: `approve-${a.sku}` } }, buyer)
    expect(reused.data.approveReplenishmentSuggestions.userErrors[0].code).toBe('IDEMPOTENCY_KEY_REUSED')
    expect(await prisma.purchaseOrder.count({ where: { lines: { some: { sku: { code: { in: [a.sku, b.sku, c.sku] } } } } } })).toBe(2)

    // Lifecycle: only the allowed moves.
    expect((await step('sendPurchaseOrder', { purchaseOrderId: poA.id, expectedArrival: new Date(Date.now() + 6 * DAY).toISOString() })).userErrors[0].code).toBe('ILLEGAL_TRANSITION')
    const submitted = await step('submitPurchaseOrder', { purchaseOrderId: poA.id })
    expect(submitted.purchaseOrder).toMatchObject({ status: 'PENDING_APPROVAL', submittedBy: 'buyer@test', nextStates: ['APPROVED', 'CANCELLED'] })
    const byBuyer = await t().gql(`mutation ($input: PurchaseOrderIdInput!) { approvePurchaseOrder(input: $input) { userErrors { code } } }`, { input: { purchaseOrderId: poA.id } }, buyer)
    expect(byBuyer.errors?.[0].extensions?.code).toBe('FORBIDDEN')
    const approvedPo = await step('approvePurchaseOrder', { purchaseOrderId: poA.id }, controller)
    expect(approvedPo.purchaseOrder).toMatchObject({ status: 'APPROVED', approvedBy: 'controller@test', nextStates: ['SENT', 'CANCELLED'] })

    const before = await position(a)
    const beforeB = await position(b)
    const arrival = new Date(Date.now() + 6 * DAY).toISOString()
    const sent = await step('sendPurchaseOrder', { purchaseOrderId: poA.id, expectedArrival: arrival, idempotencyKey: `send-${poA.id}` })
    expect(sent.purchaseOrder).toMatchObject({ status: 'SENT', expectedArrival: arrival, late: false })
    expect(sent.purchaseOrder.orderedAt).toBeTruthy()
    const qtyA = poA.lines.find((l: any) => l.sku.code === a.sku).quantity
    const qtyB = poA.lines.find((l: any) => l.sku.code === b.sku).quantity
    expect((await position(a)).incoming - before.incoming).toBe(qtyA)
    expect((await position(b)).incoming - beforeB.incoming).toBe(qtyB)
    // Sent twice with its key: applied once.
    await step('sendPurchaseOrder', { purchaseOrderId: poA.id, expectedArrival: arrival, idempotencyKey: `send-${poA.id}` })
    expect((await position(a)).incoming - before.incoming).toBe(qtyA)

    // A partial receipt (2 of them damaged), then the rest: on hand up and incoming down by what arrived.
    const partial = await step('receivePurchaseOrder', { purchaseOrderId: poA.id, lines: [{ sku: a.sku, quantity: 6, damagedQuantity: 2 }], idempotencyKey: `rcv1-${poA.id}` })
    expect(partial.userErrors).toEqual([])
    expect(partial.purchaseOrder).toMatchObject({ status: 'PARTIALLY_RECEIVED', nextStates: ['PARTIALLY_RECEIVED', 'RECEIVED'] })
    const mid = await position(a)
    expect(mid.onHand - before.onHand).toBe(6)
    expect(mid.damaged - before.damaged).toBe(2)
    expect(mid.incoming - before.incoming).toBe(qtyA - 6)
    const available = await prisma.outboxEvent.findMany({ where: { topic: 'stock.available' } })
    expect(available.map((e) => e.payload)).toContainEqual({ locationId: mid.locationId, skuIds: [mid.skuId], cause: 'PURCHASE_ORDER_RECEIPT', reference: `purchase-order:${poA.number}` })
    expect(await prisma.inventoryEvent.count({ where: { stockPositionId: mid.id, type: 'RECEIVED', reasonCode: 'PO_RECEIPT' } })).toBe(1)

    const rest = await step('receivePurchaseOrder', { purchaseOrderId: poA.id, lines: [{ sku: a.sku, quantity: qtyA - 6 }, { sku: b.sku, quantity: qtyB }] })
    expect(rest.purchaseOrder).toMatchObject({ status: 'RECEIVED', nextStates: [] })
    expect(rest.purchaseOrder.receivedAt).toBeTruthy()
    expect(await position(a)).toMatchObject({ onHand: before.onHand + qtyA, incoming: before.incoming })
    expect(await position(b)).toMatchObject({ onHand: beforeB.onHand + qtyB, incoming: beforeB.incoming })
    expect(rest.purchaseOrder.lines.find((l: any) => l.sku.code === a.sku)).toMatchObject({ receivedQuantity: qtyA, damagedQuantity: 2, outstandingQuantity: 0 })
    const into = await step('receivePurchaseOrder', { purchaseOrderId: poA.id, lines: [{ sku: a.sku, quantity: 1 }] })
    expect(into.userErrors[0]).toMatchObject({ code: 'ILLEGAL_TRANSITION', field: ['input', 'purchaseOrderId'] })

    const report = await inTransaction(prisma, (tx) => reconcileLedger(tx, {}, systemActor))
    expect(report.mismatches).toEqual([])
  })

  it('a submitter cannot approve their own purchase order (SELF_APPROVAL); within procurement.poApprovalValue it needs no approver', async () => {
    const prisma = t().app.db.prisma
    const { suggestions } = await dueSuggestions()
    const admin = { role: 'ADMIN' as const, sub: 'owner@test' }
    const [po] = (await t().gql(APPROVE, { input: { suggestionIds: [suggestions[0].id] } }, admin)).data.approveReplenishmentSuggestions.purchaseOrders
    expect((await step('submitPurchaseOrder', { purchaseOrderId: po.id }, admin)).purchaseOrder.status).toBe('PENDING_APPROVAL')
    const self = await step('approvePurchaseOrder', { purchaseOrderId: po.id }, admin)
    expect(self).toEqual({ purchaseOrder: null, userErrors: [expect.objectContaining({ code: 'SELF_APPROVAL' })] })
    expect((await prisma.purchaseOrder.findFirstOrThrow({ where: { number: po.number } })).status).toBe('PENDING_APPROVAL')

    await prisma.setting.upsert({ where: { key: 'procurement.poApprovalValue' }, create: { key: 'procurement.poApprovalValue', value: 1_000_000 }, update: { value: 1_000_000 } })
    try {
      const [small] = (await t().gql(APPROVE, { input: { suggestionIds: [suggestions[2].id] } }, buyer)).data.approveReplenishmentSuggestions.purchaseOrders
      expect((await step('submitPurchaseOrder', { purchaseOrderId: small.id })).purchaseOrder).toMatchObject({ status: 'APPROVED', nextStates: ['SENT', 'CANCELLED'] })
    } finally {
      await prisma.setting.delete({ where: { key: 'procurement.poApprovalValue' } })
    }
  })

  it('cancelling a sent order gives its incoming back; a cancelled order takes no receipt', async () => {
    const { a, suggestions } = await dueSuggestions()
    const [po] = (await t().gql(APPROVE, { input: { suggestionIds: [suggestions[0].id] } }, buyer)).data.approveReplenishmentSuggestions.purchaseOrders
    await step('submitPurchaseOrder', { purchaseOrderId: po.id })
    await step('approvePurchaseOrder', { purchaseOrderId: po.id }, controller)
    const before = await position(a)
    await step('sendPurchaseOrder', { purchaseOrderId: po.id, idempotencyKey: `s-${po.id}` })
    expect((await position(a)).incoming).toBe(before.incoming + po.lines[0].quantity)
    const cancelled = await step('cancelPurchaseOrder', { purchaseOrderId: po.id, reason: 'supplier out of stock', idempotencyKey: `c-${po.id}` })
    expect(cancelled.purchaseOrder).toMatchObject({ status: 'CANCELLED', nextStates: [] })
    expect((await position(a)).incoming).toBe(before.incoming)
    const receipt = await step('receivePurchaseOrder', { purchaseOrderId: po.id, lines: [{ sku: a.sku, quantity: 1 }] })
    expect(receipt).toEqual({ purchaseOrder: null, userErrors: [expect.objectContaining({ code: 'ILLEGAL_TRANSITION' })] })
    expect(await position(a)).toMatchObject({ onHand: before.onHand, incoming: before.incoming })
  })

  it('refuses bad receipts with a typed error each and books nothing: unknown SKU, quantity <= 0, damaged > quantity, beyond the over-receipt tolerance', async () => {
    const prisma = t().app.db.prisma
    const w = await sentOrder(100)
    const before = await position(w)
    const cases: Array<[Record<string, unknown>, string, string[]]> = [
      [{ sku: 'NO-SUCH-SKU', quantity: 1 }, 'NOT_FOUND', ['input', 'lines', '0', 'sku']],
      [{ sku: w.sku, quantity: 0 }, 'INVALID_INPUT', ['input', 'lines', '0', 'quantity']],
      [{ sku: w.sku, quantity: -3 }, 'INVALID_INPUT', ['input', 'lines', '0', 'quantity']],
      [{ sku: w.sku, quantity: 5, damagedQuantity: 6 }, 'INVALID_INPUT', ['input', 'lines', '0', 'damagedQuantity']],
      [{ sku: w.sku, quantity: 106 }, 'OVER_RECEIPT', ['input', 'lines', '0', 'quantity']],
    ]
    for (const [line, code, field] of cases) {
      const res = await step('receivePurchaseOrder', { purchaseOrderId: w.po.id, lines: [line] })
      expect(res.userErrors[0], JSON.stringify(line)).toMatchObject({ code, field })
    }
    expect(await prisma.receipt.count({ where: { purchaseOrderId: Number(Buffer.from(w.po.id, 'base64').toString().split(':')[1]) } })).toBe(0)
    expect(await position(w)).toMatchObject({ onHand: before.onHand, incoming: before.incoming, version: before.version })
    // Within the 5% tolerance: 105 of 100 is booked, incoming falls by the 100 outstanding only.
    const ok = await step('receivePurchaseOrder', { purchaseOrderId: w.po.id, lines: [{ sku: w.sku, quantity: 105 }] })
    expect(ok.purchaseOrder.status).toBe('RECEIVED')
    expect(await position(w)).toMatchObject({ onHand: before.onHand + 105, incoming: before.incoming - 100 })
  })

  it('the same receipt sent three times at once with one key is applied once; the key with another payload is refused', async () => {
    const prisma = t().app.db.prisma
    const w = await sentOrder(40)
    const before = await position(w)
    const input = { purchaseOrderId: w.po.id, lines: [{ sku: w.sku, quantity: 15 }], idempotencyKey: `race-${w.po.id}` }
    const results = await Promise.all([0, 1, 2].map(() => t().gql(`mutation ($input: ReceivePurchaseOrderInput!) { receivePurchaseOrder(input: $input) { purchaseOrder { status } receipt { receivedAt } userErrors { code } } }`, { input }, buyer)))
    for (const r of results) expect(r.errors, JSON.stringify(r)).toBeUndefined()
    const applied = results.filter((r) => r.data.receivePurchaseOrder.userErrors.length === 0)
    expect(applied.length).toBeGreaterThanOrEqual(1)
    for (const r of results.filter((x) => x.data.receivePurchaseOrder.userErrors.length)) expect(r.data.receivePurchaseOrder.userErrors[0].code).toMatch(/IDEMPOTENCY/)
    const after = await position(w)
    expect(after.onHand - before.onHand).toBe(15)
    expect(before.incoming - after.incoming).toBe(15)
    expect(await prisma.receipt.count({ where: { purchaseOrder: { number: w.po.number } } })).toBe(1)
    const other = await step('receivePurchaseOrder', { ...input, lines: [{ sku: w.sku, quantity: 16 }] })
    expect(other.userErrors[0]).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] })
    expect((await position(w)).onHand - before.onHand).toBe(15)
  })

  it('opens one LATE_PURCHASE_ORDER per overdue order however often the job runs, owned by PROCUREMENT, and resolves it on receipt', async () => {
    const prisma = t().app.db.prisma
    const w = await sentOrder(10)
    const id = Number(Buffer.from(w.po.id, 'base64').toString().split(':')[1])
    const expectedAt = (await prisma.purchaseOrder.findUniqueOrThrow({ where: { id } })).expectedAt!
    const later = new Date(expectedAt.getTime() + 2 * DAY)
    const flagged = () => prisma.exception.findMany({ where: { type: 'LATE_PURCHASE_ORDER', subjectType: 'PurchaseOrder', subjectId: id } })
    await inTransaction(prisma, (tx) => flagLatePurchaseOrders(tx, systemActor, new Date(expectedAt.getTime() - 1000)))
    expect(await flagged()).toEqual([])
    const first = await inTransaction(prisma, (tx) => flagLatePurchaseOrders(tx, systemActor, later))
    await inTransaction(prisma, (tx) => flagLatePurchaseOrders(tx, systemActor, later))
    await inTransaction(prisma, (tx) => flagLatePurchaseOrders(tx, systemActor, new Date(later.getTime() + DAY)))
    expect(first.opened).toBeGreaterThanOrEqual(1)
    const open = await flagged()
    expect(open).toHaveLength(1)
    expect(open[0]).toMatchObject({ ownerRole: 'PROCUREMENT', status: 'OPEN' })
    await step('receivePurchaseOrder', { purchaseOrderId: w.po.id, lines: [{ sku: w.sku, quantity: 10 }] })
    expect((await prisma.exception.findUniqueOrThrow({ where: { id: open[0].id } })).status).toBe('RESOLVED')
  })

  it('rejects an OPEN suggestion with a reason, once; a rejected suggestion cannot be approved', async () => {
    const { suggestions } = await dueSuggestions()
    const REJECT = `mutation ($input: RejectReplenishmentSuggestionInput!) { rejectReplenishmentSuggestion(input: $input) { suggestion { status decidedBy decisionNote } userErrors { code } } }`
    const first = await t().gql(REJECT, { input: { suggestionId: suggestions[1].id, reason: 'discontinued next season' } }, buyer)
    expect(first.data.rejectReplenishmentSuggestion).toEqual({ suggestion: { status: 'REJECTED', decidedBy: 'buyer@test', decisionNote: 'discontinued next season' }, userErrors: [] })
    const again = await t().gql(REJECT, { input: { suggestionId: suggestions[1].id } }, buyer)
    expect(again.data.rejectReplenishmentSuggestion.userErrors).toEqual([{ code: 'ILLEGAL_TRANSITION' }])
    const approve = await t().gql(APPROVE, { input: { suggestionIds: [suggestions[0].id, suggestions[1].id] } }, buyer)
    expect(approve.data.approveReplenishmentSuggestions.userErrors).toEqual([expect.objectContaining({ code: 'ILLEGAL_TRANSITION', field: ['input', 'suggestionIds', '1'] })])
    // Refused whole: the OPEN one was not drafted either.
    expect((await t().app.db.prisma.reorderSuggestion.findFirstOrThrow({ where: { id: Number(Buffer.from(suggestions[0].id, 'base64').toString().split(':')[1]) } })).status).toBe('OPEN')
  })

  it('the purchase-order lifecycle is a transition table in which every state is reachable', () => {
    expect(new Set(purchaseOrderMachine.states)).toEqual(new Set(['DRAFT', 'PENDING_APPROVAL', 'APPROVED', 'SENT', 'PARTIALLY_RECEIVED', 'RECEIVED', 'CANCELLED']))
    expect(reachableStates(purchaseOrderMachine)).toEqual(new Set(purchaseOrderMachine.states))
    expect(purchaseOrderMachine.can('PARTIALLY_RECEIVED', 'CANCELLED')).toBe(false)
    expect(purchaseOrderMachine.can('RECEIVED', 'CANCELLED')).toBe(false)
  })
})

/** A sent purchase order of `quantity` units of one SKU (approved through the suggestion flow). */
async function sentOrder(quantity: number): Promise<ReplenishableWorld & { po: any }> {
  const w = await createReplenishableSku(t(), { onHand: 1, terms: { minimumOrderQuantity: quantity, packSize: quantity } })
  await recordDemandHistory(t().app.db.prisma, w.channel, w.sku, [{ daysAgo: 1.5, quantity: 3, locationCode: w.node }])
  const s = (await generateSuggestions(t(), w.node)).suggestions.find((x) => x.sku.code === w.sku)
  const [po] = (await t().gql(APPROVE, { input: { suggestionIds: [s.id] } }, buyer)).data.approveReplenishmentSuggestions.purchaseOrders
  expect(po.lines[0].quantity).toBe(quantity)
  await step('submitPurchaseOrder', { purchaseOrderId: po.id })
  await step('approvePurchaseOrder', { purchaseOrderId: po.id }, controller)
  await step('sendPurchaseOrder', { purchaseOrderId: po.id, expectedArrival: new Date(Date.now() + 5 * DAY).toISOString() })
  return { ...w, po }
}

