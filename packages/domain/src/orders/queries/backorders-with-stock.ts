import type { PrismaClient, Tx } from '@ops-hub/db'

/**
 * SKUs with backordered lines on waiting orders and units available at an active fulfilment node right now: what
 * the backorder backstop re-tries, for arrivals whose stock.available event was lost (a crash between commit and
 * the worker) or that no command announced. Available here is the plain bucket formula; channel pools and
 * confidence buffers are applied by allocation itself, which may still serve nothing.
 */
export async function backorderedSkusWithStock(db: Tx | PrismaClient, limit = 500): Promise<number[]> {
  const rows = await db.$queryRaw<Array<{ sku_id: number }>>`
    SELECT DISTINCT ol.sku_id FROM order_lines ol JOIN orders o ON o.id = ol.order_id
    WHERE ol.backordered_quantity > 0 AND o.status IN ('BACKORDERED', 'PARTIALLY_ALLOCATED', 'RELEASED', 'IN_FULFILLMENT')
      AND EXISTS (
        SELECT 1 FROM stock_positions sp JOIN locations l ON l.id = sp.location_id
        WHERE sp.sku_id = ol.sku_id AND l.active AND l.is_fulfillment_node
          AND sp.on_hand - sp.reserved - sp.safety_stock - sp.damaged - sp.quality_control > 0)
    ORDER BY ol.sku_id
    LIMIT ${limit}`
  return rows.map((r) => Number(r.sku_id))
}
