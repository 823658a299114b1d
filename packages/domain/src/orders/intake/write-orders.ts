import { Prisma } from '@ops-hub/db'
import type { FastOrderPlan } from './plan-order.ts'

/** Raised by the write statement when a reservation no longer fits (or a position lost confidence) since the read. */
export const INTAKE_GUARD = 'order_intake_reservation_fits'
/** Raised by the write statement when a channel rule (a percentage cap, another channel's reserved pool) no longer holds. */
export const INTAKE_CHANNEL_GUARD = 'order_intake_channel_rules_hold'

/**
 * ONE statement that writes a batch of planned orders - orders, lines, fulfillment orders, allocations, timeline,
 * outbox events, ledger events, channel counters and the reservations - run on its own (autocommit), so the
 * batch costs one round trip and one commit however many orders it holds.
 *
 * Why it cannot oversell or half-apply: every write hangs off `placed` (an order already known by its
 * (channel, external id) inserts nothing and reserves nothing); the reservations are one conditional UPDATE per
 * position (available and confidence re-checked on the row under its lock); and the final projection asserts
 * (ops_hub_check, prisma/invariants.sql) that every position the placed orders need was updated. If not, the
 * statement fails and PostgreSQL undoes all of it - the caller then places those orders through the locking path.
 *
 * Channel allocation rules, under the same guard: the counters the orders move (each order's channel per SKU) and
 * the counters of the channels whose reserved pools fence those SKUs (moved by 0: locked, as allocateOrder locks
 * them) are upserted in one statement part, which locks them and returns their current values (ON CONFLICT DO
 * UPDATE works on the latest committed row). The assertion then re-checks on those locked rows that every counter
 * needed was moved, that each capped channel holds at most its share of the SKU's sellable units, and that for a
 * fenced SKU what stays available (all its positions, locked and read current) still covers every other channel's
 * unconsumed pool - the limits allocateOrder applies (channelLimit), held as invariants of the result.
 *
 * Locks, shortest possible: the row locks that other orders wait for - channel counters in (sku, channel) order,
 * then positions in (sku, location) order, the same order allocateOrder takes them (no deadlock between the two
 * paths) - are taken last, after every insert, by evaluating the assertion's sub-queries left to right.
 */
