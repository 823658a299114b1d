import { openDatabase } from './packages/db/src/index.ts'
import { protocol, parse } from '@electric-sql/pglite'
const { serialize } = protocol
const db = await openDatabase({ dataDir: 'memory://' })
await db.migrate()
const pg = db.pglite! as any
const q = `SELECT "t0"."id", "t0"."number", "t0"."order_id" AS "orderId", "t0"."location_id" AS "locationId", "t0"."status"::text, "t0"."priority", "t0"."ship_by" AS "shipBy", (SELECT COALESCE(JSON_AGG(row_to_json(sub)), '[]') FROM (SELECT "t1"."id", "t1"."quantity", "t1"."sku_id" AS "skuId" FROM "public"."pick_tasks" AS "t1" WHERE "t0"."id" = "t1"."fulfillment_order_id") AS "sub") AS "tasks" FROM "public"."fulfillment_orders" AS "t0" WHERE "t0"."id" = $1 LIMIT $2`
const upd = `UPDATE "public"."fulfillment_orders" SET "status" = CAST($1::text AS "public"."FulfillmentStatus"), "updated_at" = $2 WHERE ("public"."fulfillment_orders"."id" = $3 AND 1=1) RETURNING "public"."fulfillment_orders"."id"`
const cache = new Map<string, { name: string; types: number[] }>()
function concat(parts: Uint8Array[]) { const n = parts.reduce((s, p) => s + p.length, 0); const out = new Uint8Array(n); let o = 0; for (const p of parts) { out.set(p, o); o += p.length } return out }
async function fast(text: string, params: unknown[]) {
  return pg.runExclusive(async () => {
    let st = cache.get(text)
    if (!st) {
      const name = `s${cache.size}`
      const msgs = await pg.execProtocolStream(concat([serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]), { syncToFs: false })
      st = { name, types: parse.parseDescribeStatementResults(msgs) }
      cache.set(text, st)
    }
    const values = params.map((v, i) => v == null ? null : (pg.serializers[st!.types[i]] ?? String)(v))
    const msgs = await pg.execProtocolStream(concat([serialize.bind({ statement: st.name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]), { syncToFs: false })
    return parse.parseResults(msgs, pg.parsers, { rowMode: 'array' })[0]
  })
}
console.log(JSON.stringify(await fast(q, [1, 1])), JSON.stringify(await pg.query(q, [1, 1], { rowMode: 'array' })))
const N = 5000
async function time(label: string, fn: () => Promise<unknown>) {
  for (let i = 0; i < 300; i++) await fn()
  const t0 = performance.now()
  for (let i = 0; i < N; i++) await fn()
  console.log(label.padEnd(40), ((performance.now() - t0) / N * 1000).toFixed(0), 'us')
}
await time('select unnamed', () => pg.query(q, [1, 1]))
await time('select fast', () => fast(q, [1, 1]))
await time('update unnamed', () => pg.query(upd, ['OPEN', new Date(), 1]))
await time('update fast', () => fast(upd, ['OPEN', new Date(), 1]))
await time('SELECT 1 unnamed', () => pg.query('SELECT 1'))
await time('SELECT 1 fast', () => fast('SELECT 1', []))
await db.close()
