// Procurement worlds: a supplier for a SKU (through the admin API), the order history its demand velocity is measured
// from (written as the past it is: orders placed days ago, already shipped from a node), and a node stocked through
// the ledger. Named by the state they leave behind.
import type { PrismaClient } from '@ops-hub/db'
import type { TestApp } from '../test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from './catalog.ts'
import { stockUp } from './stock.ts'
import { uniqueCode } from '../unique.ts'

const DAY = 86_400_000

export interface SupplierTerms {
  leadTimeMeanDays?: number
  leadTimeStdDevDays?: number
  minimumOrderQuantity?: number
  packSize?: number
  unitCost?: string
  isPrimary?: boolean
}

export async function createSupplier(app: TestApp, code = uniqueCode('SUP')) {
  const res = await app.gql(
    `mutation ($input: CreateSupplierInput!) { createSupplier(input: $input) { supplier { id code } userErrors { code message } } }`,
    { input: { code, name: `Supplier ${code}`, contactEmail: 'orders@supplier.example' } },
    { role: 'PROCUREMENT' },
  )
  if (res.data?.createSupplier?.userErrors?.length !== 0) throw new Error(`createSupplier failed: ${JSON.stringify(res)}`)
  return code
}

/** What `supplierCode` promises for `sku` (upsertSupplierSku). */
export async function supplySku(app: TestApp, supplierCode: string, sku: string, terms: SupplierTerms = {}) {
  const res = await app.gql(
    `mutation ($input: UpsertSupplierSkuInput!) { upsertSupplierSku(input: $input) { supplierSku { id isPrimary } userErrors { code message field } } }`,
    {
      input: {
        supplierCode,
        sku,
        leadTimeMeanDays: terms.leadTimeMeanDays ?? 10,
        leadTimeStdDevDays: terms.leadTimeStdDevDays ?? 2,
        minimumOrderQuantity: terms.minimumOrderQuantity ?? 1,
        packSize: terms.packSize ?? 1,
        unitCost: terms.unitCost ?? '4.00',
        ...(terms.isPrimary !== undefined ? { isPrimary: terms.isPrimary } : {}),
      },
    },
    { role: 'PROCUREMENT' },
  )
  const payload = res.data?.upsertSupplierSku
  if (!payload || payload.userErrors.length) throw new Error(`upsertSupplierSku failed: ${JSON.stringify(res.errors ?? payload.userErrors)}`)
  return payload.supplierSku as { id: string; isPrimary: boolean }
}

export interface DemandLine {
  /** Placed this many days before `now` (use x.5 to sit in the middle of a planning day). */
  daysAgo: number
  quantity: number
  /** Node it was allocated (and shipped) at; null: never allocated (still backordered when `backordered`). */
  locationCode: string | null
  backordered?: number
  skuCode?: string
}

/**
 * Orders that happened: one per line, placed `daysAgo` before now, shipped from their node (or backordered). Written
 * directly as history in one statement, so stock positions are untouched; demand velocity reads exactly these lines.
 */
