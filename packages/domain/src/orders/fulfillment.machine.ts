import type { FulfillmentStatus } from '@ops-hub/db'
import { defineStateMachine } from '../shared/state-machine.ts'

/**
 * The unit of warehouse work (one per order x node). Released by capacity, picked, packed, shipped.
 * Cancellable until it ships (cancelOrder puts picked units back in their bins first); a wave that is
 * abandoned puts its fulfillment orders back to RELEASED.
 */
export const fulfillmentMachine = defineStateMachine<FulfillmentStatus>('FulfillmentOrder', 'OPEN', {
  OPEN: ['RELEASED', 'ON_HOLD', 'CANCELLED'],
  ON_HOLD: ['OPEN', 'CANCELLED'],
  // Order maintenance: moved to another node before its wave, it joins that node's release queue again (OPEN).
  RELEASED: ['PICKING', 'ON_HOLD', 'CANCELLED', 'OPEN'],
  PICKING: ['PACKED', 'RELEASED', 'CANCELLED'],
  PACKED: ['SHIPPED', 'CANCELLED'],
  SHIPPED: [],
  CANCELLED: [],
})
