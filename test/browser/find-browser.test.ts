import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { findBrowser } from '../../apps/web/scripts/find-browser.mts'

describe('the browser finder', () => {
  it('takes CHROMIUM_PATH first, and refuses one that is not an executable with the advice to fix it', async () => {
    const fake = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'finder-')), 'chrome')
    fs.writeFileSync(fake, '#!/bin/sh\n', { mode: 0o755 })
    await expect(findBrowser({ env: { CHROMIUM_PATH: fake } })).resolves.toMatchObject({ executablePath: fake, source: 'env' })
    await expect(findBrowser({ env: { CHROMIUM_PATH: `${fake}-missing` } })).rejects.toThrow(/CHROMIUM_PATH=.*chrome-missing is not an executable file; set CHROMIUM_PATH/)
  })

  it('takes a system browser before the bundled one unless the bundled one is forced', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finder-'))
    const system = path.join(dir, 'chromium')
    fs.writeFileSync(system, '#!/bin/sh\n', { mode: 0o755 })
    await expect(findBrowser({ env: {}, systemPaths: [path.join(dir, 'none'), system] })).resolves.toMatchObject({ executablePath: system, source: 'system' })
    await expect(findBrowser({ env: { HUB_TEST_BROWSER: 'system' }, systemPaths: [] })).rejects.toThrow(/^No browser for the dashboard tests \(no system browser paths to look at\); set CHROMIUM_PATH/)
  })

  it('fails with one line saying what was tried when nothing can run here, never by skipping', async () => {
    const error = await findBrowser({ env: {}, systemPaths: ['/nonexistent/chromium'], platform: 'darwin-arm64' }).catch((e: Error) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toBe(
      'No browser for the dashboard tests (no system browser at /nonexistent/chromium; bundled: the bundled Chromium (@sparticuz/chromium) runs on Linux x64 only, not darwin-arm64); set CHROMIUM_PATH to a Chromium or Chrome executable (or install Debian\'s chromium package)',
    )
    expect((error as Error).message).not.toContain('\n')
  })
})