export function writeOrdersSql(plans: FastOrderPlan[], now: Date): Prisma.Sql {
  const perPlan = <T>(pick: (p: FastOrderPlan) => T[]) => plans.flatMap((p, k) => pick(p).map((item, seq) => ({ k, seq, item, plan: p })))
  // Columns as arrays (unnest): the statement text is the same for every batch, so PostgreSQL plans it once per
  // connection (a prepared statement) instead of once per batch.
  const col = <T>(items: T[], f: (item: T) => unknown) => items.map(f)
  const o = plans.map((p, k) => ({ k, p, i: p.input }))
  const lines = perPlan((p) => p.lines)
  const fulfillment = perPlan((p) => p.fulfillment)
  const allocations = perPlan((p) => p.allocations)
  const timeline = perPlan((p) => p.timeline)
  const events = perPlan((p) => p.events)
  const reservations = perPlan((p) => p.reservations)
  const caps = perPlan((p) => p.caps)
  const fences = perPlan((p) => p.fences)
  const threshold = Math.min(...plans.map((p) => p.confidenceThreshold))
  const iso = (d: Date | null) => (d ? d.toISOString() : null)

  return Prisma.sql`
    WITH v_order AS (
      SELECT * FROM unnest(${col(o, (x) => x.k)}::int[], ${col(o, (x) => x.p.channelId)}::int[], ${col(o, (x) => x.i.externalId)}::text[],
        ${col(o, (x) => x.p.serviceLevel)}::text[], ${col(o, (x) => x.p.priority)}::int[], ${col(o, (x) => x.i.customer.email.toLowerCase())}::text[],
        ${col(o, (x) => x.i.customer.name)}::text[], ${col(o, (x) => x.i.customer.phone ?? null)}::text[], ${col(o, (x) => x.i.shipTo.name.trim())}::text[],
        ${col(o, (x) => x.i.shipTo.line1.trim())}::text[], ${col(o, (x) => x.i.shipTo.line2?.trim() || null)}::text[], ${col(o, (x) => x.i.shipTo.city.trim())}::text[],
        ${col(o, (x) => x.i.shipTo.region?.trim() || null)}::text[], ${col(o, (x) => x.i.shipTo.postalCode.trim())}::text[],
        ${col(o, (x) => x.i.shipTo.country.trim().toUpperCase())}::text[], ${col(o, (x) => x.i.payment.status)}::text[], ${col(o, (x) => x.p.fraudScore)}::float8[],
        ${col(o, (x) => x.p.total)}::numeric[], ${col(o, (x) => JSON.stringify(x.p.routing))}::text[], ${col(o, (x) => iso(x.p.shipBy))}::timestamptz[])
        AS v(k, channel_id, external_id, service_level, priority, customer_email, customer_name, customer_phone, ship_to_name, ship_to_line1,
          ship_to_line2, ship_to_city, ship_to_region, ship_to_postal_code, ship_to_country, payment_status, fraud_score, total_amount, routing, ship_by)),
    placed AS (
      INSERT INTO orders (channel_id, external_id, status, service_level, priority, placed_at, customer_email, customer_name, customer_phone,
        ship_to_name, ship_to_line1, ship_to_line2, ship_to_city, ship_to_region, ship_to_postal_code, ship_to_country,
        payment_status, fraud_score, total_amount, routing, ship_by, version, updated_at)
      SELECT channel_id, external_id, 'ALLOCATED'::"OrderStatus", service_level::"ServiceLevel", priority, ${now}::timestamptz, customer_email, customer_name,
        customer_phone, ship_to_name, ship_to_line1, ship_to_line2, ship_to_city, ship_to_region, ship_to_postal_code, ship_to_country,
        payment_status::"PaymentStatus", fraud_score, total_amount, routing::jsonb, ship_by, 1, ${now}::timestamptz
      FROM v_order ORDER BY channel_id, external_id
      ON CONFLICT (channel_id, external_id) DO NOTHING
      RETURNING *),
    p AS (SELECT v.k, placed.id, placed.number FROM placed JOIN v_order v ON v.channel_id = placed.channel_id AND v.external_id = placed.external_id),
    line AS (
      INSERT INTO order_lines (order_id, line_number, sku_id, quantity, unit_price, allocated_quantity, backordered_quantity, first_allocation_short)
      SELECT p.id, v.line_number, v.sku_id, v.quantity, v.unit_price, v.quantity, 0, 0
      FROM unnest(${col(lines, (x) => x.k)}::int[], ${col(lines, (x) => x.item.lineNumber)}::int[], ${col(lines, (x) => x.item.skuId)}::int[],
        ${col(lines, (x) => x.item.quantity)}::int[], ${col(lines, (x) => x.item.unitPrice)}::numeric[]) AS v(k, line_number, sku_id, quantity, unit_price)
      JOIN p USING (k)
      RETURNING id, order_id, line_number),
    fo AS (
      INSERT INTO fulfillment_orders (order_id, location_id, status, priority, ship_by, created_at, updated_at)
      SELECT p.id, v.location_id, 'OPEN'::"FulfillmentStatus", v.priority, v.ship_by, ${now}::timestamptz, ${now}::timestamptz
      FROM unnest(${col(fulfillment, (x) => x.k)}::int[], ${col(fulfillment, (x) => x.item.locationId)}::int[], ${col(fulfillment, (x) => x.item.priority)}::int[],
        ${col(fulfillment, (x) => iso(x.item.shipBy))}::timestamptz[]) AS v(k, location_id, priority, ship_by)
      JOIN p USING (k)
      RETURNING id, order_id, location_id),
    alloc AS (
      INSERT INTO allocations (order_line_id, location_id, fulfillment_order_id, quantity, status, created_at, updated_at)
      SELECT line.id, v.location_id, fo.id, v.quantity, 'RESERVED'::"AllocationStatus", ${now}::timestamptz, ${now}::timestamptz
      FROM unnest(${col(allocations, (x) => x.k)}::int[], ${col(allocations, (x) => x.item.lineNumber)}::int[], ${col(allocations, (x) => x.item.locationId)}::int[],
        ${col(allocations, (x) => x.item.quantity)}::int[]) AS v(k, line_number, location_id, quantity)
      JOIN p USING (k) JOIN line ON line.order_id = p.id AND line.line_number = v.line_number JOIN fo ON fo.order_id = p.id AND fo.location_id = v.location_id
      RETURNING 1),
    timeline AS (
      INSERT INTO order_events (order_id, kind, from_status, to_status, title, detail, actor, occurred_at)
      SELECT p.id, v.kind, v.from_status::"OrderStatus", v.to_status::"OrderStatus", v.title, v.detail, v.actor, ${now}::timestamptz
      FROM unnest(${col(timeline, (x) => x.k)}::int[], ${col(timeline, (x) => x.seq)}::int[], ${col(timeline, (x) => x.item.kind)}::text[],
        ${col(timeline, (x) => x.item.fromStatus ?? null)}::text[], ${col(timeline, (x) => x.item.toStatus ?? null)}::text[], ${col(timeline, (x) => x.item.title)}::text[],
        ${col(timeline, (x) => x.item.detail ?? null)}::text[], ${col(timeline, (x) => x.plan.actor.id)}::text[]) AS v(k, seq, kind, from_status, to_status, title, detail, actor)
      JOIN p USING (k)
      ORDER BY p.id, v.seq
      RETURNING 1),
    outbox AS (
      INSERT INTO outbox_events (topic, aggregate_type, aggregate_id, payload, created_at)
      SELECT v.topic, v.aggregate_type, COALESCE(v.aggregate_id, p.id),
        v.payload::jsonb || CASE v.add WHEN 'number' THEN jsonb_build_object('number', p.number) WHEN 'orderId' THEN jsonb_build_object('orderId', p.id) ELSE '{}'::jsonb END,
        ${now}::timestamptz
      FROM unnest(${col(events, (x) => x.k)}::int[], ${col(events, (x) => x.seq)}::int[], ${col(events, (x) => x.item.topic)}::text[],
        ${col(events, (x) => x.item.aggregateType)}::text[], ${col(events, (x) => x.item.aggregateId)}::int[], ${col(events, (x) => JSON.stringify(x.item.payload))}::text[],
        ${col(events, (x) => x.item.add)}::text[]) AS v(k, seq, topic, aggregate_type, aggregate_id, payload, add)
      JOIN p USING (k)
      ORDER BY p.id, v.seq
      RETURNING 1),
    res AS (
      SELECT v.*, p.id AS order_id, p.number
      FROM unnest(${col(reservations, (x) => x.k)}::int[], ${col(reservations, (x) => x.item.positionId)}::int[], ${col(reservations, (x) => x.item.skuId)}::int[],
        ${col(reservations, (x) => x.item.locationId)}::int[], ${col(reservations, (x) => x.item.quantity)}::int[], ${col(reservations, (x) => x.plan.channelId)}::int[],
        ${col(reservations, (x) => x.plan.actor.id)}::text[]) AS v(k, position_id, sku_id, location_id, quantity, channel_id, actor)
      JOIN p USING (k)),
    ledger AS (
      INSERT INTO inventory_events (stock_position_id, sku_id, location_id, type, reason_code, actor, reference_document_uri, reserved_delta, order_id, occurred_at)
      SELECT position_id, sku_id, location_id, 'RESERVED'::"InventoryEventType", 'ORDER_RESERVATION', actor, 'order:' || number, quantity, order_id, ${now}::timestamptz
      FROM res ORDER BY order_id, sku_id, location_id
      RETURNING 1),
    cap AS (
      SELECT DISTINCT v.sku_id, v.channel_id, v.percentage
      FROM unnest(${col(caps, (x) => x.k)}::int[], ${col(caps, (x) => x.item.skuId)}::int[], ${col(caps, (x) => x.plan.channelId)}::int[],
        ${col(caps, (x) => x.item.percentage)}::float8[]) AS v(k, sku_id, channel_id, percentage)
      JOIN p USING (k)),
    fence AS (
      SELECT DISTINCT v.sku_id, v.channel_id, v.owner_id, v.pool
      FROM unnest(${col(fences, (x) => x.k)}::int[], ${col(fences, (x) => x.item.skuId)}::int[], ${col(fences, (x) => x.plan.channelId)}::int[],
        ${col(fences, (x) => x.item.ownerId)}::int[], ${col(fences, (x) => x.item.pool)}::int[]) AS v(k, sku_id, channel_id, owner_id, pool)
      JOIN p USING (k)),
    moves AS (
      SELECT channel_id, sku_id, quantity FROM res
      UNION ALL SELECT owner_id, sku_id, 0 FROM fence),
    counters AS (
      INSERT INTO channel_reservations (channel_id, sku_id, reserved)
      SELECT channel_id, sku_id, sum(quantity)::int FROM moves GROUP BY sku_id, channel_id ORDER BY sku_id, channel_id
      ON CONFLICT (channel_id, sku_id) DO UPDATE SET reserved = GREATEST(0, channel_reservations.reserved + EXCLUDED.reserved)
      RETURNING channel_id, sku_id, reserved),
    locked AS (
      SELECT sp.id, sp.sku_id, GREATEST(0, sp.on_hand - sp.reserved - sp.safety_stock - sp.damaged - sp.quality_control) AS available
      FROM stock_positions sp
      WHERE (sp.id IN (SELECT position_id FROM res)
          OR (sp.sku_id IN (SELECT sku_id FROM fence) AND sp.location_id IN (SELECT id FROM locations WHERE active AND is_fulfillment_node)))
        AND (SELECT count(*) FROM counters) >= 0
      ORDER BY sp.sku_id, sp.location_id FOR UPDATE),
    reserve AS (
      UPDATE stock_positions sp SET reserved = sp.reserved + t.q, version = sp.version + 1, updated_at = ${now}::timestamptz
      FROM (SELECT position_id, sum(quantity)::int AS q FROM res GROUP BY position_id) t
      WHERE sp.id = t.position_id AND sp.id IN (SELECT id FROM locked)
        AND sp.on_hand - sp.reserved - t.q - sp.safety_stock - sp.damaged - sp.quality_control >= 0
        AND sp.confidence >= ${threshold}::float8
      RETURNING sp.id)
    SELECT placed.*, v.k, ops_hub_check(
        (SELECT count(*) FROM line) + (SELECT count(*) FROM alloc) + (SELECT count(*) FROM timeline) + (SELECT count(*) FROM outbox) + (SELECT count(*) FROM ledger) >= 0
        AND (SELECT count(*) FROM reserve) = (SELECT count(DISTINCT position_id) FROM res),
        ${INTAKE_GUARD}, 'stock_positions') AS guard,
      ops_hub_check(
        (SELECT count(*) FROM counters) = (SELECT count(*) FROM (SELECT DISTINCT channel_id, sku_id FROM moves) m)
        -- A capped channel holds at most its share of the SKU's sellable units (as allocateOrder reads them, unlocked).
        AND NOT EXISTS (
          SELECT 1 FROM cap c JOIN counters k USING (sku_id, channel_id)
          WHERE k.reserved > floor((c.percentage / 100) * (
            SELECT COALESCE(sum(GREATEST(0, sp.on_hand - sp.safety_stock - sp.damaged - sp.quality_control)), 0)::float8
            FROM stock_positions sp JOIN locations l ON l.id = sp.location_id
            WHERE sp.sku_id = c.sku_id AND l.active AND l.is_fulfillment_node)))
        -- A fenced SKU keeps, after this statement's reservations, at least the other channels' unconsumed pools.
        AND NOT EXISTS (
          SELECT 1 FROM (SELECT DISTINCT sku_id, channel_id FROM fence) f
          WHERE (SELECT COALESCE(sum(available), 0) FROM locked WHERE locked.sku_id = f.sku_id)
              - (SELECT COALESCE(sum(quantity), 0) FROM res WHERE res.sku_id = f.sku_id)
            < (SELECT COALESCE(sum(GREATEST(0, o.pool - k.reserved)), 0) FROM fence o JOIN counters k ON k.channel_id = o.owner_id AND k.sku_id = o.sku_id
               WHERE o.sku_id = f.sku_id AND o.channel_id = f.channel_id)),
        ${INTAKE_CHANNEL_GUARD}, 'channel_reservations') AS rules_guard
    FROM placed JOIN v_order v ON v.channel_id = placed.channel_id AND v.external_id = placed.external_id`
}
