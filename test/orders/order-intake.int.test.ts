import { describe, expect, it } from 'vitest'
import type { Database } from '@ops-hub/db'
import { cancelOrder, inTransaction, OrderIntake, placeOrder, setAllocationRule, type PlaceOrderResult } from '@ops-hub/domain'
import { useTestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { createStockedSku, stockPosition, stockUp } from '../helpers/factories/stock.ts'
import { orderInput } from '../helpers/factories/orders.ts'

// Order intake (packages/domain/src/orders/intake): clean orders are planned on one read and written by one
// statement, batched under load; everything else, and any batch whose stock moved since the read, goes through
// the locking path (placeOrder in a transaction). These tests hold the two paths to the same outcome.
const t = useTestApp({ poolSize: 20 })
const actor = { id: 'intake-test', role: 'OPERATIONS' as const }
/** The factory's GraphQL input as the domain takes it (unit prices as numbers). */
const input = (channel: string, lines: Array<{ sku: string; quantity: number }>, overrides: Record<string, unknown> = {}) => {
  const gql = orderInput(channel, lines, overrides)
  return { ...gql, lines: gql.lines.map((l) => ({ ...l, unitPrice: Number(l.unitPrice) })) } as never
}

/** Everything a placed order consists of, with the order's own id and number taken out so two orders compare. */
async function story(db: Database, r: PlaceOrderResult) {
  const o = r.order
  const q = (text: string) => db.sql.query(text, [o.id])
  const norm = (v: unknown) => JSON.parse(JSON.stringify(v).replaceAll(o.number, '<number>').replaceAll(o.externalId, '<external id>').replaceAll(`"orderId":${o.id}`, '"orderId":"<id>"'))
  return norm({
    order: { status: o.status, holds: o.holds, serviceLevel: o.serviceLevel, priority: o.priority, shipBy: o.shipBy, routing: o.routing, total: String(o.totalAmount), version: o.version },
    lines: await q(`SELECT l.line_number, s.code, l.quantity, l.allocated_quantity, l.backordered_quantity, l.unit_price::text FROM order_lines l JOIN skus s ON s.id = l.sku_id WHERE l.order_id = $1 ORDER BY l.line_number`),
    allocations: await q(`SELECT l.line_number, loc.code, a.quantity, a.status FROM allocations a JOIN order_lines l ON l.id = a.order_line_id JOIN locations loc ON loc.id = a.location_id WHERE l.order_id = $1 ORDER BY 1, 2`),
    fulfillment: await q(`SELECT loc.code, f.status, f.priority, f.ship_by FROM fulfillment_orders f JOIN locations loc ON loc.id = f.location_id WHERE f.order_id = $1 ORDER BY 1`),
    timeline: await q(`SELECT kind, from_status, to_status, title, detail FROM order_events WHERE order_id = $1 ORDER BY id`),
    ledger: await q(`SELECT e.type, e.reason_code, e.reference_document_uri, e.reserved_delta, loc.code FROM inventory_events e JOIN locations loc ON loc.id = e.location_id WHERE e.order_id = $1 ORDER BY e.id`),
    outbox: await q(`SELECT topic, aggregate_type, payload FROM outbox_events
      WHERE (aggregate_type = 'Order' AND aggregate_id = $1) OR (payload->>'orderId')::int = $1 ORDER BY id`),
  })
}

/** Sets a channel allocation rule through the domain command (the one the API's setAllocationRule runs). */
const rule = (db: Database, input: Parameters<typeof setAllocationRule>[1]) => inTransaction(db.prisma, (tx) => setAllocationRule(tx, input, actor))

/** Units a channel's counter holds for a SKU (null: no counter row, i.e. nothing ever locked or moved it). */
async function counter(db: Database, channel: string, sku: string): Promise<number | null> {
  const rows = await db.sql.query(
    `SELECT cr.reserved FROM channel_reservations cr JOIN skus s ON s.id = cr.sku_id JOIN channels c ON c.id = cr.channel_id WHERE s.code = $1 AND c.code = $2`,
    [sku, channel],
  )
  return rows.length ? Number(rows[0].reserved) : null
}

/** A marketplace and a wholesale channel, and one node holding 20 of `capped` and `pooledUnits` of `pooled` (for their rules). */
async function cappedAndPooledStock(pooledUnits: number) {
  const market = await createSalesChannel(t(), { kind: 'MARKETPLACE' })
  const wholesale = await createSalesChannel(t(), { kind: 'WHOLESALE' })
  const node = await createFulfilmentNode(t())
  const [capped, pooled] = [await createSellableSku(t()), await createSellableSku(t())]
  await stockUp(t(), capped, node, 20)
  await stockUp(t(), pooled, node, pooledUnits)
  return { market, wholesale, node, capped, pooled }
}

/** An intake whose read is followed, once, before its write, by `interfere` (another order through the locking path). */
function racingIntake(db: Database, interfere: () => Promise<unknown>) {
  let interfered = false
  const racing: Database = {
    ...db,
    sql: {
      ...db.sql,
      query: async (text, params, opts) => {
        const rows = await db.sql.query(text, params, opts)
        if (!interfered && text.includes(' AS context')) {
          interfered = true
          await interfere()
        }
        return rows
      },
    },
  }
  return new OrderIntake(racing)
}

const firstLine = async (db: Database, r: PlaceOrderResult) =>
  (await db.sql.query(`SELECT allocated_quantity AS allocated, backordered_quantity AS backordered FROM order_lines WHERE order_id = $1 ORDER BY line_number LIMIT 1`, [r.order.id]))[0]

describe('order intake', () => {
  it('writes a clean order in one statement that tells exactly the story the locking path tells', async () => {
    const channel = await createSalesChannel(t())
    const near = await createFulfilmentNode(t(), { region: 'IL', postalCode: '60601' })
    const far = await createFulfilmentNode(t(), { region: 'CA', postalCode: '94105' })
    const [a, b] = [await createSellableSku(t()), await createSellableSku(t())]
    // a only far, b at both: ship-complete from `far` - a routing decision with a rejected node to explain.
    await stockUp(t(), a, far, 20)
    await stockUp(t(), b, far, 20)
    await stockUp(t(), b, near, 20)
    const db = t().app.db
    const lines = [{ sku: a, quantity: 2 }, { sku: b, quantity: 3 }]
    const intake = new OrderIntake(db)
    const fast = await intake.place(input(channel, lines, { serviceLevel: 'EXPRESS' }), actor)
    expect(intake.stats).toMatchObject({ fastPath: 1, lockingPath: 0, batches: 1 })
    const locking = await inTransaction(db.prisma, (tx) => placeOrder(tx, input(channel, lines, { serviceLevel: 'EXPRESS' }), actor))

    expect(fast.created).toBe(true)
    expect(fast.order.status).toBe('ALLOCATED')
    const [fastStory, lockingStory] = [await story(db, fast), await story(db, locking)]
    expect(fastStory).toEqual(lockingStory)
    expect(fastStory.timeline.map((e: { title: string }) => e.title)).toEqual([
      expect.stringMatching(/^Order received from /), 'Payment, fraud and address checks passed', expect.stringMatching(/^Reserved 5 units at /), 'Allocated: 5 units reserved',
    ])
    expect(fastStory.outbox.map((e: { topic: string }) => e.topic)).toEqual(['order.placed', 'order.status_changed', 'stock.changed', 'stock.changed', 'order.status_changed'])
    expect(await stockPosition(t(), b, far)).toEqual({ onHand: 20, reserved: 6, available: 14 })
  })

  it('plans orders under a percentage cap and under another channel\'s reserved pool in one statement, with the locking path\'s story', async () => {
    const { market, wholesale, node, capped, pooled } = await cappedAndPooledStock(20)
    const db = t().app.db
    await rule(db, { channelCode: market, sku: capped, kind: 'PERCENTAGE_CAP', percentage: 50 })
    await rule(db, { channelCode: wholesale, sku: pooled, kind: 'RESERVED_POOL', quantity: 6 })
    const lines = [{ sku: capped, quantity: 4 }, { sku: pooled, quantity: 3 }]
    const intake = new OrderIntake(db)
    const fast = await intake.place(input(market, lines), actor)
    expect(intake.stats).toMatchObject({ fastPath: 1, lockingPath: 0, batches: 1, lockingReasons: {} })
    const fastStory = await story(db, fast)
    expect(await counter(db, market, capped)).toBe(4)
    // The pool owner's counter was locked (created at 0) by the statement, as allocateOrder locks it.
    expect(await counter(db, wholesale, pooled)).toBe(0)
    // Back to the same stock and counters, then the same order through the locking path.
    await inTransaction(db.prisma, (tx) => cancelOrder(tx, { orderId: fast.order.id, reason: 'compare the paths' }, actor))
    expect(await counter(db, market, capped)).toBe(0)
    const locking = await inTransaction(db.prisma, (tx) => placeOrder(tx, input(market, lines), actor))
    const lockingStory = await story(db, locking)
    expect(fastStory).toEqual(lockingStory)
    expect(fastStory.order.routing.summary).toMatch(/Channel rules: SKU \d+: capped at 50% of 20 sellable = 10 units, 10 left \(rule \d+\); SKU \d+: 6 units fenced for channel \d+'s reserved pool/)

    // Up to the limits, still in one statement: the cap's last 6 units, the pooled SKU down to its fence.
    const more = await intake.place(input(market, [{ sku: capped, quantity: 6 }, { sku: pooled, quantity: 11 }]), actor)
    expect(more.order.status).toBe('ALLOCATED')
    expect(intake.stats).toMatchObject({ fastPath: 2, lockingPath: 0 })
    // One unit past either limit: the locking path decides (a partial allocation and its backorder).
    const pastCap = await intake.place(input(market, [{ sku: capped, quantity: 1 }]), actor)
    const pastFence = await intake.place(input(market, [{ sku: pooled, quantity: 1 }]), actor)
    expect([pastCap.order.status, pastFence.order.status]).toEqual(['BACKORDERED', 'BACKORDERED'])
    expect(intake.stats).toMatchObject({ fastPath: 2, lockingPath: 2, lockingReasons: { 'channel-limit': 2 } })
    // The pool owner takes its pool on the fast path: its own pool does not limit it.
    const owner = await intake.place(input(wholesale, [{ sku: pooled, quantity: 6 }]), actor)
    expect(owner.order.status).toBe('ALLOCATED')
    expect(intake.stats.fastPath).toBe(3)
    expect(await stockPosition(t(), capped, node)).toEqual({ onHand: 20, reserved: 10, available: 10 })
    expect(await stockPosition(t(), pooled, node)).toEqual({ onHand: 20, reserved: 20, available: 0 })
  })

  it("never slows another channel's orders for a channel's rule: they take the fast path and lock nothing of it", async () => {
    const market = await createSalesChannel(t(), { kind: 'MARKETPLACE' })
    const { channel: store, sku } = await createStockedSku(t(), 100)
    const db = t().app.db
    await rule(db, { channelCode: market, kind: 'PERCENTAGE_CAP', percentage: 10 })
    const intake = new OrderIntake(db)
    const results = await Promise.all(Array.from({ length: 20 }, () => intake.place(input(store, [{ sku, quantity: 2 }]), actor)))
    expect(results.every((r) => r.order.status === 'ALLOCATED')).toBe(true)
    expect(intake.stats).toMatchObject({ fastPath: 20, lockingPath: 0, guardFailures: 0 })
    expect(await counter(db, market, sku)).toBe(null)
    expect(await counter(db, store, sku)).toBe(40)
  })

  it('falls back to the locking path when a cap or a pool no longer holds on the locked counters at write time', async () => {
    const { market, wholesale, node, capped, pooled } = await cappedAndPooledStock(10)
    const db = t().app.db
    await rule(db, { channelCode: market, sku: capped, kind: 'PERCENTAGE_CAP', percentage: 25 })
    await rule(db, { channelCode: wholesale, sku: pooled, kind: 'RESERVED_POOL', quantity: 4 })
    // Cap 25% of 20 = 5 units. Planned on an empty counter, 4 units; meanwhile another order takes 3: 7 > 5.
    const capRace = racingIntake(db, () => inTransaction(db.prisma, (tx) => placeOrder(tx, input(market, [{ sku: capped, quantity: 3 }]), actor)))
    const capped4 = await capRace.place(input(market, [{ sku: capped, quantity: 4 }]), actor)
    expect(capRace.stats).toMatchObject({ guardFailures: 1, fastPath: 0, lockingPath: 1, lockingReasons: { 'guard-failure': 1 } })
    expect(await firstLine(db, capped4)).toEqual({ allocated: 2, backordered: 2 })
    expect(await counter(db, market, capped)).toBe(5)
    expect(await stockPosition(t(), capped, node)).toEqual({ onHand: 20, reserved: 5, available: 15 })

    // Pool of 4 fences 10 units: 6 for others. Planned 5 on 10 available; meanwhile another order takes 2. The
    // position still has 8 for the 5 (its own guard passes), but 3 would be left for a pool of 4: refused.
    const poolRace = racingIntake(db, () => inTransaction(db.prisma, (tx) => placeOrder(tx, input(market, [{ sku: pooled, quantity: 2 }]), actor)))
    const pooled5 = await poolRace.place(input(market, [{ sku: pooled, quantity: 5 }]), actor)
    expect(poolRace.stats).toMatchObject({ guardFailures: 1, fastPath: 0, lockingPath: 1 })
    expect(await firstLine(db, pooled5)).toEqual({ allocated: 4, backordered: 1 })
    expect(await stockPosition(t(), pooled, node)).toEqual({ onHand: 10, reserved: 6, available: 4 })
    // The refused statements left nothing behind: one reservation per placed order, counters as the ledger says.
    const [books] = await db.sql.query(
      `SELECT (SELECT count(*)::int FROM inventory_events e JOIN skus s ON s.id = e.sku_id WHERE s.code IN ($1, $2) AND e.type = 'RESERVED') AS reservations,
         (SELECT count(*)::int FROM orders o JOIN channels c ON c.id = o.channel_id WHERE c.code = $3) AS orders`,
      [capped, pooled, market],
    )
    expect(books).toEqual({ reservations: 4, orders: 4 })
    expect(await counter(db, market, pooled)).toBe(6)
  })

  it('batches concurrent orders into shared statements and keeps the books exact', async () => {
    const { channel, node, sku } = await createStockedSku(t(), 1000)
    const db = t().app.db
    const intake = new OrderIntake(db)
    const first = input(channel, [{ sku, quantity: 1 }])
    const results = await Promise.all([
      ...Array.from({ length: 40 }, () => intake.place(input(channel, [{ sku, quantity: 2 }]), actor)),
      // The same order three times in the same burst: one order, created once.
      intake.place(first, actor), intake.place(first, actor), intake.place(first, actor),
      // A hold needs the locking path (exception, no reservation).
      intake.place(input(channel, [{ sku, quantity: 1 }], { payment: { status: 'FAILED', fraudScore: 0 } }), actor),
    ])
    expect(results.slice(0, 40).every((r) => r.created && r.order.status === 'ALLOCATED')).toBe(true)
    const copies = results.slice(40, 43)
    expect(new Set(copies.map((r) => r.order.id)).size).toBe(1)
    expect(copies.filter((r) => r.created)).toHaveLength(1)
    expect(results[43].order.status).toBe('ON_HOLD')
    // A retry after the fact: the write skips the known order (ON CONFLICT) and the locking path returns it.
    const retry = await intake.place(first, actor)
    expect(retry).toMatchObject({ created: false, order: { id: copies[0].order.id } })
    expect(intake.stats.fastPath).toBe(41)
    expect(intake.stats.batches).toBeLessThan(41)
    expect(intake.stats.lockingPath).toBe(4)

    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 1000, reserved: 81, available: 919 })
    const [books] = await db.sql.query(
      `SELECT (SELECT sum(reserved_delta)::int FROM inventory_events e JOIN skus s ON s.id = e.sku_id WHERE s.code = $1 AND e.type = 'RESERVED') AS ledger,
         (SELECT reserved FROM channel_reservations cr JOIN skus s ON s.id = cr.sku_id JOIN channels c ON c.id = cr.channel_id WHERE s.code = $1 AND c.code = $2) AS counter,
         (SELECT count(*)::int FROM orders o JOIN channels c ON c.id = o.channel_id WHERE c.code = $2) AS orders`,
      [sku, channel],
    )
    expect(books).toEqual({ ledger: 81, counter: 81, orders: 42 })
  })

  it('places the batch through the locking path when stock moved between its read and its write: nothing oversold', async () => {
    const { channel, node, sku } = await createStockedSku(t(), 5)
    const db = t().app.db
    // Right after the intake's read, another order takes 4 of the 5 units: the batch planned on 5.
    let interfered = false
    const intake = racingIntake(db, () => {
      interfered = true
      return inTransaction(db.prisma, (tx) => placeOrder(tx, input(channel, [{ sku, quantity: 4 }]), actor))
    })
    const result = await intake.place(input(channel, [{ sku, quantity: 3 }]), actor)
    expect(interfered).toBe(true)
    expect(intake.stats).toMatchObject({ guardFailures: 1, fastPath: 0, lockingPath: 1 })
    expect(result.order.status).toBe('PARTIALLY_ALLOCATED')
    expect(await stockPosition(t(), sku, node)).toEqual({ onHand: 5, reserved: 5, available: 0 })
    // The refused statement left nothing behind: one order per attempt, one ledger line per reservation.
    const [counts] = await db.sql.query(
      `SELECT (SELECT count(*)::int FROM orders WHERE external_id = $1) AS orders,
         (SELECT count(*)::int FROM inventory_events e JOIN skus s ON s.id = e.sku_id WHERE s.code = $2 AND e.type = 'RESERVED') AS reservations`,
      [(result.order as { externalId: string }).externalId, sku],
    )
    expect(counts).toEqual({ orders: 1, reservations: 2 })
  })
})
