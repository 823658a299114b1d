import type { FulfillmentStatus } from '@ops-hub/db'
import { defineStateMachine } from '../shared/state-machine.ts'

/**
 * The unit of warehouse work (one per order x node). Released by capacity, picked, packed, shipped.
 * Once picking has started it can no longer be cancelled here: the picked units must be put away first,
 * and a wave that is abandoned puts its fulfillment orders back to RELEASED.
 */
export const fulfillmentMachine = defineStateMachine<FulfillmentStatus>('FulfillmentOrder', 'OPEN', {
  OPEN: ['RELEASED', 'ON_HOLD', 'CANCELLED'],
  ON_HOLD: ['OPEN', 'CANCELLED'],
  RELEASED: ['PICKING', 'ON_HOLD', 'CANCELLED'],
  PICKING: ['PACKED', 'RELEASED'],
  PACKED: ['SHIPPED'],
  SHIPPED: [],
  CANCELLED: [],
})
