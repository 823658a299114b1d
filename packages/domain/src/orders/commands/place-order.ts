import { z } from 'zod'
import { Prisma, type HoldReason, type OrderModel as Order, type OrderStatus, type Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { DomainError, userError, type UserErrorData } from '../../shared/errors.ts'
import { outboxInsertSql, type OutboxMessage } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { writeTogether } from '../../shared/write-together.ts'
import { codeSchema } from '../../shared/codes.ts'
import { SETTING_DEFAULTS } from '../../settings/settings.ts'
import { openException } from '../../exceptions/commands/open-exception.ts'
import { orderMachine } from '../order.machine.ts'
import { evaluateHolds, HOLD_EXCEPTIONS, type HoldFinding } from '../holds.ts'
import { allocateOrder, allocationContextSql, type AllocationContext } from '../allocate-order.ts'
import { orderEventsInsertSql, type TimelineEntry } from '../order-timeline.ts'
import { computePriority } from '../ship-by.ts'
import { explodeBundles, lockBundleComponents } from '../bundle-intake.ts'

// Address fields are free text here on purpose: a bad address is a hold for customer service, not a refusal.
const text = (max: number) => z.string().max(max)

export const placeOrderInput = z.object({
  channelCode: codeSchema,
  externalId: z.string().trim().min(1, 'externalId is required').max(128),
  serviceLevel: z.enum(['STANDARD', 'EXPRESS', 'SAME_DAY']).nullish(),
  customer: z.object({
    email: z.string().trim().email('customer email is not an email address').max(320),
    name: z.string().trim().min(1, 'customer name is required').max(200),
    phone: text(64).nullish(),
  }),
  shipTo: z.object({
    name: text(200),
    line1: text(200),
    line2: text(200).nullish(),
    city: text(100),
    region: text(64).nullish(),
    postalCode: text(32),
    country: text(8),
  }),
  payment: z.object({
    status: z.enum(['PENDING', 'AUTHORIZED', 'CAPTURED', 'FAILED', 'REFUNDED']),
    fraudScore: z.number().min(0, 'fraudScore is between 0 and 1').max(1, 'fraudScore is between 0 and 1').nullish(),
  }),
  lines: z
    .array(
      z.object({
        sku: z.string().trim().min(1, 'sku is required'),
        quantity: z.number().int('quantity must be a whole number').positive('quantity must be positive').max(100_000),
        unitPrice: z.number().finite().min(0, 'unitPrice cannot be negative').max(1_000_000),
      }),
    )
    .min(1, 'An order needs at least one line')
    .max(200, 'At most 200 lines per order'),
})

export interface PlaceOrderResult {
  order: Order
  /** False when (channel, externalId) was already known and the existing order is returned unchanged. */
  created: boolean
}

/**
 * Takes an order from a channel exactly once per (channel, external id), puts it on hold when payment, fraud
 * or address checks fail, and otherwise reserves and routes its stock in the same transaction.
 */
export async function placeOrder(tx: Tx, rawInput: z.input<typeof placeOrderInput>, actor: Actor, now = new Date()): Promise<PlaceOrderResult> {
  const input = parseInput(placeOrderInput, rawInput)
  const codes = [...new Set(input.lines.map((l) => l.sku))]
  const intake = await readIntake(tx, input.channelCode, input.externalId, codes)
  const channel = intake.channel
  if (!channel || !channel.active) throw userError('NOT_FOUND', `Unknown or inactive channel ${input.channelCode}`, ['input', 'channelCode'])
  if (actor.role === 'PARTNER' && actor.channelCode !== channel.code) {
    throw userError('FORBIDDEN', 'A partner may only place orders for its own channel', ['input', 'channelCode'])
  }

  if (intake.existingOrderId !== null) return { order: await tx.order.findUniqueOrThrow({ where: { id: intake.existingOrderId } }), created: false }

  const skuByCode = new Map(intake.skus.map((s) => [s.code, s]))
  const unknown: UserErrorData[] = input.lines.flatMap((l, i) =>
    skuByCode.get(l.sku)?.active ? [] : [{ code: 'NOT_FOUND' as const, message: `Unknown or inactive SKU ${l.sku}`, field: ['input', 'lines', String(i), 'sku'] }],
  )
  if (unknown.length) throw new DomainError(unknown)

  // Bundle lines are exploded into component lines (bundle-intake.ts); only those are allocated.
  const bundleSkuIds = input.lines.map((l) => skuByCode.get(l.sku)!).filter((sk) => sk.isBundle).map((sk) => sk.id)
  const bundleComponents = await lockBundleComponents(tx, bundleSkuIds)
  const { componentLines, errors: bundleErrors } = explodeBundles(input.lines, (code) => (skuByCode.get(code)?.isBundle ? skuByCode.get(code)! : null), bundleComponents)
  if (bundleErrors.length) throw new DomainError(bundleErrors)

  const fraudScore = input.payment.fraudScore ?? 0
  const serviceLevel = input.serviceLevel ?? 'STANDARD'
  const findings = evaluateHolds({
    paymentStatus: input.payment.status,
    fraudScore,
    shipTo: input.shipTo,
    fraudScoreThreshold: intake.fraudScoreThreshold,
  })
  const total = input.lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0)

  // ON CONFLICT DO NOTHING: when the same order arrives twice at once, the second insert waits for the first
  // transaction and then returns nothing (and inserts no lines), and the winner - committed by then - is read
  // back instead. Order and lines go in one statement: one round trip fewer per order.
  const initialPriority = computePriority({ serviceLevel, placedAt: now, shipBy: null, now })
  // An order that passes the checks is allocated next: what allocation reads before locking comes back with the insert.
  const skuIds = [...new Set([...input.lines.map((l) => skuByCode.get(l.sku)!).filter((sk) => !sk.isBundle).map((sk) => sk.id), ...componentLines.map((c) => c.skuId)])].sort((a, b) => a - b)
  const allocationContext = findings.length ? Prisma.sql`NULL::json` : allocationContextSql(skuIds, now)
  const [inserted] = await tx.$queryRaw<
    Array<{ id: number; number: string; lines: Array<{ id: number; line_number: number; sku_id: number; quantity: number; is_bundle: boolean }>; allocation_context: AllocationContext | null }>
  >`
    WITH placed AS (
      INSERT INTO orders (channel_id, external_id, status, service_level, priority, placed_at, customer_email, customer_name, customer_phone,
        ship_to_name, ship_to_line1, ship_to_line2, ship_to_city, ship_to_region, ship_to_postal_code, ship_to_country,
        payment_status, fraud_score, total_amount, updated_at)
      VALUES (${channel.id}, ${input.externalId}, 'PENDING'::"OrderStatus", ${serviceLevel}::"ServiceLevel", ${initialPriority}, ${now},
        ${input.customer.email.toLowerCase()}, ${input.customer.name}, ${input.customer.phone ?? null},
        ${input.shipTo.name.trim()}, ${input.shipTo.line1.trim()}, ${input.shipTo.line2?.trim() || null}, ${input.shipTo.city.trim()},
        ${input.shipTo.region?.trim() || null}, ${input.shipTo.postalCode.trim()}, ${input.shipTo.country.trim().toUpperCase()},
        ${input.payment.status}::"PaymentStatus", ${fraudScore}, ${Math.round(total * 100) / 100}, now())
      ON CONFLICT (channel_id, external_id) DO NOTHING
      RETURNING id, number
    ), line AS (
      INSERT INTO order_lines (order_id, line_number, sku_id, quantity, unit_price, is_bundle)
      SELECT placed.id, v.line_number, v.sku_id, v.quantity, v.unit_price, v.is_bundle
      FROM placed, (VALUES ${Prisma.join(input.lines.map((l, i) => Prisma.sql`(${i + 1}::int, ${skuByCode.get(l.sku)!.id}::int, ${l.quantity}::int, ${l.unitPrice}::numeric, ${!!skuByCode.get(l.sku)!.isBundle}::boolean)`))})
        AS v(line_number, sku_id, quantity, unit_price, is_bundle)
      RETURNING id, line_number, sku_id, quantity, is_bundle
    )${componentLines.length ? Prisma.sql`, component AS (
      INSERT INTO order_lines (order_id, line_number, sku_id, quantity, unit_price, bundle_line_id)
      SELECT placed.id, v.line_number, v.sku_id, v.quantity, 0, line.id
      FROM placed, (VALUES ${Prisma.join(componentLines.map((c) => Prisma.sql`(${c.lineNumber}::int, ${c.skuId}::int, ${c.quantity}::int, ${c.bundleLineNumber}::int)`))})
        AS v(line_number, sku_id, quantity, bundle_line_number)
        JOIN line ON line.line_number = v.bundle_line_number
      RETURNING id, line_number, sku_id, quantity, false AS is_bundle
    )` : Prisma.empty}
    SELECT placed.id, placed.number,
      (SELECT json_agg(json_build_object('id', id, 'line_number', line_number, 'sku_id', sku_id, 'quantity', quantity, 'is_bundle', is_bundle) ORDER BY line_number)
        FROM (SELECT * FROM line${componentLines.length ? Prisma.sql` UNION ALL SELECT * FROM component` : Prisma.empty}) l) AS lines,
      ${allocationContext} AS allocation_context
    FROM placed`
  if (!inserted) {
    const winner = await tx.order.findUniqueOrThrow({ where: { channelId_externalId: { channelId: channel.id, externalId: input.externalId } } })
    return { order: winner, created: false }
  }

  const lines = inserted.lines
    .filter((l) => !l.is_bundle)
    .map((l) => ({ id: l.id, lineNumber: l.line_number, skuId: l.sku_id, quantity: l.quantity, allocatedQuantity: 0, cancelledQuantity: 0, shippedQuantity: 0 }))
  const placed = { ...inserted, channelId: channel.id, serviceLevel, placedAt: now, priority: initialPriority, shipToCountry: input.shipTo.country.trim().toUpperCase(), shipToRegion: input.shipTo.region?.trim() || null, shipToPostalCode: input.shipTo.postalCode.trim() }

  const timeline: TimelineEntry[] = [
    { kind: 'placed', toStatus: 'PENDING', title: `Order received from ${channel.name}`, detail: `${input.lines.length} line(s), ${serviceLevel}, external id ${input.externalId}` },
    ...input.lines.flatMap((l, i) => {
      const parts = componentLines.filter((c) => c.bundleLineNumber === i + 1)
      if (!parts.length) return []
      const codeOf = new Map((bundleComponents.get(skuByCode.get(l.sku)!.id) ?? []).map((c) => [c.skuId, c.code]))
      return [{ kind: 'bundle', title: `Bundle ${l.sku} x ${l.quantity} split into its components`, detail: `Line ${i + 1}: ${parts.map((c) => `line ${c.lineNumber} ${c.quantity} x ${codeOf.get(c.skuId)}`).join(', ')}` }]
    }),
  ]
  const events: OutboxMessage[] = [
    { topic: 'order.placed', aggregateType: 'Order', aggregateId: inserted.id, payload: { channelId: channel.id, number: inserted.number, serviceLevel } },
  ]
  const path: OrderStatus[] = ['PENDING']
  const move = (to: OrderStatus, title: string, detail?: string) => {
    const from = path[path.length - 1]
    orderMachine.assertTransition(from, to)
    path.push(to)
    timeline.push({ kind: 'status', fromStatus: from, toStatus: to, title, detail })
    events.push({ topic: 'order.status_changed', aggregateType: 'Order', aggregateId: inserted.id, payload: { from, to, channelId: channel.id } })
  }

  let holds: HoldReason[] = []
  let routing: object | undefined
  let shipBy: Date | null = null
  let priority = initialPriority
  // The allocation's own writes, folded into the order's final statement (see finishOrder).
  let pendingWrites: Prisma.Sql[] = []
  if (findings.length) {
    holds = findings.map((f) => f.hold)
    move('ON_HOLD', `On hold: ${holds.join(', ')}`, findings.map((f) => f.detail).join('; '))
    await openHoldExceptions(tx, placed, findings)
  } else {
    move('VALIDATED', 'Payment, fraud and address checks passed')
    const outcome = await allocateOrder(tx, { ...placed, shipBy: null }, lines, actor, { now, deferWrites: true, context: inserted.allocation_context ?? undefined })
    timeline.push(...outcome.timeline)
    events.push(...outcome.events)
    routing = outcome.routing
    shipBy = outcome.shipBy
    priority = outcome.priority
    if (outcome.lowConfidence) {
      holds = ['LOW_CONFIDENCE_STOCK']
      move('ON_HOLD', 'On hold: LOW_CONFIDENCE_STOCK', 'Part of the order depends on stock whose count is uncertain')
      await writeTogether(tx, outcome.pendingWrites)
      await tx.fulfillmentOrder.updateMany({ where: { orderId: inserted.id, status: 'OPEN' }, data: { status: 'ON_HOLD' } })
    } else {
      move(outcome.status, statusTitle(outcome.status, outcome.reservedUnits, outcome.backorderedUnits))
      pendingWrites = outcome.pendingWrites
    }
  }

  const order = await finishOrder(tx, {
    id: inserted.id,
    status: path[path.length - 1],
    holds,
    routing,
    shipBy,
    priority,
    timeline,
    events,
    actor,
    pendingWrites,
  })
  return { order, created: true }
}

