// The one browser finder for every Chromium the test suite or a script launches: CHROMIUM_PATH if set; else a
// system Chromium or Chrome on the usual paths; else the Chromium that @sparticuz/chromium ships inside its npm
// package (inflated once into the temp folder, with the NSS libraries a bare Linux lacks). Nothing is downloaded.
// HUB_TEST_BROWSER=bundled|system forces one source (CI forces the bundled one to prove a fresh machine works).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { chromium, type BrowserContext } from 'playwright-core'

export type BrowserSource = 'env' | 'system' | 'bundled'

export interface FoundBrowser {
  executablePath: string
  source: BrowserSource
  /** Extra environment for the browser process (the bundled one's own libraries). */
  env: Record<string, string>
}

const SYSTEM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
]

/** Flags every launch uses: no sandbox (CI runs as root), and nothing that calls out to Google's hosts. */
export const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

const HOW_TO_CHOOSE = 'set CHROMIUM_PATH to a Chromium or Chrome executable (or install Debian\'s chromium package)'

const executable = (file: string) => {
  try {
    fs.accessSync(file, fs.constants.X_OK)
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

/** Inflates @sparticuz/chromium's browser and libraries into the temp folder once, across processes. */
async function bundledBrowser(): Promise<FoundBrowser> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the bundled Chromium (@sparticuz/chromium) runs on Linux x64 only, not ${process.platform} ${process.arch}`)
  }
  const require = createRequire(import.meta.url)
  // build/index.js -> the package folder (its exports do not include package.json).
  const pkgDir = path.resolve(path.dirname(require.resolve('@sparticuz/chromium')), '..')
  const { default: Chromium, inflate } = (await import('@sparticuz/chromium')) as typeof import('@sparticuz/chromium')
  const tmp = os.tmpdir()
  const version = (JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version
  // The package inflates to fixed names in the temp folder and treats any file there as done, so a half-written
  // inflate (two test files at once, or a killed run) must never be visible: one process inflates under a lock and
  // marks completion; a leftover without the mark is removed first.
  const marker = path.join(tmp, `ops-hub-bundled-chromium-${version}.done`)
  const lock = `${marker}.lock`
  const deadline = Date.now() + 5 * 60_000
  while (!fs.existsSync(marker)) {
    try {
      fs.mkdirSync(lock)
    } catch {
      const heldSince = fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs
      // A lock older than any inflate takes was left by a killed process.
      if (heldSince !== undefined && Date.now() - heldSince > 3 * 60_000) fs.rmSync(lock, { recursive: true, force: true })
      if (Date.now() > deadline) throw new Error(`timed out waiting for another process to inflate the bundled Chromium (${lock})`)
      await new Promise((r) => setTimeout(r, 250))
      continue
    }
    try {
      for (const leftover of ['chromium', 'al2023', 'fonts']) fs.rmSync(path.join(tmp, leftover), { recursive: true, force: true })
      await Chromium.executablePath()
      await inflate(path.join(pkgDir, 'bin', 'al2023.tar.br'))
      fs.writeFileSync(marker, new Date().toISOString())
    } finally {
      fs.rmSync(lock, { recursive: true, force: true })
    }
  }
  const lib = path.join(tmp, 'al2023', 'lib')
  return {
    executablePath: path.join(tmp, 'chromium'),
    source: 'bundled',
    env: { LD_LIBRARY_PATH: [lib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'), FONTCONFIG_PATH: path.join(tmp, 'fonts') },
  }
}

/** Which browser to launch, by the order above; throws one line naming what was tried when there is none. */
export async function findBrowser(): Promise<FoundBrowser> {
  const forced = process.env.HUB_TEST_BROWSER
  if (forced && forced !== 'bundled' && forced !== 'system') throw new Error(`HUB_TEST_BROWSER is "${forced}"; use bundled, system, or leave it unset`)
  const tried: string[] = []
  const fromEnv = process.env.CHROMIUM_PATH
  if (fromEnv && !forced) {
    if (executable(fromEnv)) return { executablePath: fromEnv, source: 'env', env: {} }
    throw new Error(`CHROMIUM_PATH=${fromEnv} is not an executable file; ${HOW_TO_CHOOSE}`)
  }
  if (forced !== 'bundled') {
    const system = SYSTEM_PATHS.find(executable)
    if (system) return { executablePath: system, source: 'system', env: {} }
    tried.push(`no system browser at ${SYSTEM_PATHS.join(', ')}`)
  }
  if (forced !== 'system') {
    try {
      return await bundledBrowser()
    } catch (err) {
      tried.push(`bundled: ${(err as Error).message}`)
    }
  }
  throw new Error(`No browser for the dashboard tests (${tried.join('; ')}); ${HOW_TO_CHOOSE}`)
}

/**
 * Launches the found browser headless with a fresh profile and prints the one line saying which it is. A browser
 * that is found but will not start fails with the same advice: the tests never pass by skipping.
 */
export async function launchBrowser(options: { viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  const found = await findBrowser()
  console.log(`browser: ${found.executablePath} (${found.source})`)
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-hub-chromium-'))
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: found.executablePath,
      headless: true,
      viewport: options.viewport ?? { width: 1440, height: 900 },
      args: BROWSER_ARGS,
      env: { ...process.env, ...found.env } as Record<string, string>,
    })
    // Chromium may still be writing into its profile as the context reports closed: retry the removal (ENOTEMPTY) and never
    // let a leftover temp folder fail the caller.
    context.on('close', () => fs.promises.rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => {}))
    return context
  } catch (err) {
    fs.rmSync(profile, { recursive: true, force: true })
    const first = String((err as Error).message).split('\n').find((l) => l.trim()) ?? 'unknown error'
    throw new Error(`The ${found.source} browser ${found.executablePath} did not start (${first.trim()}); ${HOW_TO_CHOOSE}`)
  }
}
