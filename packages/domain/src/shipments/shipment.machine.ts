import type { ShipmentStatus } from '@ops-hub/db'
import { defineStateMachine } from '../shared/state-machine.ts'

/**
 * Carrier milestones only move forward. A carrier may skip steps (a first scan can be OUT_FOR_DELIVERY)
 * and recovers from a DELIVERY_EXCEPTION; DELIVERED and RETURNED_TO_SENDER are final. A reported milestone
 * that is not a forward move from the current status (or is older than it) is kept in the history but does
 * not change the status: that is how out-of-order webhooks never move a shipment backwards.
 */
export const shipmentMachine = defineStateMachine<ShipmentStatus>('Shipment', 'LABEL_CREATED', {
  LABEL_CREATED: ['HANDED_TO_CARRIER', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'DELIVERY_EXCEPTION', 'RETURNED_TO_SENDER'],
  HANDED_TO_CARRIER: ['IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'DELIVERY_EXCEPTION', 'RETURNED_TO_SENDER'],
  IN_TRANSIT: ['OUT_FOR_DELIVERY', 'DELIVERED', 'DELIVERY_EXCEPTION', 'RETURNED_TO_SENDER'],
  OUT_FOR_DELIVERY: ['DELIVERED', 'DELIVERY_EXCEPTION', 'RETURNED_TO_SENDER'],
  DELIVERY_EXCEPTION: ['IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'RETURNED_TO_SENDER'],
  DELIVERED: [],
  RETURNED_TO_SENDER: [],
})

/** Whether a reported milestone advances the shipment: a legal forward move and not older than the current one. */
export function milestoneAdvances(current: { status: ShipmentStatus; statusAt: Date }, reported: { status: ShipmentStatus; occurredAt: Date }): boolean {
  return shipmentMachine.can(current.status, reported.status) && reported.occurredAt.getTime() >= current.statusAt.getTime()
}
