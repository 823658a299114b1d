// The Scenario lab in a real browser (through launchBrowser) against the production build of apps/web and the API
// in-process on the embedded database: an executive starts a short run from the form, watches its progress, and sees
// the finished run's two columns (hub and naive) with the better side highlighted, and its daily charts. The run is
// real: the API's runner spawns the simulator CLI.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { launchBrowser } from '../../apps/web/scripts/find-browser.mts'
import { useTestApp } from '../helpers/test-app.ts'
import { startWebServer, type WebServer } from '../helpers/web-server.ts'

const SCREENSHOTS = path.resolve('test-results/screenshots')
const t = useTestApp({ demoSignIn: true, scenarioRunner: true })

let web: WebServer
let context: BrowserContext
let page: Page

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  web = await startWebServer({ apiUrl: `${t().url}/graphql` })
  context = await launchBrowser({ viewport: { width: 1440, height: 900 } })
  page = context.pages()[0] ?? (await context.newPage())
  page.setDefaultTimeout(20_000)
}, 300_000)

afterAll(async () => {
  await context?.close()
  await web?.stop()
})

async function demoSignIn(button: string) {
  await page.goto(`${web.url}/sign-in`)
  await page.evaluate(() => window.localStorage.clear())
  await page.goto(`${web.url}/sign-in`)
  await page.locator('button[data-role]', { hasText: button }).first().click()
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'))
}

describe('Scenario lab in Chromium', () => {
  it('is neither listed nor open for Operations', async () => {
    await demoSignIn('Operations')
    await expect(page.locator('nav[aria-label="Views"] a', { hasText: 'Scenario lab' }).count()).resolves.toBe(0)
    await page.goto(`${web.url}/scenario-lab`)
    await page.getByText('The Scenario lab view is not available for your role').waitFor()
    await expect(page.locator('[data-form="scenario-run"]').count()).resolves.toBe(0)
  })

  it('an executive starts a 1-day run from the form, watches it progress, and sees the finished run with hub and naive side by side', { timeout: 1_500_000 }, async () => {
    await demoSignIn('Executive')
    await page.locator('nav[aria-label="Views"] a', { hasText: 'Scenario lab' }).click()
    await page.waitForURL((u) => u.pathname === '/scenario-lab')
    const form = page.locator('[data-form="scenario-run"]')
    await form.waitFor()
    await page.locator('[data-table="scenario-runs"] td', { hasText: 'No runs yet' }).waitFor()

    // A refusal comes back per field, and queues nothing.
    await form.locator('input[name="days"]').fill('61')
    await form.locator('[data-action="start-run"]').click()
    await form.locator('[data-error="days"]').waitFor()
    await expect(form.locator('[data-error="days"]').textContent()).resolves.toContain('at most 60')
    expect(await t().app.db.prisma.scenarioRun.count()).toBe(0)

    await form.locator('input[name="days"]').fill('1')
    await form.locator('input[name="seed"]').fill('3')
    await form.locator('[data-action="start-run"]').click()
    const detail = page.locator('[data-run-detail]')
    await detail.waitFor()
    await page.locator('[data-table="scenario-runs"] tr[data-run]').first().waitFor()
    const run = await t().app.db.prisma.scenarioRun.findFirstOrThrow()
    expect(run.params).toMatchObject({ days: 1, seed: 3, promoMultiplier: 3, feedIntervalHours: 4, supplierDelayDays: 5 })
    expect(new URL(page.url()).searchParams.get('run')).toBe(Buffer.from(`ScenarioRun:${run.id}`).toString('base64'))

    // Progress is pushed over the subscription while the simulator runs: the bar is shown until the run finishes.
    await page.locator('[data-progress][data-status="RUNNING"]').waitFor({ timeout: 600_000 })
    await page.screenshot({ path: path.join(SCREENSHOTS, 'scenario-lab-running.png'), fullPage: true })
    await page.locator('[data-run-detail][data-status="SUCCEEDED"], [data-run-detail][data-status="FAILED"]').waitFor({ timeout: 1_400_000 })
    const failed = await page.locator('[data-run-error]').count()
    expect(failed ? await page.locator('[data-run-error]').textContent() : null).toBeNull()

    // The KPI table: hub and naive for every KPI, the better side highlighted, the row's winner from the API.
    const table = page.locator('[data-table="scenario-kpis"]')
    await table.waitFor()
    const stored = (await t().app.db.prisma.scenarioRun.findUniqueOrThrow({ where: { id: run.id } })).report as any
    const oversold = table.locator('tr[data-kpi="oversoldUnits"]')
    await expect(oversold.locator('[data-side="hub"]').getAttribute('data-value')).resolves.toBe(String(stored.hub.kpis.oversoldUnits))
    await expect(oversold.locator('[data-side="naive"]').getAttribute('data-value')).resolves.toBe(String(stored.naive.kpis.oversoldUnits))
    for (const key of ['oversoldUnits', 'cancellationRate', 'onTimeShipmentRate', 'otif', 'orderCycleTimeP90Hours', 'manualAdjustments']) {
      await expect(table.locator(`tr[data-kpi="${key}"] td[data-side]`).count(), key).resolves.toBe(2)
    }
    const winners = await table.locator('tr[data-kpi]').evaluateAll((rows) =>
      rows.map((r) => ({ winner: r.getAttribute('data-winner'), highlighted: [...r.querySelectorAll('td[data-side]')].filter((td) => td.textContent?.includes('(better)')).map((td) => td.getAttribute('data-side')) })),
    )
    for (const w of winners) expect(w.highlighted).toEqual(w.winner === 'HUB' ? ['hub'] : w.winner === 'NAIVE' ? ['naive'] : [])
    // Four daily charts, each with both policies' lines over the simulated day.
    for (const measure of ['orders', 'backlog', 'cancellations', 'onTimeRate']) {
      const chart = page.locator(`[data-chart="scenario-${measure}"]`)
      await expect(chart.getAttribute('data-points')).resolves.toBe('1')
      await expect(chart.locator('.recharts-line').count()).resolves.toBe(2)
    }
    await expect(page.locator(`[data-table="scenario-runs"] tr[data-status="SUCCEEDED"]`).count()).resolves.toBe(1)
    await page.screenshot({ path: path.join(SCREENSHOTS, 'scenario-lab-result.png'), fullPage: true })
  })

  it('an executive cancels a long run from its page: the badge turns CANCELLED, the button goes, the runner is free again', { timeout: 300_000 }, async () => {
    await demoSignIn('Executive')
    await page.goto(`${web.url}/scenario-lab`)
    const form = page.locator('[data-form="scenario-run"]')
    await form.waitFor()
    await form.locator('input[name="days"]').fill('60')
    await form.locator('[data-action="start-run"]').click()
    await page.locator('[data-progress][data-status="RUNNING"]').waitFor({ timeout: 120_000 })
    const cancel = page.locator('[data-run-detail] [data-action="cancel-run"]')
    await cancel.click()
    await page.locator('[data-run-detail][data-status="CANCELLED"]').waitFor({ timeout: 30_000 })
    await expect(page.locator('[data-run-detail]').textContent()).resolves.toContain('cancelled by demo-executive@ops-hub.local')
    await expect(cancel.count()).resolves.toBe(0)
    await page.locator('[data-table="scenario-runs"] tr[data-status="CANCELLED"]').first().waitFor()
    const run = await t().app.db.prisma.scenarioRun.findFirstOrThrow({ orderBy: { id: 'desc' } })
    expect(run).toMatchObject({ status: 'CANCELLED', cancelledBy: expect.stringContaining('executive') })
  })
})
