// Baseline for bench/subscribers.bench.ts: a bare `ws` server that broadcasts one pre-serialized message to
// every socket. No auth, no GraphQL execution, no database: the floor for pushing the same bytes to N sockets.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'

const server = http.createServer()
const wss = new WebSocketServer({ server, path: '/graphql' })
server.listen(0, '127.0.0.1', () => process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }))
process.on('message', (msg: { cmd: string; payload?: string }) => {
  if (msg.cmd === 'broadcast') for (const socket of wss.clients) socket.send(msg.payload!)
  if (msg.cmd === 'memory') {
    globalThis.gc?.()
    process.send!({ rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed })
  }
  if (msg.cmd === 'stop') process.exit(0)
})
