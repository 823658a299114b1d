// Reservation throughput: placed orders/s through order intake (OrderIntake.place, the code path the GraphQL
// placeOrder mutation runs, without HTTP/GraphQL on top) with N concurrent clients on a fresh PostgreSQL database,
// for (a) one hot SKU every order fights over and (b) orders spread over many SKUs; and, for reference, the same
// through the locking path alone (placeOrder in its own transaction per order). Every order is checked ALLOCATED
// and the stock books are checked at the end (reserved = units ordered, ledger agrees).
// Baseline: pgbench tpcb-like TPS with the same N on another fresh database of the same server, in the same run.
import { execFileSync } from 'node:child_process'
import { openDatabase } from '@ops-hub/db'
import { createChannel, createLocation, createSku, inTransaction, moveStock, OrderIntake, placeOrder, systemActor, type PlaceOrderResult } from '@ops-hub/domain'
import type { Benchmark, BenchRow } from './harness.ts'
import { serverUrl, withFreshDatabase } from './support/postgres.ts'

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const SPREAD_SKUS = 200

const input = (channelCode: string, n: number, lines: Array<{ sku: string; quantity: number }>) => ({
  channelCode,
  externalId: `bench-${n}`,
  serviceLevel: 'STANDARD' as const,
  customer: { email: 'bench@example.com', name: 'Bench' },
  shipTo: { name: 'Bench', line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
  payment: { status: 'AUTHORIZED' as const, fraudScore: 0.01 },
  lines: lines.map((l) => ({ ...l, unitPrice: 10 })),
})

/** Runs CLIENTS loops placing orders for SECONDS (after a 2 s warm-up); returns committed orders per second. */
type Place = (order: ReturnType<typeof input>) => Promise<PlaceOrderResult>

async function measure(place: Place, channelCode: string, pick: (n: number) => Array<{ sku: string; quantity: number }>, start: number) {
  let n = start
  let counted = 0
  let errors = 0
  let measuring = false
  const warmUpEnd = Date.now() + 2000
  const end = warmUpEnd + SECONDS * 1000
  const loop = async () => {
    while (Date.now() < end) {
      const i = n++
      try {
        const r = await place(input(channelCode, i, pick(i)))
        if (r.order.status !== 'ALLOCATED') throw new Error(`order ${i} ended ${r.order.status}`)
        if (measuring && Date.now() <= end) counted++
      } catch (err) {
        errors++
        if (errors < 3) console.error(err)
      }
      if (!measuring && Date.now() >= warmUpEnd) measuring = true
    }
  }
  await Promise.all(Array.from({ length: CLIENTS }, loop))
  return { perSecond: counted / SECONDS, next: n, errors, placed: n - start - errors }
}

export function pgbenchTps(dbName: string): number {
  const url = new URL(serverUrl(dbName))
  const args = ['-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres')]
  execFileSync('pgbench', [...args, '-i', '-q', '-s', '10', dbName], { stdio: 'pipe' })
  const out = execFileSync('pgbench', [...args, '-b', 'tpcb-like', '-c', String(CLIENTS), '-j', '2', '-T', String(SECONDS), dbName], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(out) ?? /tps = ([\d.]+)/.exec(out)
  if (!m) throw new Error(`could not read pgbench output:\n${out}`)
  return Number(m[1])
}

const benchmark: Benchmark = {
  name: 'reservation: placeOrder throughput vs pgbench tpcb-like',
  requires: ['postgres'],
  async run(): Promise<BenchRow[]> {
    const { hot, spread, lockingHot, stats } = await withFreshDatabase('ops_hub_bench_res', async (name) => {
      const db = await openDatabase({ databaseUrl: serverUrl(name), poolSize: CLIENTS + 2 })
      try {
        await db.migrate()
        const actor = systemActor
        const skus = await inTransaction(db.prisma, async (tx) => {
          await createChannel(tx, { code: 'BENCH', name: 'Bench storefront', kind: 'STOREFRONT' }, actor)
          const node = await createLocation(tx, { code: 'BENCH-WH', name: 'Bench warehouse', kind: 'WAREHOUSE', dailyPickCapacity: 1_000_000, region: 'IL', postalCode: '60601' }, actor)
          const codes = ['HOT', ...Array.from({ length: SPREAD_SKUS }, (_, i) => `SPREAD-${i}`)]
          for (const code of codes) {
            const sku = await createSku(tx, { code, name: code, unitCost: 1 }, actor)
            await moveStock(tx, { skuId: sku.id, locationId: node.id, type: 'RECEIVED', deltas: { onHand: 10_000_000 }, actor, reasonCode: 'RECEIVED' })
          }
          return codes
        }, { timeoutMs: 120_000 })
        const intake = new OrderIntake(db)
        const viaIntake: Place = (i) => intake.place(i, systemActor)
        const locking: Place = (i) => inTransaction(db.prisma, (tx) => placeOrder(tx, i, systemActor))
        const hotRun = await measure(viaIntake, 'BENCH', () => [{ sku: 'HOT', quantity: 1 }], 0)
        const spreadRun = await measure(viaIntake, 'BENCH', (i) => [{ sku: skus[1 + ((i * 7919) % SPREAD_SKUS)], quantity: 1 }], hotRun.next)
        const lockingHot = await measure(locking, 'BENCH', () => [{ sku: 'HOT', quantity: 1 }], spreadRun.next)
        const stats = { ...intake.stats }
        // The books must add up: every placed unit reserved once, in the positions and in the ledger.
        const [books] = await db.sql.query(`SELECT (SELECT sum(reserved) FROM stock_positions)::int AS reserved,
          (SELECT sum(reserved_delta) FROM inventory_events)::int AS ledger, (SELECT sum(allocated_quantity) FROM order_lines)::int AS allocated`)
        const placed = hotRun.placed + spreadRun.placed + lockingHot.placed
        if (books.reserved !== placed || books.ledger !== placed || books.allocated !== placed) {
          throw new Error(`books do not add up: ${placed} orders placed, ${JSON.stringify(books)}`)
        }
        return { hot: hotRun, spread: spreadRun, lockingHot, stats }
      } finally {
        await db.close()
      }
    })
    const tps = await withFreshDatabase('ops_hub_bench_pgbench', async (name) => pgbenchTps(name))
    const baseline = { name: `pgbench tpcb-like -c ${CLIENTS} -j 2 -T ${SECONDS}`, value: tps, unit: 'tps' }
    const note = (r: { errors: number }) =>
      `${CLIENTS} concurrent clients through OrderIntake.place (not HTTP); each order = 1 line x 1 unit, fully allocated; ${r.errors} errors; ` +
      `intake over both runs: ${stats.fastPath} orders in ${stats.batches} one-statement batches, ${stats.lockingPath} via the locking path, ${stats.guardFailures} guard failures`
    return [
      { name: 'placeOrder, hot SKU', value: hot.perSecond, unit: 'orders/s', baseline, ratio: hot.perSecond / tps, goal: '>= 0.35', notes: note(hot) },
      { name: `placeOrder, ${SPREAD_SKUS} spread SKUs`, value: spread.perSecond, unit: 'orders/s', baseline, ratio: spread.perSecond / tps, goal: '>= 0.35', notes: note(spread) },
      {
        name: 'reference: hot SKU through the locking path only (placeOrder, one transaction per order)',
        value: lockingHot.perSecond,
        unit: 'orders/s',
        baseline,
        ratio: lockingHot.perSecond / tps,
        notes: `what every order cost before order intake; still the path for holds, rules, low confidence and backorders; ${lockingHot.errors} errors`,
      },
    ]
  },
}

export default benchmark