/**
 * What intake needs to decide before writing anything, in one round trip: the channel, whether this
 * (channel, external id) is already known, the ordered SKUs and the fraud threshold.
 */
async function readIntake(tx: Tx, channelCode: string, externalId: string, skuCodes: string[]) {
  const [row] = await tx.$queryRaw<
    Array<{
      channel: { id: number; code: string; name: string; active: boolean } | null
      existing_order_id: number | null
      skus: Array<{ id: number; code: string; active: boolean; isBundle: boolean }>
      fraud_score_threshold: number | null
    }>
  >`
    SELECT
      (SELECT json_build_object('id', c.id, 'code', c.code, 'name', c.name, 'active', c.active) FROM channels c WHERE c.code = ${channelCode}) AS channel,
      (SELECT o.id FROM orders o JOIN channels c ON c.id = o.channel_id WHERE c.code = ${channelCode} AND o.external_id = ${externalId}) AS existing_order_id,
      (SELECT COALESCE(json_agg(json_build_object('id', s.id, 'code', s.code, 'active', s.active, 'isBundle', s.is_bundle)), '[]'::json) FROM skus s
        WHERE s.code IN (${Prisma.join(skuCodes)})) AS skus,
      (SELECT value FROM settings WHERE key = 'orders.fraudScoreThreshold') AS fraud_score_threshold`
  return {
    channel: row.channel,
    existingOrderId: row.existing_order_id,
    skus: row.skus,
    fraudScoreThreshold: Number(row.fraud_score_threshold ?? SETTING_DEFAULTS['orders.fraudScoreThreshold']),
  }
}

