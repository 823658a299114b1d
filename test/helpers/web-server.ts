// Serves the production build of the dashboard (apps/web) for browser tests: builds it when stale,
// then `next start` on a free port with the API URL pointed at the in-process test app.
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import { ensureWebBuilt, NEXT_BIN, WEB_DIR } from '../../apps/web/scripts/web-build.mts'

export interface WebServer {
  url: string
  stop(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

async function waitUntilServing(url: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output()}`)
    try {
      if ((await fetch(url)).status === 200) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`next start did not answer on ${url} within ${timeoutMs} ms:\n${output()}`)
}

/** `apiUrl` is the GraphQL URL the browser should use, e.g. `${t().url}/graphql`. */
export async function startWebServer(opts: { apiUrl: string }): Promise<WebServer> {
  await ensureWebBuilt({ log: () => {} })
  const port = await freePort()
  const child = spawn(process.execPath, [NEXT_BIN, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: WEB_DIR,
    env: { ...process.env, API_URL: opts.apiUrl, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const url = `http://127.0.0.1:${port}`
  try {
    await waitUntilServing(url, child, () => output, 60_000)
  } catch (err) {
    child.kill('SIGKILL')
    throw err
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    },
  }
}
