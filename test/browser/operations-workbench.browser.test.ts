// The Operations workbench in a real browser (launched through find-browser) against the production build of apps/web
// and the API in-process: approve an adjustment from the approvals inbox, see the four-eyes refusal the API answers,
// move a fulfilment order to another node from its row, release a node now - and check each result through the API.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { launchBrowser } from '../../apps/web/scripts/find-browser.mts'
import { useTestApp } from '../helpers/test-app.ts'
import { startWebServer, type WebServer } from '../helpers/web-server.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { stockUp } from '../helpers/factories/stock.ts'
import { createAllocatedOrder } from '../helpers/factories/orders.ts'
import { createBins } from '../helpers/factories/warehouse.ts'

const SCREENSHOTS = path.resolve('test-results/screenshots')
const t = useTestApp({ demoSignIn: true })
// Who the dashboard's one-click Admin sign-in is (apps/api/src/http/demo-sign-in.ts).
const DEMO_ADMIN = 'demo-admin@ops-hub.local'

let web: WebServer
let context: BrowserContext
let page: Page
const pageErrors: string[] = []
let world: {
  il: string; nv: string; sku: string; scarce: string; order: { number: string }; scarceOrder: { number: string }; adjustmentId: string; ownAdjustmentId: string
  bundle: string; bundleOrder: { number: string }
}

async function requestAdjustment(sku: string, node: string, quantityDelta: number, sub: string) {
  const res = await t().gql(
    `mutation ($input: AdjustInventoryInput!) { adjustInventory(input: $input) { adjustment { id status } userErrors { code message } } }`,
    { input: { sku, locationCode: node, quantityDelta, reason: 'FOUND', note: 'Found behind the racking' } },
    { role: 'OPERATIONS', sub },
  )
  expect(res.data.adjustInventory.adjustment.status).toBe('PENDING_APPROVAL')
  return res.data.adjustInventory.adjustment.id as string
}

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  const channel = await createSalesChannel(t())
  const il = await createFulfilmentNode(t(), { cutoffTime: '23:59', region: 'IL', postalCode: '62701', dailyPickCapacity: 40 })
  const nv = await createFulfilmentNode(t(), { cutoffTime: '23:59', region: 'NV', postalCode: '89101', dailyPickCapacity: 25 })
  const sku = await createSellableSku(t())
  const scarce = await createSellableSku(t())
  await stockUp(t(), sku, il, 20)
  await stockUp(t(), sku, nv, 20)
  await stockUp(t(), scarce, il, 5)
  await createBins(t(), il, [{ code: 'IL-A1', sequence: 1, stock: { [sku]: 20, [scarce]: 5 } }])
  await createBins(t(), nv, [{ code: 'NV-A1', sequence: 1, stock: { [sku]: 20 } }])
  const order = await createAllocatedOrder(t(), channel, [{ sku, quantity: 3 }])
  const scarceOrder = await createAllocatedOrder(t(), channel, [{ sku: scarce, quantity: 2 }])
  await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }])
  // Over the quantity threshold (100): both wait for a second person.
  const adjustmentId = await requestAdjustment(sku, il, 150, 'clerk@example.com')
  const ownAdjustmentId = await requestAdjustment(sku, nv, 120, DEMO_ADMIN)
  await t().gql(`mutation ($input: RequestTransferInput!) { requestTransfer(input: $input) { userErrors { code } } }`, { input: { fromLocationCode: il, toLocationCode: nv, lines: [{ sku, quantity: 4 }] } }, { role: 'OPERATIONS' })
  // A bundle of 2 x sku + 1 x scarce, ordered once (for the customer-service page).
  const bundle = await createSellableSku(t())
  const set = await t().gql(
    `mutation ($input: SetBundleComponentsInput!) { setBundleComponents(input: $input) { userErrors { code message } } }`,
    { input: { sku: bundle, components: [{ sku, quantity: 2 }, { sku: scarce, quantity: 1 }] } },
    { role: 'OPERATIONS' },
  )
  expect(set.data.setBundleComponents.userErrors).toEqual([])
  const bundleOrder = await createAllocatedOrder(t(), channel, [{ sku: bundle, quantity: 1, unitPrice: '39.00' }])
  world = { il, nv, sku, scarce, order, scarceOrder, adjustmentId, ownAdjustmentId, bundle, bundleOrder }

  web = await startWebServer({ apiUrl: `${t().url}/graphql` })
  context = await launchBrowser({ viewport: { width: 1440, height: 900 } })
  page = context.pages()[0] ?? (await context.newPage())
  page.setDefaultTimeout(20_000)
  page.on('pageerror', (err) => pageErrors.push(err.message))
}, 300_000)

