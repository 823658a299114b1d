import { describe, expect, it } from 'vitest'
import { dispositionReturnedUnits, inTransaction, systemActor } from '@ops-hub/domain'
import { useTestApp } from '../helpers/test-app.ts'
import { createStockedPosition, createWarehouse } from '../helpers/factories/inventory.ts'

const t = useTestApp()
const requester = { role: 'OPERATIONS' as const, sub: 'planner@test' }
const approver = { role: 'OPERATIONS' as const, sub: 'lead@test' }
const TRANSFER = 'transfer { id status nextStates lines { quantity receivedQuantity } }'

describe('transfers, segregation and returns disposition', () => {
  it('moves stock source -> in transit -> destination on hand, approved by someone other than the requester', async () => {
    const prisma = t().app.db.prisma
    const { sku, location: from } = await createStockedPosition(prisma, { onHand: 100 })
    const to = await createWarehouse(prisma)
    const position = (locationId: number) => prisma.stockPosition.findFirst({ where: { skuId: sku.id, locationId } })

    const req = await t().gql(
      `mutation ($input: RequestTransferInput!) { requestTransfer(input: $input) { ${TRANSFER} userErrors { code field } } }`,
      { input: { fromLocationCode: from.code, toLocationCode: to.code, lines: [{ sku: sku.code, quantity: 30 }] } },
      requester,
    )
    const transfer = req.data.requestTransfer.transfer
    expect(transfer).toMatchObject({ status: 'REQUESTED', nextStates: ['APPROVED', 'REJECTED', 'CANCELLED'] })
    expect(await prisma.exception.count({ where: { type: 'TRANSFER_APPROVAL', status: 'OPEN', subjectType: 'Transfer' } })).toBe(1)

    const step = (name: string, input: object, as: object) =>
      t().gql(`mutation ($input: ${name === 'receiveTransfer' ? 'ReceiveTransferInput' : 'TransferDecisionInput'}!) { ${name}(input: $input) { ${TRANSFER} userErrors { code } } }`, { input }, as)
    expect((await step('shipTransfer', { id: transfer.id }, approver)).data.shipTransfer.userErrors[0].code).toBe('ILLEGAL_TRANSITION')
    expect((await step('approveTransfer', { id: transfer.id }, requester)).data.approveTransfer.userErrors[0].code).toBe('SELF_APPROVAL')
    expect((await step('approveTransfer', { id: transfer.id }, approver)).data.approveTransfer.transfer.status).toBe('APPROVED')
    expect(await prisma.exception.count({ where: { type: 'TRANSFER_APPROVAL', status: 'OPEN' } })).toBe(0)

    expect((await step('shipTransfer', { id: transfer.id }, requester)).data.shipTransfer.transfer.status).toBe('IN_TRANSIT')
    expect(await position(from.id)).toMatchObject({ onHand: 70, inTransit: 0 })
    expect(await position(to.id)).toMatchObject({ onHand: 0, inTransit: 30 })

    const received = await step('receiveTransfer', { id: transfer.id }, approver)
    expect(received.data.receiveTransfer.transfer).toMatchObject({ status: 'RECEIVED', nextStates: [], lines: [{ quantity: 30, receivedQuantity: 30 }] })
    expect(await position(to.id)).toMatchObject({ onHand: 30, inTransit: 0 })
  })

  it('holds units apart as damaged or in QC, releases them after inspection, writes damaged off, and places returned units by disposition', async () => {
    const prisma = t().app.db.prisma
    const { sku, location, position } = await createStockedPosition(prisma, { onHand: 50, unitCost: 2 })
    const SEG = `mutation ($input: SegregateStockInput!) { segregateStock(input: $input) { stockPosition { onHand available damaged qualityControl } userErrors { code } } }`
    const base = { sku: sku.code, locationCode: location.code }
    expect((await t().gql(SEG, { input: { ...base, quantity: 5, to: 'DAMAGED', reason: 'forklift' } }, requester)).data.segregateStock.stockPosition)
      .toEqual({ onHand: 50, available: 45, damaged: 5, qualityControl: 0 })
    expect((await t().gql(SEG, { input: { ...base, quantity: 10, to: 'QUALITY_CONTROL', reason: 'supplier recall' } }, requester)).data.segregateStock.stockPosition)
      .toEqual({ onHand: 50, available: 35, damaged: 5, qualityControl: 10 })
    expect((await t().gql(SEG, { input: { ...base, quantity: 8, to: 'AVAILABLE', reason: 'passed inspection' } }, requester)).data.segregateStock.stockPosition)
      .toEqual({ onHand: 50, available: 43, damaged: 5, qualityControl: 2 })
    expect((await t().gql(SEG, { input: { ...base, quantity: 99, to: 'DAMAGED', reason: 'x' } }, requester)).data.segregateStock.userErrors[0].code).toBe('INSUFFICIENT_STOCK')

    const writeOff = await t().gql(
      `mutation ($input: WriteOffDamagedInput!) { writeOffDamaged(input: $input) { adjustment { status reason bucket } stockPosition { onHand damaged available } userErrors { code } } }`,
      { input: { ...base, quantity: 5, referenceDocumentUri: 'doc:damage/7' } },
      requester,
    )
    expect(writeOff.data.writeOffDamaged).toEqual({
      adjustment: { status: 'APPLIED', reason: 'WRITE_OFF', bucket: 'DAMAGED' },
      stockPosition: { onHand: 45, damaged: 0, available: 43 },
      userErrors: [],
    })

    await inTransaction(prisma, async (tx) => {
      const at = { skuId: sku.id, locationId: location.id, actor: systemActor, reference: 'rma:RMA-1' }
      await dispositionReturnedUnits(tx, { ...at, quantity: 3, disposition: 'RESTOCK' })
      await dispositionReturnedUnits(tx, { ...at, quantity: 2, disposition: 'DAMAGED' })
      await dispositionReturnedUnits(tx, { ...at, quantity: 4, disposition: 'SCRAP' })
    })
    expect(await prisma.stockPosition.findUniqueOrThrow({ where: { id: position.id } })).toMatchObject({ onHand: 50, damaged: 2, qualityControl: 2 })
    expect(await prisma.inventoryEvent.count({ where: { stockPositionId: position.id, type: 'RETURNED' } })).toBe(3)
  })
})
