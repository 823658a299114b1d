import type http from 'node:http'

/** A plain HTTP endpoint next to /graphql (health checks, carrier webhooks). */
export interface HttpRoute {
  method: 'GET' | 'POST'
  path: string
  handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>
}

/** Dispatches to the first matching route; returns false when /graphql (yoga) should answer. */
export async function routeHttp(routes: HttpRoute[], req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
  const path = (req.url ?? '/').split('?')[0]
  if (req.method === 'GET' && path === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}')
    return true
  }
  const route = routes.find((r) => r.method === req.method && r.path === path)
  if (!route) return false
  try {
    await route.handle(req, res)
  } catch {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
    res.end('{"error":"internal error"}')
  }
  return true
}

export async function readBody(req: http.IncomingMessage, limitBytes = 1_000_000): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limitBytes) throw new Error('body too large')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}
