import { describe, expect, it } from 'vitest'
import { ExceptionStatus, FulfillmentStatus, OrderStatus } from '@ops-hub/db'
import { DomainError, exceptionMachine, fulfillmentMachine, orderMachine, reachableStates } from '@ops-hub/domain'

describe.each([
  ['Order', orderMachine, OrderStatus],
  ['FulfillmentOrder', fulfillmentMachine, FulfillmentStatus],
  ['Exception', exceptionMachine, ExceptionStatus],
] as const)('%s state machine', (_name, machine, prismaEnum) => {
  it('has exactly the statuses of the Prisma enum', () => {
    expect([...machine.states].sort()).toEqual(Object.values(prismaEnum).sort())
    for (const targets of Object.values(machine.transitions) as string[][]) {
      for (const to of targets) expect(Object.values(prismaEnum)).toContain(to)
    }
  })

  it('reaches every state from the initial one', () => {
    expect([...reachableStates(machine as never)].sort()).toEqual([...machine.states].sort())
  })

  it('refuses an illegal move with ILLEGAL_TRANSITION', () => {
    const terminal = machine.states.find((s) => machine.nextStates(s as never).length === 0)!
    const err = (() => {
      try {
        machine.assertTransition(terminal as never, machine.initial as never)
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(DomainError)
    expect((err as DomainError).errors[0].code).toBe('ILLEGAL_TRANSITION')
  })
})

describe('order lifecycle specifics', () => {
  it('allows cancellation before shipping only, returns only after delivery', () => {
    for (const s of ['PENDING', 'ON_HOLD', 'VALIDATED', 'ALLOCATED', 'PARTIALLY_ALLOCATED', 'BACKORDERED', 'RELEASED', 'IN_FULFILLMENT'] as const) {
      expect(orderMachine.can(s, 'CANCELLED')).toBe(true)
    }
    for (const s of ['PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'RETURN_REQUESTED', 'RETURNED'] as const) {
      expect(orderMachine.can(s, 'CANCELLED')).toBe(false)
    }
    expect(orderMachine.nextStates('DELIVERED')).toEqual(['RETURN_REQUESTED'])
  })

  it('runs a fulfillment order OPEN -> RELEASED -> PICKING -> PACKED -> SHIPPED, cancellable until shipped', () => {
    const path = ['OPEN', 'RELEASED', 'PICKING', 'PACKED', 'SHIPPED'] as const
    for (let i = 1; i < path.length; i++) expect(fulfillmentMachine.can(path[i - 1], path[i])).toBe(true)
    for (const s of ['OPEN', 'RELEASED', 'PICKING', 'PACKED'] as const) expect(fulfillmentMachine.can(s, 'CANCELLED')).toBe(true)
    expect(fulfillmentMachine.can('SHIPPED', 'CANCELLED')).toBe(false)
  })
})
