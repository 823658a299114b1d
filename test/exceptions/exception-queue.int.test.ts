import { describe, expect, it } from 'vitest'
import { escalateOverdueExceptions, inTransaction } from '@ops-hub/domain'
import { useTestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { stockUp } from '../helpers/factories/stock.ts'
import { orderInput, placeOrder } from '../helpers/factories/orders.ts'

const t = useTestApp()

const LIST = `query ($filter: ExceptionFilter) { exceptions(first: 100, filter: $filter) { totalCount nodes { id type status ownerRole severity escalationLevel assignedTo resolution overdue nextStates order { number } subject { __typename ... on Order { number } } } } }`
const ASSIGN = `mutation ($input: AssignExceptionInput!) { assignException(input: $input) { exception { id status assignedTo nextStates } userErrors { code field message } } }`
const RESOLVE = `mutation ($input: ResolveExceptionInput!) { resolveException(input: $input) { exception { id status resolution } userErrors { code field message } } }`

async function heldOrder(overrides: Record<string, unknown>) {
  const channel = await createSalesChannel(t())
  const node = await createFulfilmentNode(t())
  const sku = await createSellableSku(t())
  await stockUp(t(), sku, node, 5)
  return (await placeOrder(t(), orderInput(channel, [{ sku, quantity: 1 }], overrides))).order
}

describe('exception queues', () => {
  it('filters by type, owner, status and overdue; assigns then resolves through the state machine', async () => {
    const order = await heldOrder({ payment: { status: 'FAILED', fraudScore: 0.1 } })
    const list = await t().gql(LIST, { filter: { type: ['PAYMENT_HOLD'], ownerRole: 'FINANCE', status: ['OPEN'] } }, { role: 'FINANCE' })
    const mine = list.data.exceptions.nodes.find((e: { order: { number: string } }) => e.order?.number === order.number)
    expect(mine).toMatchObject({ type: 'PAYMENT_HOLD', status: 'OPEN', ownerRole: 'FINANCE', overdue: false, nextStates: ['IN_PROGRESS', 'RESOLVED'] })
    expect(mine.subject).toEqual({ __typename: 'Order', number: order.number })
    const byOtherOwner = await t().gql(LIST, { filter: { type: ['PAYMENT_HOLD'], ownerRole: 'CUSTOMER_SERVICE' } }, { role: 'OPERATIONS' })
    expect(byOtherOwner.data.exceptions.nodes.map((e: { id: string }) => e.id)).not.toContain(mine.id)

    const wrongTeam = await t().gql(ASSIGN, { input: { id: mine.id, assignee: 'cs@example.com' } }, { role: 'CUSTOMER_SERVICE' })
    expect(wrongTeam.data.assignException.userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })])

    const assigned = await t().gql(ASSIGN, { input: { id: mine.id, assignee: 'fin@example.com' } }, { role: 'FINANCE' })
    expect(assigned.data.assignException.exception).toMatchObject({ status: 'IN_PROGRESS', assignedTo: 'fin@example.com' })
    const inProgress = await t().gql(LIST, { filter: { status: ['IN_PROGRESS'], type: ['PAYMENT_HOLD'] } }, { role: 'FINANCE' })
    expect(inProgress.data.exceptions.nodes.map((e: { id: string }) => e.id)).toContain(mine.id)

    const resolved = await t().gql(RESOLVE, { input: { id: mine.id, resolution: 'Card re-authorized' } }, { role: 'FINANCE' })
    expect(resolved.data.resolveException.exception).toMatchObject({ status: 'RESOLVED', resolution: 'Card re-authorized' })
    const twice = await t().gql(RESOLVE, { input: { id: mine.id, resolution: 'again' } }, { role: 'FINANCE' })
    expect(twice.data.resolveException.userErrors).toEqual([expect.objectContaining({ code: 'ILLEGAL_TRANSITION' })])
    const reassign = await t().gql(ASSIGN, { input: { id: mine.id, assignee: 'x' } }, { role: 'FINANCE' })
    expect(reassign.data.assignException.userErrors).toEqual([expect.objectContaining({ code: 'ILLEGAL_TRANSITION' })])
  })

  it('escalates an overdue exception: severity up, level +1, a new due-by, and CRITICAL ones to the OPERATIONS lead then ADMIN', async () => {
    const order = await heldOrder({ shipTo: { name: 'Pat', line1: '1 Main St', city: 'Town', region: 'IL', postalCode: 'ABCDE', country: 'US' } })
    const prisma = t().app.db.prisma
    const exception = await prisma.exception.findFirstOrThrow({ where: { order: { number: order.number }, type: 'ADDRESS_INVALID' } })
    expect(exception).toMatchObject({ severity: 'MEDIUM', ownerRole: 'CUSTOMER_SERVICE', escalationLevel: 0 })
    // Arrange: the SLA ran out an hour ago.
    await prisma.exception.update({ where: { id: exception.id }, data: { dueBy: new Date(Date.now() - 3_600_000) } })
    const overdue = await t().gql(LIST, { filter: { overdue: true, type: ['ADDRESS_INVALID'] } }, { role: 'CUSTOMER_SERVICE' })
    expect(overdue.data.exceptions.nodes.map((e: { order: { number: string } }) => e.order.number)).toContain(order.number)

    const escalated = await inTransaction(prisma, (tx) => escalateOverdueExceptions(tx))
    expect(escalated).toEqual(expect.arrayContaining([{ id: exception.id, severity: 'HIGH', ownerRole: 'CUSTOMER_SERVICE', escalationLevel: 1 }]))
    const after = await prisma.exception.findUniqueOrThrow({ where: { id: exception.id } })
    expect(after.dueBy.getTime()).toBeGreaterThan(Date.now())
    // Not overdue any more: a second run (or a second API instance) leaves it alone.
    expect((await inTransaction(prisma, (tx) => escalateOverdueExceptions(tx))).map((e) => e.id)).not.toContain(exception.id)

    await prisma.exception.update({ where: { id: exception.id }, data: { dueBy: new Date(Date.now() - 1000) } })
    await inTransaction(prisma, (tx) => escalateOverdueExceptions(tx))
    expect(await prisma.exception.findUniqueOrThrow({ where: { id: exception.id } })).toMatchObject({ severity: 'CRITICAL', ownerRole: 'OPERATIONS', escalationLevel: 2 })
    await prisma.exception.update({ where: { id: exception.id }, data: { dueBy: new Date(Date.now() - 1000) } })
    await inTransaction(prisma, (tx) => escalateOverdueExceptions(tx))
    expect(await prisma.exception.findUniqueOrThrow({ where: { id: exception.id } })).toMatchObject({ severity: 'CRITICAL', ownerRole: 'ADMIN', escalationLevel: 3 })
    expect(await prisma.outboxEvent.count({ where: { topic: 'exception.changed', aggregateId: exception.id } })).toBe(3)
  })
})
