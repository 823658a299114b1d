import type { ServiceLevel, Tx } from '@ops-hub/db'
import { openException } from '../exceptions/commands/open-exception.ts'

/**
 * The one STOCK_SHORTAGE exception of an order with backordered units, to PROCUREMENT (HIGH unless the order ships
 * STANDARD); an open one is kept (dedupe), and allocateBackorders resolves or restates it as stock arrives.
 */
export function openStockShortage(
  tx: Tx,
  order: { id: number; number: string; serviceLevel: ServiceLevel },
  backorderedUnits: number,
  detail: string,
  lines: Array<{ lineNumber: number; skuId: number; short: number }>,
) {
  return openException(tx, {
    type: 'STOCK_SHORTAGE',
    severity: order.serviceLevel === 'STANDARD' ? 'MEDIUM' : 'HIGH',
    ownerRole: 'PROCUREMENT',
    subjectType: 'Order',
    subjectId: order.id,
    orderId: order.id,
    dedupeKey: `STOCK_SHORTAGE:order:${order.id}`,
    title: `Order ${order.number}: ${backorderedUnits} unit${backorderedUnits === 1 ? '' : 's'} backordered`,
    detail,
    data: { lines },
  })
}
