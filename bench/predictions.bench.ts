// Predictions on the full demo (20,000 orders, ~700 positions, seeded into a fresh PostgreSQL database): what a user
// waits for over HTTP GraphQL, next to the floor of the same work - the set-based statements the resolvers run, timed
// on their own through a plain pg connection in the same run.
//  - ordersAtRisk(first: 20): one statement for the open orders' features, the history from the per-instance cache
//    (it is read once per 3-hour grid step); baseline: that one statement.
//  - The history read itself (first request of a grid step, and the job): weeks of order-moments summed in process;
//    baseline: the same statement.
//  - cycleCountPriorities(first: 20): the positions and past counts in one statement, scored in process; baseline:
//    that statement.
// Each figure is the median of RUNS requests after one warm-up.
import pg from 'pg'
import { Prisma, openDatabase } from '@ops-hub/db'
import {
  beforeCount,
  countPriorityParams,
  gridOriginAtOrBefore,
  pastCounts,
  signToken,
  slaHistoryIndex,
  slaRiskSettings,
} from '@ops-hub/domain'
import { buildApp } from '../apps/api/src/app.ts'
import { createLogger } from '../apps/api/src/logger.ts'
import { seedDemo } from '../prisma/seed/seed-demo.ts'
import { snapshotSql } from '../packages/domain/src/orders/sla-risk/snapshots.ts'
import { countPriorityInputsSql } from '../packages/domain/src/inventory/count-priority/inputs.ts'
import type { Benchmark, BenchRow } from './harness.ts'
import { serverUrl, withFreshDatabase } from './support/postgres.ts'

const RUNS = Number(process.env.BENCH_PREDICTION_RUNS ?? 7)
const SECRET = 'bench-secret-for-predictions-0123456789'
const HOUR = 3_600_000

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now()
  await fn()
  return performance.now() - t
}

async function medianOf(fn: () => Promise<unknown>): Promise<number> {
  await fn()
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) times.push(await timed(fn))
  return median(times)
}

const bench: Benchmark = {
  name: 'predictions',
  requires: ['postgres'],
  run: () =>
    withFreshDatabase('ops_hub_bench_predict', async (name) => {
      const url = serverUrl(name)
      const db = await openDatabase({ databaseUrl: url, poolSize: 8 })
      const raw = new pg.Client({ connectionString: url })
      await db.migrate()
      const seeded = await seedDemo(db, { seed: 42 })
      await db.sql.exec('VACUUM ANALYZE')
      const app = await buildApp({ db, secret: SECRET, logger: createLogger('warn'), jobs: false })
      try {
        await raw.connect()
        const base = await app.start(0)
        const token = await signToken(SECRET, { sub: 'bench@ops', role: 'OPERATIONS' })
        const gql = async (query: string) => {
          const res = await fetch(`${base}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query }),
          })
          const body = (await res.json()) as { errors?: unknown[] }
          if (body.errors) throw new Error(JSON.stringify(body.errors))
        }
        // The statement as the resolver sends it, timed on a plain connection (JIT off, as the hub runs it).
        const sqlTime = (q: Prisma.Sql, hashJoins = false) =>
          medianOf(async () => {
            await raw.query('BEGIN')
            await raw.query('SET LOCAL jit = off')
            if (hashJoins) await raw.query('SET LOCAL enable_nestloop = off')
            await raw.query(q.text, q.values)
            await raw.query('COMMIT')
          })
        const rows: BenchRow[] = []
        const now = new Date()
        const s = await slaRiskSettings(db.prisma)

        const atRisk = await medianOf(() => gql('{ ordersAtRisk(first: 20) { totalCount nodes { number slaRisk { probability basis { level observations } terms { name value } } } } }'))
        const openSql = await sqlTime(snapshotSql(now, s, 0, 0, Prisma.sql`SELECT k, id, status, node, service_level, band, queue, ship_by, hours_left, fo_state, ahead, room, capacity, next_cutoff, missed FROM featured ORDER BY id`))
        rows.push({
          name: `ordersAtRisk(first: 20) over HTTP, ${seeded.orders} orders, history cached`,
          value: atRisk,
          unit: 'ms',
          baseline: { name: 'its open-order statement alone (pg)', value: openSql, unit: 'ms' },
          ratio: atRisk / openSql,
        })

        const cutoff = gridOriginAtOrBefore(now, s)
        const kTo = Math.floor((s.lookbackDays * 24) / s.stepHours)
        const historySql = await sqlTime(snapshotSql(cutoff, s, 0, kTo, Prisma.sql`SELECT k, id, status, node, service_level, band, queue, ship_by, hours_left, fo_state, ahead, room, capacity, next_cutoff, missed FROM featured`))
        const history = await medianOf(() => slaHistoryIndex(db.prisma, new Date(cutoff.getTime() + HOUR), s))
        rows.push({
          name: `SLA history read (${s.lookbackDays} days every ${s.stepHours} h, once per grid step)`,
          value: history,
          unit: 'ms',
          baseline: { name: 'the same statement (pg)', value: historySql, unit: 'ms' },
          ratio: history / historySql,
        })

        const priorities = await medianOf(() => gql('{ cycleCountPriorities(locationCode: "MAIN", first: 20) { totalCount nodes { rank score terms { name value weight } varianceChance { probability } } } }'))
        const main = await db.prisma.location.findUniqueOrThrow({ where: { code: 'MAIN' } })
        const params = await countPriorityParams(db.prisma)
        const positions = await db.prisma.stockPosition.findMany({ where: { locationId: main.id }, select: { id: true } })
        const past = await pastCounts(db.prisma, [main.id], new Date(now.getTime() - params.settings.calibrationDays * 24 * HOUR), now)
        const prioritiesSql = await sqlTime(countPriorityInputsSql([...positions.map((p) => ({ positionId: p.id, at: now })), ...past.map(beforeCount)]), true)
        rows.push({
          name: `cycleCountPriorities(MAIN, first: 20) over HTTP, ${positions.length} positions + ${past.length} past counts`,
          value: priorities,
          unit: 'ms',
          baseline: { name: 'its inputs statement alone (pg)', value: prioritiesSql, unit: 'ms' },
          ratio: priorities / prioritiesSql,
        })
        return rows
      } finally {
        await raw.end().catch(() => {})
        await app.stop()
        await db.close()
      }
    }),
}

export default bench
