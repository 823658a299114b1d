// The live views in a real browser (the browser findBrowser picks, through playwright-core) against the production build
// of apps/web and the API built in-process on the embedded database, seeded with the demo scenario (scaled down).
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { launchBrowser } from '../../apps/web/scripts/find-browser.mts'
import { refreshConfidence } from '@ops-hub/domain'
import { seedDemo } from '../../prisma/seed/seed-demo.ts'
import { useTestApp } from '../helpers/test-app.ts'
import { startWebServer, type WebServer } from '../helpers/web-server.ts'
import { uniqueCode } from '../helpers/unique.ts'

const SCREENSHOTS = path.resolve('test-results/screenshots')
const t = useTestApp({ demoSignIn: true })

let web: WebServer
let context: BrowserContext
let page: Page

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  await seedDemo(t().app.db, { seed: 11, scale: 0.05 })
  // What the running hub's confidence job does on start (tests run without jobs).
  await t().app.db.prisma.$transaction((tx) => refreshConfidence(tx, { all: true }), { timeout: 60_000 })
  web = await startWebServer({ apiUrl: `${t().url}/graphql` })
  context = await launchBrowser({ viewport: { width: 1440, height: 900 } })
  page = context.pages()[0] ?? (await context.newPage())
  page.setDefaultTimeout(20_000)
}, 300_000)

afterAll(async () => {
  await context?.close()
  await web?.stop()
})

async function demoSignIn(button: string, slug: string) {
  await page.goto(`${web.url}/sign-in`)
  await page.locator('button[data-role]', { hasText: button }).first().click()
  await page.waitForURL((u) => u.pathname === `/${slug}`)
}

async function signOut() {
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL(/\/sign-in/)
}

async function shownValue(metric: string): Promise<number> {
  const value = page.locator(`[data-metric="${metric}"] [data-value]`)
  await value.waitFor()
  return Number(await value.getAttribute('data-value'))
}

/** An order a storefront would send, for a SKU that has stock to promise. */
async function placeDemoOrder() {
  const prisma = t().app.db.prisma
  const channel = await prisma.channel.findFirstOrThrow({ where: { kind: 'STOREFRONT', active: true } })
  const position = await prisma.stockPosition.findFirstOrThrow({
    where: { onHand: { gt: 50 }, reserved: 0, confidence: { gt: 0.9 }, location: { isFulfillmentNode: true, active: true }, sku: { isBundle: false, active: true } },
    include: { sku: true },
  })
  const res = await t().gql(
    `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { order { number status } userErrors { code message } } }`,
    {
      input: {
        channelCode: channel.code,
        externalId: uniqueCode('WEB'),
        customer: { email: 'live.browser@example.com', name: 'Live Browser' },
        shipTo: { name: 'Live Browser', line1: '500 Market Street', city: 'San Francisco', region: 'CA', postalCode: '94105', country: 'US' },
        payment: { status: 'AUTHORIZED', fraudScore: 0.01 },
        lines: [{ sku: position.sku.code, quantity: 1, unitPrice: '19.99' }],
      },
    },
    { role: 'ADMIN' },
  )
  expect(res.errors ?? res.data.placeOrder.userErrors).toEqual([])
  return res.data.placeOrder.order as { number: string; status: string }
}

