// Order maintenance through the public API (cancelOrderLines, moveFulfillmentOrder, mergeFulfillmentOrders,
// updateOrderShipTo), plus the book-keeping checks every maintenance test ends with.
import type { Role } from '@ops-hub/db'
import type { TestApp } from '../test-app.ts'

export const MAINTAINED_ORDER_FIELDS = /* GraphQL */ `
  id number status holds
  lines { lineNumber sku quantity allocatedQuantity backorderedQuantity cancelledQuantity shippedQuantity isBundle bundleLineNumber quantityPerBundle
    allocations { location { code } quantity status } }
  fulfillmentOrders { id number status location { code } mergedInto { number } allocations { sku quantity status location { code } } }
  routingDecision { rule summary }
`

type UserErrors = Array<{ field: string[] | null; message: string; code: string }>

async function mutate(app: TestApp, doc: string, input: Record<string, unknown>, field: string, role: Role) {
  const res = await app.gql(doc, { input }, { role })
  if (res.errors) throw new Error(`${field} errored: ${JSON.stringify(res.errors)}`)
  return res.data[field] as { order?: any; fulfillmentOrder?: any; userErrors: UserErrors }
}

export function cancelOrderLines(app: TestApp, input: { orderId: string; lines: Array<{ lineNumber: number; quantity: number }>; reason?: string; idempotencyKey?: string }, role: Role = 'OPERATIONS') {
  return mutate(
    app,
    `mutation ($input: CancelOrderLinesInput!) { cancelOrderLines(input: $input) { order { ${MAINTAINED_ORDER_FIELDS} } userErrors { field message code } } }`,
    { reason: 'customer asked', ...input },
    'cancelOrderLines',
    role,
  )
}

export function moveFulfillmentOrder(app: TestApp, input: { fulfillmentOrderId: string; toLocationCode: string; reason?: string; idempotencyKey?: string }, role: Role = 'OPERATIONS') {
  return mutate(
    app,
    `mutation ($input: MoveFulfillmentOrderInput!) { moveFulfillmentOrder(input: $input) {
      fulfillmentOrder { id number status location { code } allocations { sku quantity status location { code } } }
      order { ${MAINTAINED_ORDER_FIELDS} } userErrors { field message code } } }`,
    input,
    'moveFulfillmentOrder',
    role,
  )
}

export function mergeFulfillmentOrders(app: TestApp, input: { fulfillmentOrderIds: string[]; idempotencyKey?: string }, role: Role = 'OPERATIONS') {
  return mutate(
    app,
    `mutation ($input: MergeFulfillmentOrdersInput!) { mergeFulfillmentOrders(input: $input) {
      fulfillmentOrder { id number status location { code } allocations { sku quantity status } }
      order { ${MAINTAINED_ORDER_FIELDS} } userErrors { field message code } } }`,
    input,
    'mergeFulfillmentOrders',
    role,
  )
}

export function updateOrderShipTo(app: TestApp, input: { orderId: string; shipTo: Record<string, unknown>; reason?: string; idempotencyKey?: string }, role: Role = 'CUSTOMER_SERVICE') {
  return mutate(
    app,
    `mutation ($input: UpdateOrderShipToInput!) { updateOrderShipTo(input: $input) { order { ${MAINTAINED_ORDER_FIELDS} shipTo { city region postalCode country } } userErrors { field message code } } }`,
    input,
    'updateOrderShipTo',
    role,
  )
}

export async function orderByNumber(app: TestApp, number: string) {
  const res = await app.gql(`query ($n: String!) { order(number: $n) { ${MAINTAINED_ORDER_FIELDS} timeline { kind title detail } exceptions { type status } } }`, { n: number }, { role: 'OPERATIONS' })
  return res.data.order
}

/** reconcileLedger through the API: the number of stock positions whose buckets disagree with their ledger. */
export async function ledgerMismatches(app: TestApp): Promise<number> {
  const res = await app.gql(`mutation { reconcileLedger { positionsChecked mismatches { stockPosition { id } } userErrors { code message } } }`, {}, { role: 'ADMIN' })
  if (res.errors) throw new Error(JSON.stringify(res.errors))
  return res.data.reconcileLedger.mismatches.length
}

/**
 * The book-keeping every order-maintenance command must leave true for `skuIds`: at each position `reserved` equals
 * the units of RESERVED and PICKED allocations there, and each channel counter equals its channel's allocated-and-
 * unshipped units. Returns the offending rows (empty when all hold).
 */
export async function reservationDrift(app: TestApp, skuIds: number[]) {
  return app.app.db.prisma.$queryRaw<Array<{ kind: string; sku_id: number; key: number; book: number; derived: number }>>`
    SELECT 'position' AS kind, sp.sku_id, sp.location_id AS key, sp.reserved AS book,
      COALESCE((SELECT sum(a.quantity)::int FROM allocations a JOIN order_lines l ON l.id = a.order_line_id
        WHERE l.sku_id = sp.sku_id AND a.location_id = sp.location_id AND a.status IN ('RESERVED', 'PICKED')), 0) AS derived
    FROM stock_positions sp WHERE sp.sku_id = ANY(${skuIds}::int[])
    UNION ALL
    SELECT 'channel', cr.sku_id, cr.channel_id, cr.reserved,
      COALESCE((SELECT sum(a.quantity)::int FROM allocations a JOIN order_lines l ON l.id = a.order_line_id JOIN orders o ON o.id = l.order_id
        WHERE l.sku_id = cr.sku_id AND o.channel_id = cr.channel_id AND a.status IN ('RESERVED', 'PICKED')), 0)
    FROM channel_reservations cr WHERE cr.sku_id = ANY(${skuIds}::int[])`.then((rows) => rows.filter((r) => Number(r.book) !== Number(r.derived)))
}

export async function skuId(app: TestApp, code: string): Promise<number> {
  return (await app.app.db.prisma.sku.findUniqueOrThrow({ where: { code }, select: { id: true } })).id
}
