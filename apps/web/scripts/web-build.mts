// Builds the dashboard (apps/web) with `next build` when its sources are newer than the last build.
// Shared by `npm start` and the browser tests, so both serve the same production build.
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'

export const WEB_DIR = path.resolve(import.meta.dirname, '..')
/** `next`'s CLI entry, run with this Node binary (no shell, so signals reach it directly). */
export const NEXT_BIN = createRequire(path.join(WEB_DIR, 'package.json')).resolve('next/dist/bin/next')

const SOURCES = ['app', 'features', 'lib', 'components', 'public', 'next.config.ts', 'package.json', 'tsconfig.json']
// Written after a successful build; a build that died half-way leaves none, so the next start rebuilds.
const MARKER = path.join(WEB_DIR, '.next', 'ops-hub-build.json')
const LOCK = path.join(os.tmpdir(), `ops-hub-web-build-${crypto.createHash('sha1').update(WEB_DIR).digest('hex').slice(0, 12)}.lock`)

function newestMtime(entry: string): number {
  let stat: fs.Stats
  try {
    stat = fs.statSync(entry)
  } catch {
    return 0
  }
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)))
  return newest
}

/** Newest modification time among the dashboard's sources and the installed Next.js. */
export function newestWebSource(): number {
  const own = SOURCES.map((s) => newestMtime(path.join(WEB_DIR, s)))
  return Math.max(...own, newestMtime(path.resolve(path.dirname(NEXT_BIN), '../../package.json')))
}

export function webBuildIsStale(): boolean {
  try {
    const marker = JSON.parse(fs.readFileSync(MARKER, 'utf8')) as { startedAt: number }
    return newestWebSource() > marker.startedAt
  } catch {
    return true
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** One build at a time across processes (npm start and a test run may both want one). */
async function withBuildLock<T>(fn: () => Promise<T>, log: (line: string) => void): Promise<T> {
  const deadline = Date.now() + 10 * 60_000
  let told = false
  for (;;) {
    try {
      fs.mkdirSync(LOCK)
      fs.writeFileSync(path.join(LOCK, 'pid'), String(process.pid))
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const holder = Number(fs.readFileSync(path.join(LOCK, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0)
      const orphaned = !holder && Date.now() - fs.statSync(LOCK).mtimeMs > 30_000
      if ((holder && !alive(holder)) || orphaned) {
        fs.rmSync(LOCK, { recursive: true, force: true })
        continue
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for another dashboard build (lock ${LOCK})`)
      if (!told) log('Waiting for another dashboard build to finish…')
      told = true
      await new Promise((r) => setTimeout(r, 500))
    }
  }
  try {
    return await fn()
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true })
  }
}

export interface BuildOptions {
  log?: (line: string) => void
  /** Where next build's own output goes (default: collected and shown only on failure). */
  stdio?: 'inherit' | 'collect'
}

/** Runs `next build` if the build is missing or older than the sources; returns whether it built and how long it took. */
export async function ensureWebBuilt(opts: BuildOptions = {}): Promise<{ built: boolean; ms: number }> {
  const log = opts.log ?? ((line: string) => console.log(line))
  if (!webBuildIsStale()) return { built: false, ms: 0 }
  return withBuildLock(async () => {
    // Someone else may have built it while we waited for the lock.
    if (!webBuildIsStale()) return { built: false, ms: 0 }
    const startedAt = Date.now()
    fs.rmSync(MARKER, { force: true })
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [NEXT_BIN, 'build'], {
        cwd: WEB_DIR,
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
        stdio: opts.stdio === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'],
      })
      let output = ''
      child.stdout?.on('data', (d) => (output += d))
      child.stderr?.on('data', (d) => (output += d))
      child.on('error', reject)
      child.on('exit', (code, signal) =>
        code === 0 ? resolve() : reject(new Error(`next build failed (${signal ?? `exit ${code}`})${output ? `:\n${output.slice(-4000)}` : ''}`)),
      )
    })
    fs.writeFileSync(MARKER, JSON.stringify({ startedAt, finishedAt: Date.now() }))
    return { built: true, ms: Date.now() - startedAt }
  }, log)
}
