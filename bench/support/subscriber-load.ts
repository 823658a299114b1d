// Load generator for bench/subscribers.bench.ts: opens N sockets to a server and timestamps when each one
// receives the round's marker. MODE=graphql-ws speaks graphql-transport-ws to the hub; MODE=raw
// opens plain `ws` sockets. Both parse every message once as JSON, so client-side work is the same.
import WebSocket from 'ws'

const mode = process.env.MODE as 'graphql-ws' | 'raw'
const url = process.env.TARGET_URL!.replace(/^http/, 'ws') + '/graphql'
const n = Number(process.env.N)
const now = () => performance.timeOrigin + performance.now()

let marker = -1
let received = new Map<number, number>()
/** Per arrival, the snapshot's asOf (when the server started computing it), to split pipeline wait from fan-out. */
let asOfs = new Map<number, number>()
const arrivals: Array<Map<number, number>> = []
const computed: Array<Map<number, number>> = []
let sample: string | null = null
let errors = 0
let connected = 0
const closers: Array<() => void> = []

function onValue(i: number, onHand: number | undefined, asOf?: string) {
  if (onHand === marker && !received.has(i)) {
    received.set(i, now())
    if (asOf) asOfs.set(i, Date.parse(asOf))
  }
}

/**
 * The graphql-transport-ws protocol spoken over a bare `ws` socket (connection_init -> ack -> subscribe ->
 * next...), so the client does exactly the work of the raw baseline client per message: one JSON.parse.
 */
async function openGraphqlWs(i: number) {
  return new Promise<void>((resolve) => {
    const socket = new WebSocket(url, 'graphql-transport-ws')
    let subscribed = false
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${process.env.TOKEN}` } })))
    socket.on('message', (data) => {
      const text = String(data)
      const m = JSON.parse(text) as { type: string; payload?: { data?: { inventoryConfidence: { asOf: string; lowest: Array<{ onHand: number }> } } } }
      if (m.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: process.env.QUERY!, variables: JSON.parse(process.env.VARIABLES ?? '{}') } }))
      } else if (m.type === 'next') {
        if (!subscribed) {
          subscribed = true
          connected++
          if (!sample) sample = text
          resolve()
        }
        onValue(i, m.payload?.data?.inventoryConfidence.lowest[0]?.onHand, m.payload?.data?.inventoryConfidence.asOf)
      } else if (m.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }))
      } else if (m.type === 'error') {
        errors++
        resolve()
      }
    })
    socket.on('error', () => {
      errors++
      resolve()
    })
    socket.on('close', () => {
      if (!subscribed) resolve()
    })
    closers.push(() => socket.terminate())
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
    if (marker !== -1) {
      arrivals.push(received)
      computed.push(asOfs)
    }
    received = new Map()
    asOfs = new Map()
    marker = msg.marker!
    process.send!({ ok: true })
  }
  if (msg.cmd === 'collect') {
    arrivals.push(received)
    computed.push(asOfs)
    // Server fan-out: from the snapshot's asOf to arrival, per client (graphql-ws only; raw has no asOf).
    const fanout = arrivals.flatMap((m, r) => [...m].flatMap(([i, at]) => (computed[r].has(i) ? [at - computed[r].get(i)!] : [])))
    process.send!({ rounds: arrivals.map((m) => [...m.values()]), fanout, connected, errors, rss: process.memoryUsage().rss })
  }
  if (msg.cmd === 'stop') {
    for (const c of closers) c()
    setTimeout(() => process.exit(0), 200)
  }
})
process.send!({ ready: true })
