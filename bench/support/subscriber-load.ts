// Load generator for bench/subscribers.bench.ts: opens N sockets to a server and timestamps when each one
// receives the round's marker. MODE=graphql-ws subscribes through the graphql-ws client library; MODE=raw
// opens plain `ws` sockets. Both parse every message as JSON, so client-side work is the same.
import { createClient } from 'graphql-ws'
import WebSocket from 'ws'

const mode = process.env.MODE as 'graphql-ws' | 'raw'
const url = process.env.TARGET_URL!.replace(/^http/, 'ws') + '/graphql'
const n = Number(process.env.N)
const now = () => performance.timeOrigin + performance.now()

let marker = -1
let received = new Map<number, number>()
const arrivals: Array<Map<number, number>> = []
let sample: string | null = null
let errors = 0
let connected = 0
const closers: Array<() => void> = []

function onValue(i: number, onHand: number | undefined) {
  if (onHand === marker && !received.has(i)) received.set(i, now())
}

async function openGraphqlWs(i: number) {
  return new Promise<void>((resolve) => {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${process.env.TOKEN}` },
      retryAttempts: 0,
      lazy: true,
    })
    let first = true
    const dispose = client.subscribe<{ inventoryConfidence: { lowest: Array<{ onHand: number }> } }>(
      { query: process.env.QUERY!, variables: JSON.parse(process.env.VARIABLES ?? '{}') },
      {
        next: (r) => {
          if (first) {
            first = false
            connected++
            resolve()
          }
          onValue(i, r.data?.inventoryConfidence.lowest[0]?.onHand)
        },
        error: () => {
          errors++
          resolve()
        },
        complete: () => {},
      },
    )
    if (i === 0) {
      // Keep one raw frame of what the server sends, so the baseline broadcasts identical bytes.
      client.on('message', (m) => {
        if (m.type === 'next' && !sample) sample = JSON.stringify(m)
      })
    }
    closers.push(() => {
      dispose()
      void client.dispose()
    })
  })
}

async function openRaw(i: number) {
  return new Promise<void>((resolve) => {
    const socket = new WebSocket(url)
    socket.on('open', () => {
      connected++
      resolve()
    })
    socket.on('error', () => {
      errors++
      resolve()
    })
    socket.on('message', (data) => {
      const m = JSON.parse(String(data)) as { payload: { data: { inventoryConfidence: { lowest: Array<{ onHand: number }> } } } }
      onValue(i, m.payload.data.inventoryConfidence.lowest[0]?.onHand)
    })
    closers.push(() => socket.terminate())
  })
}

process.on('message', async (msg: { cmd: string; marker?: number }) => {
  if (msg.cmd === 'connect') {
    const started = now()
    // Batches keep the server's accept backlog from overflowing; this is connection setup, not the measurement.
    for (let i = 0; i < n; i += 250) {
      await Promise.all(Array.from({ length: Math.min(250, n - i) }, (_, k) => (mode === 'raw' ? openRaw(i + k) : openGraphqlWs(i + k))))
    }
    process.send!({ connected, errors, sample, connectMs: now() - started })
  }
  if (msg.cmd === 'round') {
    if (marker !== -1) arrivals.push(received)
    received = new Map()
    marker = msg.marker!
    process.send!({ ok: true })
  }
  if (msg.cmd === 'collect') {
    arrivals.push(received)
    process.send!({ rounds: arrivals.map((m) => [...m.values()]), connected, errors, rss: process.memoryUsage().rss })
  }
  if (msg.cmd === 'stop') {
    for (const c of closers) c()
    setTimeout(() => process.exit(0), 200)
  }
})
process.send!({ ready: true })
