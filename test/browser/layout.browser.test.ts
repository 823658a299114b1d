// Every view at the widths people run the dashboard at (laptop 1280, desktop 1440, full HD 1920), on the demo
// scenario's data (real names, codes and amounts, not a tidy test world): no table wider than its panel, nothing
// wider than the window. A table that needs a scroll bar hides columns from a person reading the screen.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { refreshConfidence } from '@ops-hub/domain'
import { launchBrowser } from '../../apps/web/scripts/find-browser.mts'
import { seedDemo } from '../../prisma/seed/seed-demo.ts'
import { useTestApp } from '../helpers/test-app.ts'
import { createSucceededScenarioRun } from '../helpers/factories/scenario-runs.ts'
import { startWebServer, type WebServer } from '../helpers/web-server.ts'

const SCREENSHOTS = path.resolve('test-results/screenshots/layout')
const WIDTHS = [1280, 1440, 1920]
const VIEWS = ['executive', 'operations', 'procurement', 'finance', 'customer-service', 'scenario-lab']
const t = useTestApp({ demoSignIn: true })

let web: WebServer
let context: BrowserContext
let page: Page

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  await seedDemo(t().app.db, { seed: 7, scale: 0.05 })
  await t().app.db.prisma.$transaction((tx) => refreshConfidence(tx, { all: true }), { timeout: 60_000 })
  // The Scenario lab shows its newest run: a finished 30-day one, so its KPI table and charts are measured too.
  await createSucceededScenarioRun(t().app.db, 30)
  web = await startWebServer({ apiUrl: `${t().url}/graphql` })
  context = await launchBrowser({ viewport: { width: 1440, height: 900 } })
  page = context.pages()[0] ?? (await context.newPage())
  page.setDefaultTimeout(20_000)
  // ADMIN opens every view.
  await page.goto(`${web.url}/sign-in`)
  await page.locator('button[data-role="ADMIN"]').click()
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'))
}, 300_000)

afterAll(async () => {
  await context?.close()
  await web?.stop()
})

interface Overflow {
  what: string
  width: number
  room: number
}

/** Tables wider than the box that holds them, and the page wider than the window. */
function overflowsOnPage(): Overflow[] {
  const found: Overflow[] = []
  for (const table of Array.from(document.querySelectorAll('table'))) {
    const holder = table.parentElement!
    const width = Math.ceil(table.getBoundingClientRect().width)
    const room = Math.floor(holder.clientWidth)
    if (width > room + 1) {
      const panel = table.closest('[data-panel]')?.getAttribute('data-panel')
      found.push({ what: `table ${table.getAttribute('data-table') ?? '?'} in panel ${panel ?? '?'}`, width, room })
    }
  }
  const page = document.documentElement
  if (page.scrollWidth > window.innerWidth + 1) found.push({ what: 'the page', width: page.scrollWidth, room: window.innerWidth })
  return found
}

describe('dashboard layout in Chromium', () => {
  for (const width of WIDTHS) {
    it(`at ${width} px no view clips a table or overflows the window`, async () => {
      await page.setViewportSize({ width, height: 900 })
      const problems: string[] = []
      for (const view of VIEWS) {
        await page.goto(`${web.url}/${view}`)
        await page.locator(`[data-view="${view}"]`).waitFor()
        // Tables are filled once their queries answer.
        await page.waitForLoadState('networkidle')
        await expect.poll(() => page.locator('table td').count(), { timeout: 20_000 }).toBeGreaterThan(0)
        for (const o of await page.evaluate(overflowsOnPage)) problems.push(`${view}: ${o.what} is ${o.width} px wide in ${o.room} px`)
        await page.screenshot({ path: path.join(SCREENSHOTS, `${view}-${width}.png`), fullPage: true })
      }
      expect(problems).toEqual([])
    })
  }
})
