// npm start: the API (API_PORT, default 4000) and the dashboard (WEB_PORT, default 3000) as two child
// processes. Builds the dashboard on first run or when its sources changed, waits until both answer,
// prints where they are and how to sign in, and stops both on Ctrl+C or when either one dies.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { ensureWebBuilt, NEXT_BIN, WEB_DIR } from './web-build.mts'

const ROOT = path.resolve(import.meta.dirname, '../../..')
const startedAt = Date.now()
const apiPort = process.env.API_PORT || '4000'
const webPort = process.env.WEB_PORT || '3000'
// NODE_ENV production unless set: graphql-js then skips its development-only checks on every type test (the
// dashboard's `next start` sets it for itself).
const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'production', API_PORT: apiPort, WEB_PORT: webPort, NEXT_TELEMETRY_DISABLED: '1' }
const apiBase = `http://127.0.0.1:${apiPort}`
const webBase = `http://127.0.0.1:${webPort}`

const children = new Map<string, ChildProcess>()
let stopping = false

function say(line: string) {
  console.log(`[start] ${line}`)
}

function launch(name: string, args: string[], cwd: string) {
  const child = spawn(process.execPath, args, { cwd, env, stdio: 'inherit' })
  children.set(name, child)
  child.on('exit', (code, signal) => {
    children.delete(name)
    if (stopping) {
      if (children.size === 0) process.exit(Number(process.exitCode ?? 0))
      return
    }
    say(`${name} exited (${signal ?? `code ${code}`}); stopping the rest.`)
    shutdown('SIGTERM', code || 1)
  })
  return child
}

function shutdown(signal: NodeJS.Signals, exitCode = 0) {
  if (stopping) {
    // A second Ctrl+C: do not wait for a graceful stop.
    for (const child of children.values()) child.kill('SIGKILL')
    process.exit(exitCode || 130)
  }
  stopping = true
  process.exitCode = exitCode
  if (children.size === 0) process.exit(exitCode)
  for (const child of children.values()) child.kill(signal)
  // Whatever still runs after 10 s is killed.
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL')
    process.exit(exitCode)
  }, 10_000).unref()
}

process.on('SIGINT', () => shutdown('SIGINT'))
process.on('SIGTERM', () => shutdown('SIGTERM'))

async function answers(check: () => Promise<Response>): Promise<boolean> {
  try {
    return (await check()).status === 200
  } catch {
    return false
  }
}

async function waitFor(name: string, check: () => Promise<Response>) {
  let lastNote = Date.now()
  while (!(await answers(check))) {
    if (stopping) return
    if (Date.now() - lastNote > 15_000) {
      say(`still waiting for the ${name}…`)
      lastNote = Date.now()
    }
    await new Promise((r) => setTimeout(r, 250))
  }
}

// The API migrates (and seeds an empty database) while the dashboard builds: the two overlap.
launch('API', ['--import', 'tsx', 'apps/api/src/main.ts'], ROOT)

try {
  const build = await ensureWebBuilt({ log: say, stdio: 'collect' })
  if (build.built) say(`dashboard built in ${(build.ms / 1000).toFixed(1)} s`)
} catch (err) {
  say((err as Error).message)
  shutdown('SIGTERM', 1)
}
if (!stopping) launch('dashboard', [NEXT_BIN, 'start', '-p', webPort], WEB_DIR)

await Promise.all([
  waitFor('API', () =>
    fetch(`${apiBase}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }),
  ),
  waitFor('dashboard', () => fetch(`${webBase}/`)),
])

if (!stopping) {
  const demo = await answers(() => fetch(`${apiBase}/auth/demo-token`))
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1)
  console.log(
    [
      '',
      `  Ops Hub is running (ready in ${seconds} s)`,
      '',
      `    Dashboard   http://localhost:${webPort}`,
      `    API         http://localhost:${apiPort}/graphql   (GraphiQL when opened in a browser)`,
      '',
      demo
        ? '  Sign in: open the dashboard and pick a role (demo mode), or paste a token from'
        : '  Sign in: paste a token into the dashboard; make one with',
      '    npm run token -- --role OPERATIONS',
      '  (roles: ADMIN EXECUTIVE OPERATIONS PROCUREMENT FINANCE CUSTOMER_SERVICE; PARTNER needs --channel CODE)',
      '',
      '  Ctrl+C stops both.',
      '',
    ].join('\n'),
  )
}
