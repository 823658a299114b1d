import type { OrderStatus } from '@ops-hub/db'
import { defineStateMachine } from '../shared/state-machine.ts'

/**
 * The order lifecycle (DESIGN.md "One status model"). Cancellation is possible from any state before
 * shipping; returns only after delivery. Short picks move an allocated/released order back to
 * PARTIALLY_ALLOCATED or BACKORDERED; a restock moves it forward again.
 */
export const orderMachine = defineStateMachine<OrderStatus>('Order', 'PENDING', {
  PENDING: ['ON_HOLD', 'VALIDATED', 'CANCELLED'],
  ON_HOLD: ['VALIDATED', 'CANCELLED'],
  VALIDATED: ['ON_HOLD', 'ALLOCATED', 'PARTIALLY_ALLOCATED', 'BACKORDERED', 'CANCELLED'],
  ALLOCATED: ['RELEASED', 'PARTIALLY_ALLOCATED', 'BACKORDERED', 'ON_HOLD', 'CANCELLED'],
  PARTIALLY_ALLOCATED: ['ALLOCATED', 'BACKORDERED', 'RELEASED', 'ON_HOLD', 'CANCELLED'],
  BACKORDERED: ['ALLOCATED', 'PARTIALLY_ALLOCATED', 'ON_HOLD', 'CANCELLED'],
  // Order maintenance: a released fulfillment order moved to another node waits for release there (ALLOCATED); a
  // corrected ship-to that fails the address check holds the order before pick (ON_HOLD).
  RELEASED: ['IN_FULFILLMENT', 'PARTIALLY_SHIPPED', 'SHIPPED', 'PARTIALLY_ALLOCATED', 'BACKORDERED', 'CANCELLED', 'ALLOCATED', 'ON_HOLD'],
  IN_FULFILLMENT: ['PARTIALLY_SHIPPED', 'SHIPPED', 'PARTIALLY_ALLOCATED', 'BACKORDERED', 'CANCELLED'],
  PARTIALLY_SHIPPED: ['SHIPPED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: ['RETURN_REQUESTED'],
  RETURN_REQUESTED: ['RETURNED', 'DELIVERED'],
  RETURNED: [],
  CANCELLED: [],
})

/** Statuses in which the order still holds (or waits for) stock and may be cancelled without touching shipments. */
export const OPEN_ORDER_STATUSES: OrderStatus[] = ['PENDING', 'ON_HOLD', 'VALIDATED', 'ALLOCATED', 'PARTIALLY_ALLOCATED', 'BACKORDERED', 'RELEASED']
