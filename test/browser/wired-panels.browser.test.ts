// The panels wired after the parallel merges, in Chromium on the demo scenario (real orders, stock, suppliers and
// history): the Executive view's orders at risk of missing ship-by, SLA at risk per node, top stockout risks and
// supplier scorecards show the API's rows and explain their numbers; the Operations workbench shows each node's
// automation and capacity today, shows a refused setting as the API words it, and a saved one reaches the database.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { refreshConfidence } from '@ops-hub/domain'
import { launchBrowser } from '../../apps/web/scripts/find-browser.mts'
import { seedDemo } from '../../prisma/seed/seed-demo.ts'
import { useTestApp } from '../helpers/test-app.ts'
import { startWebServer, type WebServer } from '../helpers/web-server.ts'
import { NODE_SLA_RISK_QUERY, ORDERS_AT_RISK_QUERY, STOCKOUT_RISKS_QUERY, SUPPLIER_SCORECARDS_QUERY } from '../../apps/web/features/executive/executive.graphql.ts'
import { NODE_AUTOMATION_QUERY } from '../../apps/web/features/operations/workbench.graphql.ts'

const SCREENSHOTS = path.resolve('test-results/screenshots/wired')
const t = useTestApp({ demoSignIn: true })

let web: WebServer
let context: BrowserContext
let page: Page
const pageErrors: string[] = []

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  await seedDemo(t().app.db, { seed: 7, scale: 0.05 })
  await t().app.db.prisma.$transaction((tx) => refreshConfidence(tx, { all: true }), { timeout: 60_000 })
  // The demo's orders are placed relative to the wall clock, and at some hours (06:00 in Chicago, before MAIN's day)
  // none reaches the SHIP_BY_RISK threshold; one order already past its ship-by (probability 1) gives the per-node
  // count something to count at any hour.
  const late = await t().app.db.prisma.fulfillmentOrder.findFirstOrThrow({
    where: { status: { in: ['OPEN', 'RELEASED'] }, order: { status: { in: ['ALLOCATED', 'RELEASED', 'IN_FULFILLMENT'] } } },
    orderBy: { id: 'asc' },
    select: { orderId: true },
  })
  await t().app.db.prisma.order.update({ where: { id: late.orderId }, data: { shipBy: new Date(Date.now() - 3_600_000) } })
  web = await startWebServer({ apiUrl: `${t().url}/graphql` })
  context = await launchBrowser({ viewport: { width: 1440, height: 900 } })
  page = context.pages()[0] ?? (await context.newPage())
  page.setDefaultTimeout(30_000)
  page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`))
}, 300_000)

afterAll(async () => {
  await context?.close()
  await web?.stop()
})

async function signInAs(role: string) {
  await page.goto(`${web.url}/sign-in`)
  await page.evaluate(() => window.localStorage.clear())
  await page.goto(`${web.url}/sign-in`)
  await page.locator(`button[data-role="${role}"]`).first().click()
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'))
}

const rowsOf = (table: string) => page.locator(`[data-table="${table}"] tbody tr`)

/** Tables wider than the box that holds them (a person would have to scroll sideways to read them), and the page wider than the window. */
async function overflows(): Promise<string[]> {
  return page.evaluate(() => {
    const found = Array.from(document.querySelectorAll('table'))
      .filter((t) => Math.ceil(t.getBoundingClientRect().width) > Math.floor(t.parentElement!.clientWidth) + 1)
      .map((t) => t.getAttribute('data-table') ?? '?')
    if (document.documentElement.scrollWidth > window.innerWidth + 1) found.push('the page')
    return found
  })
}

describe('Executive view on the demo scenario', () => {
  it('ranks the orders most likely to miss their ship-by, with the history and inputs behind each probability', async () => {
    await signInAs('EXECUTIVE')
    await page.goto(`${web.url}/executive`)
    const api = await t().gql(ORDERS_AT_RISK_QUERY, {}, { role: 'EXECUTIVE' })
    expect(api.errors).toBeUndefined()
    const ranked = api.data.ordersAtRisk.nodes as Array<{ number: string; slaRisk: { probability: number | null } }>
    // The top ten, or every open order when fewer are open (a weekday evening after both cut-offs leaves about five).
    expect(ranked.length).toBe(Math.min(10, api.data.ordersAtRisk.totalCount))
    expect(ranked.length).toBeGreaterThan(0)
    await expect.poll(() => rowsOf('orders-at-risk').count(), { timeout: 30_000 }).toBe(ranked.length)
    const shown = await rowsOf('orders-at-risk').locator('td:first-child strong').allTextContents()
    expect(new Set(shown)).toEqual(new Set(ranked.map((o) => o.number)))
    // Each probability says how it came about; each row folds its inputs under "How".
    const first = rowsOf('orders-at-risk').first()
    await expect(first.locator('[data-probability]').getAttribute('title')).resolves.toMatch(/=|P = 1/)
    await first.locator('summary', { hasText: 'How' }).click()
    await expect(first.locator('details').textContent()).resolves.toMatch(/(History cell|ship-by has passed|No settled history).*backlogAhead/s)
  })

  it('counts, per node, the open orders at or above the SHIP_BY_RISK threshold', async () => {
    const risk = (await t().gql(ORDERS_AT_RISK_QUERY, {}, { role: 'EXECUTIVE' })).data.ordersAtRisk.nodes[0].slaRisk
    const cells = page.locator('[data-table="node-risk"] [data-sla-at-risk]')
    await expect.poll(() => cells.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2)
    const nodes = await page.locator('[data-table="node-risk"] tbody tr td:first-child strong').allTextContents()
    expect(await cells.count()).toBe(nodes.length)
    let total = 0
    for (const [i, code] of nodes.entries()) {
      const api = await t().gql(NODE_SLA_RISK_QUERY, { locationCode: code, minProbability: risk.threshold }, { role: 'EXECUTIVE' })
      const n = api.data.ordersAtRisk.totalCount as number
      total += n
      expect({ code, shown: Number(await cells.nth(i).getAttribute('data-sla-at-risk')) }).toEqual({ code, shown: n })
    }
    expect(total).toBeGreaterThan(0)
  })

  it('ranks the positions most likely to run out, with shortage, cover and every input of the formula', async () => {
    const api = await t().gql(STOCKOUT_RISKS_QUERY, {}, { role: 'EXECUTIVE' })
    expect(api.errors).toBeUndefined()
    const top = api.data.stockoutRisks.nodes as Array<{ sku: string; locationCode: string; probability: number }>
    expect(top.length).toBeGreaterThan(0)
    await expect.poll(() => rowsOf('stockout-risks').count(), { timeout: 30_000 }).toBe(top.length)
    const first = rowsOf('stockout-risks').first()
    await expect(first.locator('td:first-child').textContent()).resolves.toContain(`${top[0].sku} at ${top[0].locationCode}`)
    await expect(first.locator('[data-probability]').getAttribute('data-probability')).resolves.toBe(String(top[0].probability))
    await first.locator('summary', { hasText: 'How' }).click()
    await expect(first.locator('details').textContent()).resolves.toMatch(/onHand.*IP.*μ_LTD.*σ_LTD.*ROP/s)
  })

  it('joins each supplier with open purchase orders to its scorecard and lead time', async () => {
    const api = await t().gql(SUPPLIER_SCORECARDS_QUERY, {}, { role: 'EXECUTIVE' })
    expect(api.errors).toBeUndefined()
    const cards = new Map((api.data.suppliers.nodes as Array<{ code: string; leadTime: { basis: string } }>).map((s) => [s.code, s]))
    await expect.poll(() => page.locator('[data-table="supplier-risk"] [data-scorecard]').count(), { timeout: 30_000 }).toBeGreaterThan(0)
    const rows = rowsOf('supplier-risk')
    for (let i = 0; i < (await rows.count()); i++) {
      const code = (await rows.nth(i).locator('td:first-child strong').textContent())!
      const card = cards.get(code)!
      expect(card, code).toBeTruthy()
      await expect(rows.nth(i).locator('[data-lead-time]').getAttribute('data-lead-time')).resolves.toBe(card.leadTime.basis)
      await expect(rows.nth(i).locator(`[data-scorecard="${code}"]`).getAttribute('title')).resolves.toMatch(/PO lines due/)
    }
    // With the first row of each risk table unfolded ("How"), every table still fits its panel.
    await expect(page.locator('details[open]').count()).resolves.toBe(2)
    for (const width of [1280, 1440, 1920]) {
      await page.setViewportSize({ width, height: 900 })
      expect({ width, overflows: await overflows() }).toEqual({ width, overflows: [] })
      await page.screenshot({ path: path.join(SCREENSHOTS, `executive-${width}.png`), fullPage: true })
    }
    await page.setViewportSize({ width: 1440, height: 900 })
    expect(pageErrors).toEqual([])
  })
})

describe('Operations workbench: node automation on the demo scenario', () => {
  it('shows each node\'s automation and capacity today, and an executive reads it without the form', async () => {
    await page.goto(`${web.url}/operations`)
    const main = page.locator('[data-automation="MAIN"]')
    await main.waitFor()
    // The demo scenario runs MAIN by itself: released every 30 minutes, waved at 25 orders or hourly.
    await expect(main.locator('[data-automation-release]').textContent()).resolves.toContain('every 30 min')
    await expect(main.locator('[data-automation-wave]').textContent()).resolves.toContain('at 25 waiting or every 60 min')
    const api = await t().gql(NODE_AUTOMATION_QUERY, { locationCode: 'MAIN' }, { role: 'EXECUTIVE' })
    const day = api.data.location.capacityToday
    const shown = main.locator('[data-capacity-day]')
    await expect(shown.getAttribute('data-release-capacity')).resolves.toBe(String(day.releaseCapacity))
    await expect(shown.getAttribute('data-released')).resolves.toBe(String(day.released))
    // The part of what is left that only work due that day may take (orders.releaseReserve), while it is in force.
    const kept = Math.min(day.reservedForDueWork, day.releasableLeft)
    const keptShown = main.locator('[data-reserved-for-due-work]')
    await expect(keptShown.count()).resolves.toBe(kept > 0 ? 1 : 0)
    if (kept > 0) await expect(keptShown.getAttribute('data-reserved-for-due-work')).resolves.toBe(String(kept))
    await expect(main.locator('[data-action="configure-automation"]').count()).resolves.toBe(0)
  })

  it('configures a node from the browser: a refused value shows the API\'s userError, a saved one changes Location.automation', async () => {
    await signInAs('OPERATIONS')
    await page.goto(`${web.url}/operations`)
    const main = page.locator('[data-automation="MAIN"]')
    await main.locator('[data-action="configure-automation"]').click()
    const form = page.locator('[data-automation-form="MAIN"]')
    await form.locator('input[name="releaseEveryMinutes"]').fill('2000')
    await form.locator('[data-action="save-automation"]').click()
    await form.locator('[data-refusal="INVALID_INPUT"]').waitFor()
    await expect(form.locator('[data-refusal]').textContent()).resolves.toMatch(/releaseEveryMinutes.*1440/)
    await page.setViewportSize({ width: 1280, height: 900 })
    expect(await overflows()).toEqual([])
    await page.locator('[data-node="MAIN"]').screenshot({ path: path.join(SCREENSHOTS, 'operations-automation-refused-1280.png') })
    await page.setViewportSize({ width: 1440, height: 900 })
    // Nothing was written.
    const before = await t().gql(NODE_AUTOMATION_QUERY, { locationCode: 'MAIN' }, { role: 'OPERATIONS' })
    expect(before.data.location.automation.releaseEveryMinutes).toBe(30)

    await form.locator('input[name="releaseEveryMinutes"]').fill('15')
    await form.locator('input[name="waveAtOrders"]').fill('7')
    await form.locator('input[name="waveEveryMinutes"]').fill('')
    await form.locator('input[name="maxLinesPerWave"]').fill('120')
    await form.locator('[data-action="save-automation"]').click()
    await form.waitFor({ state: 'detached' })
    await expect.poll(() => main.locator('[data-automation-release]').textContent()).toContain('every 15 min')
    await expect(main.locator('[data-automation-wave]').textContent()).resolves.toContain('at 7 waiting, ≤ 120 lines')

    const after = await t().gql(NODE_AUTOMATION_QUERY, { locationCode: 'MAIN' }, { role: 'OPERATIONS' })
    expect(after.data.location.automation).toMatchObject({ autoRelease: true, releaseEveryMinutes: 15, autoWave: true, waveAtOrders: 7, waveEveryMinutes: null, maxLinesPerWave: 120 })
    const row = await t().app.db.prisma.nodeAutomation.findFirstOrThrow({ where: { location: { code: 'MAIN' } } })
    expect(row).toMatchObject({ releaseEveryMinutes: 15, waveAtOrders: 7, waveEveryMinutes: null, maxLinesPerWave: 120, updatedBy: 'demo-operations@ops-hub.local' })
    await page.locator('[data-node="MAIN"]').screenshot({ path: path.join(SCREENSHOTS, 'operations-automation-saved.png') })
    await page.screenshot({ path: path.join(SCREENSHOTS, 'operations-1440.png'), fullPage: true })
    expect(pageErrors).toEqual([])
  })
})