afterAll(async () => {
  await context?.close()
  await web?.stop()
})

async function fulfillmentOf(number: string) {
  return t().app.db.prisma.fulfillmentOrder.findFirstOrThrow({ where: { order: { number } }, include: { location: true } })
}

describe('operations workbench in Chromium', () => {
  it('approves an adjustment from the inbox, shows the four-eyes refusal the API answers, and the API agrees', async () => {
    await page.goto(`${web.url}/sign-in`)
    await page.locator('button[data-role]', { hasText: 'Admin' }).first().click()
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'))
    await page.goto(`${web.url}/operations`)
    const inbox = page.locator('[data-table="approvals-inbox"]')
    await inbox.locator(`[data-decision="adjustment:${world.adjustmentId}"]`).waitFor()
    await expect(inbox.locator('tbody tr').count()).resolves.toBe(3)
    await page.locator('[data-panel="approvals-inbox"]').screenshot({ path: path.join(SCREENSHOTS, 'operations-approvals-inbox.png') })

    // The admin requested this one: the API refuses, and the row says so.
    const own = inbox.locator(`[data-decision="adjustment:${world.ownAdjustmentId}"]`)
    await own.getByRole('button', { name: 'Approve' }).click()
    await own.locator('[data-refusal="SELF_APPROVAL"]').waitFor()
    await expect(own.locator('[data-refusal]').textContent()).resolves.toContain('cannot decide it')

    const other = inbox.locator(`[data-decision="adjustment:${world.adjustmentId}"]`)
    await other.getByPlaceholder('Note (optional)').fill('Checked the racking photo')
    await other.getByRole('button', { name: 'Approve' }).click()
    await page.locator('[data-decision-done]').waitFor()
    await expect(page.locator('[data-decision-done]').textContent()).resolves.toBe(`Approved: adjustment +150 x ${world.sku} at ${world.il}`)
    await inbox.locator(`[data-decision="adjustment:${world.adjustmentId}"]`).waitFor({ state: 'detached' })

    const res = await t().gql(`query ($id: ID!) { node(id: $id) { ... on Adjustment { status decidedBy decisionNote stockPosition { onHand } } } }`, { id: world.adjustmentId })
    expect(res.data.node).toEqual({ status: 'APPLIED', decidedBy: DEMO_ADMIN, decisionNote: 'Checked the racking photo', stockPosition: { onHand: 170 } })
    const stillPending = await t().gql(`query ($id: ID!) { node(id: $id) { ... on Adjustment { status } } }`, { id: world.ownAdjustmentId })
    expect(stillPending.data.node.status).toBe('PENDING_APPROVAL')
  })

  it('moves a fulfilment order to another node from its row, refuses a node without stock inline, and releases the node now', async () => {
    const fo = await fulfillmentOf(world.order.number)
    expect(fo.location.code).toBe(world.il)
    const ilCard = page.locator(`[data-node="${world.il}"]`)
    const row = ilCard.locator(`[data-move="${fo.number}"]`)
    await row.waitFor()
    await page.setViewportSize({ width: 1280, height: 900 })
    await page.locator('[data-panel="node-workbench"]').screenshot({ path: path.join(SCREENSHOTS, 'operations-node-workbench-1280.png') })

    // The scarce SKU is stocked only at IL: NV cannot take it, and nothing moves.
    const scarceFo = await fulfillmentOf(world.scarceOrder.number)
    const scarceRow = ilCard.locator(`[data-move="${scarceFo.number}"]`)
    await scarceRow.locator('select').selectOption(world.nv)
    await scarceRow.getByRole('button', { name: 'Move' }).click()
    await scarceRow.locator('[data-refusal="INSUFFICIENT_STOCK"]').waitFor()
    expect((await fulfillmentOf(world.scarceOrder.number)).location.code).toBe(world.il)

    await row.locator('select').selectOption(world.nv)
    await row.getByRole('button', { name: 'Move' }).click()
    const nvCard = page.locator(`[data-node="${world.nv}"]`)
    await nvCard.locator(`[data-move="${fo.number}"]`).waitFor()
    await ilCard.locator(`[data-move="${fo.number}"]`).waitFor({ state: 'detached' })

    const moved = await fulfillmentOf(world.order.number)
    expect(moved.location.code).toBe(world.nv)
    const positions = await t().gql(
      `query ($sku: String!, $il: String!, $nv: String!) { il: stockPosition(sku: $sku, locationCode: $il) { reserved } nv: stockPosition(sku: $sku, locationCode: $nv) { reserved } }`,
      { sku: world.sku, il: world.il, nv: world.nv },
    )
    // IL keeps the other order's 1 unit and the bundle's 2.
    expect(positions.data).toEqual({ il: { reserved: 3 }, nv: { reserved: 3 } })

    await nvCard.getByRole('button', { name: 'Release now' }).click()
    await nvCard.locator('[data-node-outcome="good"]').waitFor()
    await expect(nvCard.locator('[data-node-outcome]').textContent()).resolves.toContain(`Released 1`)
    const released = await t().gql(`query ($n: String!) { order(number: $n) { status fulfillmentOrders { status location { code } } } }`, { n: world.order.number })
    expect(released.data.order).toEqual({ status: 'RELEASED', fulfillmentOrders: [{ status: 'RELEASED', location: { code: world.nv } }] })
    // Capacity used today is the API's own figure (the node's local calendar day: on a weekend the release counts
    // against Monday, so today's stays as it was).
    const backlog = await t().gql(`query ($nv: String!) { pickBacklog(locationCode: $nv) { locations { releasedToday } } }`, { nv: world.nv })
    const releasedToday = String(backlog.data.pickBacklog.locations[0].releasedToday)
    await expect.poll(async () => nvCard.locator(`[data-capacity-used]`).getAttribute('data-capacity-used'), { timeout: 10_000 }).toBe(releasedToday)

    await page.waitForLoadState('networkidle')
    await page.screenshot({ path: path.join(SCREENSHOTS, 'operations-workbench-1280.png'), fullPage: true })
    await page.setViewportSize({ width: 1920, height: 1080 })
    await page.screenshot({ path: path.join(SCREENSHOTS, 'operations-workbench-1920.png'), fullPage: true })
    expect(pageErrors).toEqual([])
  })

  it('the customer-service order page shows the bundle line with its components under it', async () => {
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.goto(`${web.url}/customer-service`)
    await page.getByLabel('Order number').fill(world.bundleOrder.number)
    await page.getByRole('button', { name: 'Look up' }).click()
    const lines = page.locator(`[data-order="${world.bundleOrder.number}"] [data-table="order-lines"] tbody tr`)
    await lines.first().waitFor()
    const rows = await lines.allTextContents()
    expect(rows).toHaveLength(3)
    expect(rows[0]).toContain(world.bundle)
    expect(rows[0]).toContain('Bundle')
    expect(rows[0]).toContain('$39.00 each')
    expect(rows[1]).toContain(`↳ ${world.sku} 2 per bundle`)
    expect(rows[2]).toContain(`↳ ${world.scarce} 1 per bundle`)
    await expect(page.locator('[data-component-of="1"]').count()).resolves.toBe(2)
    // The bundle line's own numbers are whole bundles derived from its components: 1 allocated of 1.
    const api = await t().gql(`query ($n: String!) { order(number: $n) { lines { isBundle allocatedQuantity } } }`, { n: world.bundleOrder.number })
    expect(api.data.order.lines[0]).toEqual({ isBundle: true, allocatedQuantity: 1 })
    await page.locator(`[data-order="${world.bundleOrder.number}"]`).screenshot({ path: path.join(SCREENSHOTS, 'customer-service-bundle-order.png') })
    expect(pageErrors).toEqual([])
  })
})
