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
 * directly as history, so stock positions are untouched; demand velocity reads exactly these lines.
 */
export async function recordDemandHistory(prisma: PrismaClient, channelCode: string, skuCode: string, lines: DemandLine[], now = Date.now()) {
  const channel = await prisma.channel.findUniqueOrThrow({ where: { code: channelCode } })
  for (const line of lines) {
    const sku = await prisma.sku.findUniqueOrThrow({ where: { code: line.skuCode ?? skuCode } })
    const location = line.locationCode ? await prisma.location.findUniqueOrThrow({ where: { code: line.locationCode } }) : null
    const backordered = line.backordered ?? 0
    const placedAt = new Date(now - line.daysAgo * DAY)
    await prisma.order.create({
      data: {
        channelId: channel.id,
        externalId: uniqueCode('HIST'),
        status: backordered > 0 ? (location ? 'PARTIALLY_ALLOCATED' : 'BACKORDERED') : 'SHIPPED',
        placedAt,
        customerEmail: 'history@example.com',
        customerName: 'History',
        shipToName: 'History',
        shipToLine1: '1 Past St',
        shipToCity: 'Springfield',
        shipToPostalCode: '62701',
        shipToCountry: 'US',
        paymentStatus: 'CAPTURED',
        lines: {
          create: [{
            lineNumber: 1,
            skuId: sku.id,
            quantity: line.quantity,
            unitPrice: 10,
            backorderedQuantity: backordered,
            shippedQuantity: backordered > 0 ? 0 : line.quantity,
            allocatedQuantity: 0,
            allocations: location && line.quantity - backordered > 0 ? { create: [{ locationId: location.id, quantity: line.quantity - backordered, status: backordered > 0 ? 'RESERVED' : 'SHIPPED' }] } : undefined,
          }],
        },
      },
    })
  }
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
