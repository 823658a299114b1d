// Baseline for bench/order-lookup.bench.ts: a hand-written `node:http` endpoint answering the nested order lookup
// with one `json_agg` statement (the database builds the JSON; the server writes its text as is). No auth, no
// GraphQL, no cost accounting: the floor for the same data from the same database over HTTP.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import { answerCpuWindow } from './cpu-window.ts'

/** Orders matching the fragment (number, email or external id), newest first, 20, with the nested tree. */
export const LOOKUP_SQL = `
SELECT json_build_object('data', json_build_object('orderLookup', json_build_object('nodes', coalesce(json_agg(page.node ORDER BY page.id DESC), '[]'))))::text AS body
FROM (
  SELECT o.id, json_build_object(
    'number', o.number, 'status', o.status, 'placedAt', o.placed_at,
    'lines', (
      SELECT coalesce(json_agg(json_build_object(
        'lineNumber', l.line_number, 'sku', s.code, 'quantity', l.quantity,
        'allocations', (
          SELECT coalesce(json_agg(json_build_object(
            'quantity', a.quantity, 'status', a.status,
            'fulfillmentOrder', (
              SELECT json_build_object(
                'number', f.number, 'status', f.status,
                'shipments', (
                  SELECT coalesce(json_agg(json_build_object(
                    'trackingNumber', sh.tracking_number, 'status', sh.status,
                    'milestones', (
                      SELECT coalesce(json_agg(json_build_object('status', m.status, 'occurredAt', m.occurred_at, 'location', m.location) ORDER BY m.occurred_at, m.id), '[]')
                      FROM shipment_milestones m WHERE m.shipment_id = sh.id)
                  ) ORDER BY sh.id), '[]')
                  FROM shipments sh WHERE sh.fulfillment_order_id = f.id))
              FROM fulfillment_orders f WHERE f.id = a.fulfillment_order_id)
          ) ORDER BY a.id), '[]')
          FROM allocations a WHERE a.order_line_id = l.id)
      ) ORDER BY l.line_number), '[]')
      FROM order_lines l JOIN skus s ON s.id = l.sku_id WHERE l.order_id = o.id)
  ) AS node
  FROM orders o
  WHERE o.number ILIKE '%' || $1 || '%' OR o.customer_email ILIKE '%' || $1 || '%' OR o.external_id ILIKE '%' || $1 || '%'
  ORDER BY o.id DESC
  LIMIT 20
) page`

const isMain = process.send !== undefined
if (isMain) {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL!, max: Number(process.env.POOL_SIZE ?? 10) })
  const server = http.createServer((req, res) => {
    const q = new URL(req.url!, 'http://x').searchParams.get('q') ?? ''
    pool.query({ name: 'lookup', text: LOOKUP_SQL, values: [q] }).then(
      (r) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(r.rows[0].body)
      },
      (err) => {
        res.writeHead(500)
        res.end(String(err))
      },
    )
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1', () => process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }))
  process.on('message', (msg: { cmd: string }) => {
    if (msg.cmd === 'stop') void pool.end().then(() => process.exit(0))
  })
  answerCpuWindow()
}