/**
 * The order's final state, its timeline, its outbox events and the allocation's pending writes in one
 * statement (a data-modifying CTE): on the allocation path this runs while stock locks are held, so it is
 * one round trip, not seven.
 */
async function finishOrder(
  tx: Tx,
  f: { id: number; status: OrderStatus; holds: HoldReason[]; routing: object | undefined; shipBy: Date | null; priority: number; timeline: TimelineEntry[]; events: OutboxMessage[]; actor: Actor; pendingWrites: Prisma.Sql[] },
): Promise<Order> {
  const now = new Date()
  const holds = f.holds.length ? Prisma.sql`ARRAY[${Prisma.join(f.holds)}]::"HoldReason"[]` : Prisma.sql`'{}'::"HoldReason"[]`
  const routing = f.routing === undefined ? Prisma.sql`routing` : Prisma.sql`${JSON.stringify(f.routing)}::jsonb`
  const writes = [
    ...f.pendingWrites,
    ...(f.timeline.length ? [Prisma.sql`timeline AS (${orderEventsInsertSql(f.id, f.timeline, f.actor, now)})`] : []),
    ...(f.events.length ? [Prisma.sql`outbox AS (${outboxInsertSql(f.events, now)})`] : []),
  ]
  const [row] = await tx.$queryRaw<Array<Record<string, unknown>>>`
    WITH updated AS (
      UPDATE orders SET status = ${f.status}::"OrderStatus", holds = ${holds}, routing = ${routing}, ship_by = ${f.shipBy}::timestamptz,
        priority = ${f.priority}::int, version = version + 1, updated_at = ${now}::timestamptz
      WHERE id = ${f.id}::int
      RETURNING *
    )${writes.length ? Prisma.sql`, ${Prisma.join(writes, ', ')}` : Prisma.empty}
    SELECT * FROM updated`
  return orderFromRow(row)
}

