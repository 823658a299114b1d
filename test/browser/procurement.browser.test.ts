// The Procurement view in a real browser (through launchBrowser) against the production build of apps/web and the API
// in-process on the embedded database, seeded with the demo scenario (scaled down) and planned once, as the hub does
// after seeding.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { launchBrowser } from '../../apps/web/scripts/find-browser.mts'
import { inTransaction, planReplenishment, refreshConfidence } from '@ops-hub/domain'
import { seedDemo } from '../../prisma/seed/seed-demo.ts'
import { useTestApp } from '../helpers/test-app.ts'
import { startWebServer, type WebServer } from '../helpers/web-server.ts'

const SCREENSHOTS = path.resolve('test-results/screenshots')
const t = useTestApp({ demoSignIn: true })

let web: WebServer
let context: BrowserContext
let page: Page

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  await seedDemo(t().app.db, { seed: 42, scale: 0.1 })
  await t().app.db.prisma.$transaction((tx) => refreshConfidence(tx, { all: true }), { timeout: 60_000 })
  await inTransaction(t().app.db.prisma, (tx) => planReplenishment(tx, {}, { id: 'system:replenishment', role: 'ADMIN' }), { timeoutMs: 120_000 })
  web = await startWebServer({ apiUrl: `${t().url}/graphql` })
  context = await launchBrowser({ viewport: { width: 1440, height: 900 } })
  page = context.pages()[0] ?? (await context.newPage())
  page.setDefaultTimeout(20_000)
}, 300_000)

afterAll(async () => {
  await context?.close()
  await web?.stop()
})

describe('Procurement view in Chromium', () => {
  it('ranks suggestions by stockout risk, explains one by its formula, and approves it into a draft PO that appears among open orders', { timeout: 120_000 }, async () => {
    const prisma = t().app.db.prisma
    const open = await prisma.reorderSuggestion.findMany({ where: { status: 'OPEN' }, orderBy: [{ stockoutProbability: 'desc' }, { expectedShortageUnits: 'desc' }, { id: 'asc' }] })
    expect(open.length).toBeGreaterThan(1)

    await page.goto(`${web.url}/sign-in`)
    await page.locator('button[data-role]', { hasText: 'Procurement' }).first().click()
    await page.waitForURL((u) => u.pathname === '/procurement')
    const rows = page.locator('[data-table="replenishment-suggestions"] tbody tr[data-suggestion]')
    await rows.first().waitFor()
    expect(await rows.count()).toBe(Math.min(open.length, 40))
    // Most at risk first, as the API ranks them.
    const shown = await page.locator('[data-table="replenishment-suggestions"] [data-probability]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-probability'))))
    expect(shown).toEqual([...shown].sort((a, b) => b - a))

    const top = open[0]
    const sku = await prisma.sku.findUniqueOrThrow({ where: { id: top.skuId } })
    const row = page.locator(`tr[data-sku="${sku.code}"]`).first()
    await row.getByRole('button', { name: 'Formula' }).click()
    const formula = page.locator('[data-formula]').first()
    await formula.waitFor()
    await expect(formula.textContent()).resolves.toContain('ROP = d·L + safety stock')
    expect(Number(await formula.locator('[data-quantity]').textContent())).toBe(top.suggestedQuantity)
    expect(Number(await formula.locator(`[data-exact="${top.reorderPoint}"]`).first().getAttribute('data-exact'))).toBe(top.reorderPoint)
    await page.screenshot({ path: path.join(SCREENSHOTS, 'procurement-formula.png'), fullPage: true })

    await row.getByRole('checkbox').check()
    await page.locator('[data-action="approve-suggestions"]').click()
    const message = page.locator('[data-message="good"]')
    await message.waitFor()
    const converted = await prisma.reorderSuggestion.findUniqueOrThrow({ where: { id: top.id }, include: { purchaseOrder: { include: { lines: true } } } })
    expect(converted.status).toBe('CONVERTED')
    const po = converted.purchaseOrder!
    expect(po).toMatchObject({ status: 'DRAFT', locationId: top.locationId, supplierId: top.supplierId })
    expect(po.lines).toEqual([expect.objectContaining({ skuId: top.skuId, quantity: top.suggestedQuantity })])
    await expect(message.textContent()).resolves.toContain(po.number)
    // The new draft is listed with the open purchase orders, and the approved row has left the suggestions.
    const poRow = page.locator(`[data-table="open-purchase-orders"] tr:has([data-po="${po.number}"])`)
    await poRow.waitFor()
    await expect(poRow.textContent()).resolves.toContain('Draft')
    await page.locator(`tr[data-suggestion="${Buffer.from(`ReplenishmentSuggestion:${top.id}`).toString('base64')}"]`).waitFor({ state: 'detached' })

    // The live risk panel and the scorecards are there too.
    await page.locator('[data-panel="replenishment-risk"] [data-at-risk]').waitFor()
    await page.locator('[data-table="supplier-scorecards"] tbody tr').first().waitFor()
    await expect(page.locator('[data-table="supplier-scorecards"] tbody tr').count()).resolves.toBe(8)
    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 1000 })
      // Nothing clipped: no element, table cells included, reaches past the right edge of the window.
      const past = await page.evaluate(() => [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).map((e) => e.tagName))
      expect(past, `at ${width} px`).toEqual([])
      await page.screenshot({ path: path.join(SCREENSHOTS, `procurement-${width}.png`), fullPage: true })
    }
    await page.setViewportSize({ width: 1440, height: 900 })
  })
})
