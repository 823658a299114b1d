// Set-wise SQL checks of the consistency rules the demo seed promises (other workflows and the ledger
// reconciliation rely on them). Each query returns offending rows; an empty result means the rule holds.
import type { Database } from '@ops-hub/db'

export const CONSISTENCY_RULES: Record<string, string> = {
  'every bucket of every position is the sum of its ledger deltas': `
    SELECT p.id FROM stock_positions p
    LEFT JOIN (SELECT stock_position_id, sum(on_hand_delta) oh, sum(reserved_delta) r, sum(damaged_delta) d,
                      sum(quality_control_delta) q, sum(incoming_delta) i, sum(in_transit_delta) t, sum(safety_stock_delta) s
               FROM inventory_events GROUP BY 1) e ON e.stock_position_id = p.id
    WHERE (p.on_hand, p.reserved, p.damaged, p.quality_control, p.incoming, p.in_transit, p.safety_stock)
      IS DISTINCT FROM (coalesce(e.oh, 0), coalesce(e.r, 0), coalesce(e.d, 0), coalesce(e.q, 0), coalesce(e.i, 0), coalesce(e.t, 0), coalesce(e.s, 0))`,
  'ledger events belong to the position of their sku and location': `
    SELECT e.id FROM inventory_events e JOIN stock_positions p ON p.id = e.stock_position_id
    WHERE p.sku_id <> e.sku_id OR p.location_id <> e.location_id`,
  'no position is oversold and no bucket is negative': `
    SELECT id FROM stock_positions
    WHERE reserved + damaged + quality_control > on_hand OR least(on_hand, reserved, damaged, quality_control, incoming, in_transit, safety_stock) < 0`,
  'reserved equals the active (RESERVED + PICKED) allocations at the position': `
    SELECT coalesce(p.id, -1) FROM stock_positions p
    FULL JOIN (SELECT a.location_id, l.sku_id, sum(a.quantity) q FROM allocations a JOIN order_lines l ON l.id = a.order_line_id
               WHERE a.status IN ('RESERVED', 'PICKED') GROUP BY 1, 2) x ON x.location_id = p.location_id AND x.sku_id = p.sku_id
    WHERE coalesce(p.reserved, -1) <> coalesce(x.q, 0)`,
  'channel reservations equal the channel active allocations': `
    SELECT coalesce(c.sku_id, x.sku_id) FROM channel_reservations c
    FULL JOIN (SELECT o.channel_id, l.sku_id, sum(a.quantity) q FROM allocations a JOIN order_lines l ON l.id = a.order_line_id
               JOIN orders o ON o.id = l.order_id WHERE a.status IN ('RESERVED', 'PICKED') GROUP BY 1, 2) x
      ON x.channel_id = c.channel_id AND x.sku_id = c.sku_id
    WHERE coalesce(c.reserved, 0) <> coalesce(x.q, 0)`,
  'order lines: allocated = active allocations, shipped = shipped allocations, quantities add up': `
    SELECT l.id FROM order_lines l JOIN orders o ON o.id = l.order_id
    LEFT JOIN (SELECT order_line_id, sum(quantity) FILTER (WHERE status IN ('RESERVED', 'PICKED')) act,
                      sum(quantity) FILTER (WHERE status = 'SHIPPED') shp FROM allocations GROUP BY 1) a ON a.order_line_id = l.id
    WHERE l.allocated_quantity <> coalesce(a.act, 0) OR l.shipped_quantity <> coalesce(a.shp, 0)
       OR l.returned_quantity > l.shipped_quantity
       OR (o.status = 'CANCELLED' AND l.cancelled_quantity + l.shipped_quantity <> l.quantity)
       OR (o.status NOT IN ('CANCELLED', 'PENDING', 'VALIDATED', 'ON_HOLD') AND l.allocated_quantity + l.backordered_quantity + l.shipped_quantity <> l.quantity)`,
  'incoming equals what open purchase orders still expect at the location': `
    SELECT coalesce(p.id, -1) FROM stock_positions p
    FULL JOIN (SELECT po.location_id, pl.sku_id, sum(pl.quantity - pl.received_quantity) q FROM purchase_order_lines pl
               JOIN purchase_orders po ON po.id = pl.purchase_order_id WHERE po.status IN ('APPROVED', 'SENT', 'PARTIALLY_RECEIVED')
               GROUP BY 1, 2) x ON x.location_id = p.location_id AND x.sku_id = p.sku_id
    WHERE coalesce(p.incoming, -1) <> coalesce(x.q, 0)`,
  'in transit equals unreceived lines of transfers on the road': `
    SELECT coalesce(p.id, -1) FROM stock_positions p
    FULL JOIN (SELECT t.to_location_id AS location_id, tl.sku_id, sum(tl.quantity - tl.received_quantity) q FROM transfer_lines tl
               JOIN transfers t ON t.id = tl.transfer_id WHERE t.status = 'IN_TRANSIT' GROUP BY 1, 2) x
      ON x.location_id = p.location_id AND x.sku_id = p.sku_id
    WHERE coalesce(p.in_transit, -1) <> coalesce(x.q, 0)`,
  'bin stock adds up to on hand': `
    SELECT p.id FROM stock_positions p
    LEFT JOIN (SELECT b.location_id, s.sku_id, sum(s.quantity) q FROM bin_stocks s JOIN bins b ON b.id = s.bin_id GROUP BY 1, 2) x
      ON x.location_id = p.location_id AND x.sku_id = p.sku_id
    WHERE p.on_hand <> coalesce(x.q, 0)`,
  'every exception subject exists': `
    SELECT e.id FROM exceptions e WHERE NOT CASE e.subject_type
      WHEN 'Order' THEN EXISTS (SELECT 1 FROM orders WHERE id = e.subject_id)
      WHEN 'StockPosition' THEN EXISTS (SELECT 1 FROM stock_positions WHERE id = e.subject_id)
      WHEN 'Shipment' THEN EXISTS (SELECT 1 FROM shipments WHERE id = e.subject_id)
      WHEN 'Adjustment' THEN EXISTS (SELECT 1 FROM adjustments WHERE id = e.subject_id)
      WHEN 'CycleCount' THEN EXISTS (SELECT 1 FROM cycle_counts WHERE id = e.subject_id)
      WHEN 'InventoryFeed' THEN EXISTS (SELECT 1 FROM inventory_feeds WHERE id = e.subject_id)
      WHEN 'PurchaseOrder' THEN EXISTS (SELECT 1 FROM purchase_orders WHERE id = e.subject_id)
      ELSE false END`,
  'open orders are allocated through fulfillment orders whose status matches the order': `
    SELECT o.id FROM orders o
    LEFT JOIN (SELECT order_id, array_agg(status::text) s FROM fulfillment_orders GROUP BY 1) f ON f.order_id = o.id
    LEFT JOIN (SELECT l.order_id, count(*) n FROM allocations a JOIN order_lines l ON l.id = a.order_line_id
               WHERE a.status IN ('RESERVED', 'PICKED') GROUP BY 1) a ON a.order_id = o.id
    WHERE (o.status IN ('ALLOCATED', 'PARTIALLY_ALLOCATED') AND (a.n IS NULL OR NOT f.s <@ ARRAY['OPEN', 'CANCELLED']))
       OR (o.status = 'RELEASED' AND (a.n IS NULL OR NOT 'RELEASED' = ANY(f.s) OR f.s && ARRAY['PICKING', 'PACKED', 'SHIPPED']))
       OR (o.status = 'IN_FULFILLMENT' AND (a.n IS NULL OR NOT f.s && ARRAY['PICKING', 'PACKED'] OR 'SHIPPED' = ANY(f.s)))
       OR (o.status = 'PARTIALLY_SHIPPED' AND NOT 'SHIPPED' = ANY(f.s))
       OR (o.status IN ('SHIPPED', 'DELIVERED', 'RETURN_REQUESTED', 'RETURNED') AND (a.n IS NOT NULL OR NOT f.s <@ ARRAY['SHIPPED', 'CANCELLED']))
       OR (o.status IN ('ON_HOLD', 'PENDING', 'VALIDATED', 'BACKORDERED', 'CANCELLED') AND a.n IS NOT NULL)
       OR (o.status = 'ON_HOLD' AND cardinality(o.holds) = 0)`,
  'allocations and their fulfillment order are at the same node': `
    SELECT a.id FROM allocations a JOIN fulfillment_orders f ON f.id = a.fulfillment_order_id
    JOIN order_lines l ON l.id = a.order_line_id WHERE f.location_id <> a.location_id OR f.order_id <> l.order_id`,
  'shipments: milestones start with a label, the status is the latest milestone, delivered comes last': `
    SELECT s.id FROM shipments s
    JOIN LATERAL (SELECT array_agg(m.status::text ORDER BY m.occurred_at, m.id) seq FROM shipment_milestones m WHERE m.shipment_id = s.id) m ON true
    WHERE m.seq[1] <> 'LABEL_CREATED' OR m.seq[cardinality(m.seq)] <> s.status::text
       OR ('DELIVERED' = ANY(m.seq) AND m.seq[cardinality(m.seq)] <> 'DELIVERED')
       OR (s.status = 'DELIVERED' AND s.delivered_at IS NULL)`,
  'order numbers run OH-100001.. in placement order': `
    SELECT id FROM (SELECT id, number, placed_at, lag(placed_at) OVER (ORDER BY id) prev FROM orders) x
    WHERE number <> 'OH-' || (100000 + id) OR placed_at < prev`,
}