/** A raw `orders` row as the Prisma model (columns are the snake_case of the fields; enum arrays come back as text). */
export function orderFromRow(row: Record<string, unknown>): Order {
  const order = Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), v]))
  if (typeof order.holds === 'string') order.holds = order.holds.replace(/^\{|\}$/g, '').split(',').filter(Boolean)
  return order as unknown as Order
}

export function statusTitle(status: OrderStatus, reserved: number, backordered: number): string {
  if (status === 'ALLOCATED') return `Allocated: ${reserved} unit${reserved === 1 ? '' : 's'} reserved`
  if (status === 'PARTIALLY_ALLOCATED') return `Partially allocated: ${reserved} reserved, ${backordered} backordered`
  return `Backordered: ${backordered} unit${backordered === 1 ? '' : 's'} waiting for stock`
}

/** One exception per hold, owned by the team that must clear it, about the order. */
export async function openHoldExceptions(tx: Tx, order: Pick<Order, 'id' | 'number'>, findings: HoldFinding[]): Promise<void> {
  for (const f of findings) {
    const kind = HOLD_EXCEPTIONS[f.hold]
    await openException(tx, {
      type: kind.type,
      severity: kind.severity,
      ownerRole: kind.ownerRole,
      subjectType: 'Order',
      subjectId: order.id,
      orderId: order.id,
      dedupeKey: `${kind.type}:order:${order.id}`,
      title: `${kind.title}: order ${order.number}`,
      detail: f.detail,
      data: f.data,
    })
  }
}