export async function recordDemandHistory(prisma: PrismaClient, channelCode: string, skuCode: string, lines: DemandLine[], now = Date.now()) {
  if (lines.length === 0) return
  const rows = lines.map((l, i) => ({
    n: i,
    sku: l.skuCode ?? skuCode,
    location: l.locationCode,
    quantity: l.quantity,
    backordered: l.backordered ?? 0,
    placedAt: new Date(now - l.daysAgo * DAY),
    externalId: uniqueCode('HIST'),
  }))
  await prisma.$executeRaw`
    WITH input AS (
      SELECT * FROM unnest(${rows.map((r) => r.n)}::int[], ${rows.map((r) => r.sku)}::text[], ${rows.map((r) => r.location)}::text[],
        ${rows.map((r) => r.quantity)}::int[], ${rows.map((r) => r.backordered)}::int[], ${rows.map((r) => r.placedAt.toISOString())}::timestamptz[],
        ${rows.map((r) => r.externalId)}::text[]) AS t(n, sku, location, quantity, backordered, placed_at, external_id)
    ),
    placed AS (
      INSERT INTO orders (channel_id, external_id, status, placed_at, customer_email, customer_name, ship_to_name, ship_to_line1, ship_to_city,
        ship_to_postal_code, ship_to_country, payment_status, updated_at)
      SELECT (SELECT id FROM channels WHERE code = ${channelCode}), i.external_id,
        (CASE WHEN i.backordered > 0 AND i.location IS NULL THEN 'BACKORDERED' WHEN i.backordered > 0 THEN 'PARTIALLY_ALLOCATED' ELSE 'SHIPPED' END)::"OrderStatus",
        i.placed_at, 'history@example.com', 'History', 'History', '1 Past St', 'Springfield', '62701', 'US', 'CAPTURED', now()
      FROM input i
      RETURNING id, external_id
    ),
    line AS (
      INSERT INTO order_lines (order_id, line_number, sku_id, quantity, unit_price, backordered_quantity, shipped_quantity)
      SELECT p.id, 1, s.id, i.quantity, 10, i.backordered, CASE WHEN i.backordered > 0 THEN 0 ELSE i.quantity END
      FROM input i JOIN placed p ON p.external_id = i.external_id JOIN skus s ON s.code = i.sku
      RETURNING id, order_id
    )
    INSERT INTO allocations (order_line_id, location_id, quantity, status, updated_at)
    SELECT l.id, loc.id, i.quantity - i.backordered, (CASE WHEN i.backordered > 0 THEN 'RESERVED' ELSE 'SHIPPED' END)::"AllocationStatus", now()
    FROM input i JOIN placed p ON p.external_id = i.external_id JOIN line l ON l.order_id = p.id JOIN locations loc ON loc.code = i.location
    WHERE i.quantity - i.backordered > 0`
}

/** Backdates a SKU's creation, so its demand is observed over the whole window. */
export async function skuExistedSince(prisma: PrismaClient, skuCode: string, daysAgo: number) {
  await prisma.sku.update({ where: { code: skuCode }, data: { createdAt: new Date(Date.now() - daysAgo * DAY) } })
}

export interface ReplenishableWorld {
  channel: string
  node: string
  sku: string
  supplier: string
}

/** A node holding `onHand` of a class-`abc` SKU that one supplier supplies on `terms`, with a sales channel. */
export async function createReplenishableSku(app: TestApp, opts: { onHand: number; abcClass?: 'A' | 'B' | 'C'; terms?: SupplierTerms; node?: string; channel?: string }): Promise<ReplenishableWorld> {
  const channel = opts.channel ?? (await createSalesChannel(app))
  const node = opts.node ?? (await createFulfilmentNode(app, { cutoffTime: '23:59' }))
  const sku = await createSellableSku(app)
  if (opts.abcClass) await app.app.db.prisma.sku.update({ where: { code: sku }, data: { abcClass: opts.abcClass } })
  await skuExistedSince(app.app.db.prisma, sku, 200)
  if (opts.onHand > 0) await stockUp(app, sku, node, opts.onHand)
  const supplier = await createSupplier(app)
  await supplySku(app, supplier, sku, opts.terms)
  return { channel, node, sku, supplier }
}

export const SUGGESTION_FIELDS = /* GraphQL */ `
  id status suggestedQuantity needBy plannedAt
  sku { code } location { code } supplier { code }
  stockoutRisk { probability expectedShortageUnits horizonDays }
  explanation {
    dailyDemandMean dailyDemandStdDev demandWindowDays demandDaysObserved leadTimeMeanDays leadTimeStdDevDays leadTimeBasis leadTimeSamples
    abcClass serviceLevel z safetyStock reorderPoint orderUpTo reviewPeriodDays inventoryPosition onHand damaged qualityControl reserved
    incoming inTransit backordered moq packSize unroundedQuantity
  }
  purchaseOrder { id number status }
`

/** Runs a planning pass through the API (as PROCUREMENT) and returns its payload. */
export async function generateSuggestions(app: TestApp, locationCode?: string) {
  const res = await app.gql(
    `mutation ($input: GenerateReplenishmentSuggestionsInput) { generateReplenishmentSuggestions(input: $input) {
      run { planned due created updated expired risksOpened risksResolved } suggestions(first: 100) { ${SUGGESTION_FIELDS} } userErrors { code field message } } }`,
    { input: locationCode ? { locationCode } : {} },
    { role: 'PROCUREMENT' },
  )
  if (res.errors) throw new Error(`generateReplenishmentSuggestions errored: ${JSON.stringify(res.errors)}`)
  return res.data.generateReplenishmentSuggestions as { run: any; suggestions: any[]; userErrors: any[] }
}