/** Names of the rules that do not hold, with a few offending ids each. */
export async function brokenRules(db: Database): Promise<string[]> {
  const broken: string[] = []
  for (const [name, sql] of Object.entries(CONSISTENCY_RULES)) {
    const rows = await db.sql.query(`${sql} LIMIT 5`)
    if (rows.length > 0) broken.push(`${name}: ${rows.map((r) => Object.values(r)[0]).join(', ')}`)
  }
  return broken
}

/** A fingerprint of the seeded data (ids, numbers, quantities, timestamps) to compare two seeds. */
export async function fingerprint(db: Database): Promise<string> {
  const [row] = await db.sql.query(`SELECT
    (SELECT md5(string_agg(concat_ws('|', id, number, channel_id, external_id, status, placed_at, total_amount, customer_email), ',' ORDER BY id)) FROM orders) AS orders,
    (SELECT md5(string_agg(concat_ws('|', id, order_id, sku_id, quantity, unit_price, allocated_quantity, shipped_quantity), ',' ORDER BY id)) FROM order_lines) AS lines,
    (SELECT md5(string_agg(concat_ws('|', id, sku_id, location_id, on_hand, reserved, damaged, quality_control, incoming, in_transit, safety_stock), ',' ORDER BY id)) FROM stock_positions) AS positions,
    (SELECT md5(string_agg(concat_ws('|', id, stock_position_id, type, on_hand_delta, reserved_delta, occurred_at), ',' ORDER BY id)) FROM inventory_events) AS ledger,
    (SELECT md5(string_agg(concat_ws('|', id, type, status, subject_type, subject_id, due_by), ',' ORDER BY id)) FROM exceptions) AS exceptions`)
  return Object.values(row).join(':')
}
