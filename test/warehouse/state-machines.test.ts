import { describe, expect, it } from 'vitest'
import { PickTaskStatus, PickWaveStatus, RefundStatus, ReturnStatus, ShipmentStatus } from '@ops-hub/db'
import { DomainError, milestoneAdvances, pickTaskMachine, pickWaveMachine, reachableStates, refundMachine, returnMachine, shipmentMachine } from '@ops-hub/domain'

describe.each([
  ['PickTask', pickTaskMachine, PickTaskStatus],
  ['PickWave', pickWaveMachine, PickWaveStatus],
  ['Shipment', shipmentMachine, ShipmentStatus],
  ['Return', returnMachine, ReturnStatus],
  ['Refund', refundMachine, RefundStatus],
] as const)('%s state machine', (name, machine, prismaEnum) => {
  it('has exactly the statuses of the Prisma enum and reaches all of them', () => {
    expect([...machine.states].sort()).toEqual(Object.values(prismaEnum).sort())
    expect([...reachableStates(machine as never)].sort()).toEqual([...machine.states].sort())
  })

  it('refuses a move out of a final state with ILLEGAL_TRANSITION', () => {
    const final = machine.states.find((s) => machine.nextStates(s as never).length === 0)!
    expect(() => machine.assertTransition(final as never, machine.initial as never)).toThrow(DomainError)
    expect(() => machine.assertTransition(final as never, machine.initial as never)).toThrow(`${name} cannot go from ${final} to ${machine.initial}`)
  })
})

describe('carrier milestones', () => {
  const at = (m: number) => new Date(Date.UTC(2026, 0, 5, 12, m))
  it('advance only forward and never with an older report', () => {
    expect(milestoneAdvances({ status: 'HANDED_TO_CARRIER', statusAt: at(0) }, { status: 'IN_TRANSIT', occurredAt: at(1) })).toBe(true)
    expect(milestoneAdvances({ status: 'OUT_FOR_DELIVERY', statusAt: at(3) }, { status: 'IN_TRANSIT', occurredAt: at(2) })).toBe(false)
    // A forward status reported with a time before the current one is a late report: history only.
    expect(milestoneAdvances({ status: 'DELIVERY_EXCEPTION', statusAt: at(5) }, { status: 'IN_TRANSIT', occurredAt: at(4) })).toBe(false)
    expect(milestoneAdvances({ status: 'DELIVERY_EXCEPTION', statusAt: at(5) }, { status: 'OUT_FOR_DELIVERY', occurredAt: at(6) })).toBe(true)
    expect(milestoneAdvances({ status: 'DELIVERED', statusAt: at(5) }, { status: 'RETURNED_TO_SENDER', occurredAt: at(9) })).toBe(false)
  })
})