describe('live views in Chromium', () => {
  it('Operations: the aging chart renders demo data and the open-order total moves without reload when an order is placed', async () => {
    await demoSignIn('Operations', 'operations')
    const chart = page.locator('[data-chart="order-aging"]')
    await chart.waitFor()
    expect(Number(await chart.getAttribute('data-total'))).toBeGreaterThan(0)
    await page.locator('[data-chart="order-aging"] .recharts-bar-rectangle').first().waitFor()
    await page.locator('[data-live-status="live"]').waitFor()
    await page.locator('[data-table="low-confidence"] tbody tr').first().waitFor()
    await page.waitForLoadState('networkidle')
    await page.screenshot({ path: path.join(SCREENSHOTS, 'operations-live.png'), fullPage: true })

    const before = await shownValue('open-orders')
    const asOfBefore = await page.locator('[data-as-of]').getAttribute('data-as-of')
    let navigations = 0
    page.on('framenavigated', () => navigations++)
    await placeDemoOrder()
    await page.waitForFunction(
      (expected) => Number(document.querySelector('[data-metric="open-orders"] [data-value]')?.getAttribute('data-value')) === expected,
      before + 1,
      { timeout: 5000 },
    )
    expect(navigations).toBe(0)
    expect(await page.locator('[data-as-of]').getAttribute('data-as-of')).not.toBe(asOfBefore)
    await page.screenshot({ path: path.join(SCREENSHOTS, 'operations-after-order.png'), fullPage: false })
    await signOut()
  })

  it('Operations: assigns an exception to oneself and resolves one from the queue', async () => {
    await demoSignIn('Operations', 'operations')
    const firstRow = page.locator('[data-table="exception-queue"] tbody tr').first()
    await firstRow.waitFor()
    await firstRow.getByRole('button', { name: 'Assign to me' }).click()
    await page.locator('[data-table="exception-queue"] [data-assignee="demo-operations@ops-hub.local"]').first().waitFor()
    const assigned = await t().app.db.prisma.exception.count({ where: { assignedTo: 'demo-operations@ops-hub.local' } })
    expect(assigned).toBe(1)

    const count = () => page.locator('[data-queue-count]').getAttribute('data-queue-count').then(Number)
    const before = await count()
    const row = page.locator('[data-table="exception-queue"] tbody tr').first()
    await row.getByRole('button', { name: 'Resolve…' }).click()
    await row.getByLabel('Resolution').fill('Checked with the floor: stock is where the book says')
    await row.getByRole('button', { name: 'Resolve', exact: true }).click()
    await page.waitForFunction((n) => Number(document.querySelector('[data-queue-count]')?.getAttribute('data-queue-count')) === n - 1, before)
    expect(await t().app.db.prisma.exception.count({ where: { resolution: { startsWith: 'Checked with the floor' }, status: 'RESOLVED' } })).toBe(1)
    await page.screenshot({ path: path.join(SCREENSHOTS, 'operations-exception-resolved.png') })
    await signOut()
  })

  it('Customer service: finds a demo order by number and by e-mail, shows its timeline, and follows it live', async () => {
    const prisma = t().app.db.prisma
    const shipped = await prisma.order.findFirstOrThrow({ where: { status: { in: ['SHIPPED', 'DELIVERED'] } }, orderBy: { placedAt: 'desc' } })
    await demoSignIn('Customer service', 'customer-service')

    await page.getByLabel('Order number').fill(shipped.number)
    await page.getByRole('button', { name: 'Look up' }).click()
    const orderPage = page.locator(`[data-order="${shipped.number}"]`)
    await orderPage.waitFor()
    await expect(orderPage.textContent()).resolves.toContain(shipped.customerName)
    expect(Number(await page.locator('[data-timeline-count]').getAttribute('data-timeline-count'))).toBeGreaterThan(1)
    await page.waitForLoadState('networkidle')
    await page.screenshot({ path: path.join(SCREENSHOTS, 'customer-service-order.png'), fullPage: true })

    await page.getByLabel('Order number').fill(shipped.customerEmail)
    await page.getByRole('button', { name: 'Look up' }).click()
    await page.locator('[data-lookup-count]').waitFor()
    expect(Number(await page.locator('[data-lookup-count]').getAttribute('data-lookup-count'))).toBeGreaterThanOrEqual(1)
    await page.locator(`[data-open-order="${shipped.number}"]`).click()
    await orderPage.waitFor()
    await page.screenshot({ path: path.join(SCREENSHOTS, 'customer-service-email.png'), fullPage: true })

    // An order that moves while customer service has it open.
    const placed = await placeDemoOrder()
    await page.getByLabel('Order number').fill(placed.number)
    await page.getByRole('button', { name: 'Look up' }).click()
    await page.locator(`[data-order="${placed.number}"][data-status="${placed.status}"]`).waitFor()
    await page.locator('[data-live-status="live"]').waitFor()
    const found = await t().gql(`query ($n: String!) { order(number: $n) { id } }`, { n: placed.number }, { role: 'CUSTOMER_SERVICE' })
    const cancel = await t().gql(
      `mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { order { status } userErrors { code message } } }`,
      { input: { orderId: found.data.order.id, reason: 'Customer changed their mind' } },
      { role: 'CUSTOMER_SERVICE' },
    )
    expect(cancel.errors ?? cancel.data.cancelOrder.userErrors).toEqual([])
    await page.locator(`[data-order="${placed.number}"][data-status="CANCELLED"]`).waitFor({ timeout: 5000 })
    await expect(page.locator(`[data-order="${placed.number}"]`).textContent()).resolves.toContain('Customer changed their mind')
    await page.locator(`[data-order="${placed.number}"]`).screenshot({ path: path.join(SCREENSHOTS, 'customer-service-live-cancel.png') })
    await signOut()
  })
})
