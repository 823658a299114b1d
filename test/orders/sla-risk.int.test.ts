import { beforeAll, describe, expect, it } from 'vitest'
import {
  cancelOrder,
  flagShipByRisks,
  gridOriginAtOrBefore,
  historySnapshots,
  inTransaction,
  openOrderSnapshots,
  SETTING_DEFAULTS,
  slaRisks,
  slaRiskSettings,
  systemActor,
} from '@ops-hub/domain'
import { seedDemo } from '../../prisma/seed/seed-demo.ts'
import { useTestApp } from '../helpers/test-app.ts'

const t = useTestApp()
const HOUR = 3_600_000

const AT_RISK = `query ($loc: String, $first: Int, $after: String, $min: Float) {
  ordersAtRisk(locationCode: $loc, first: $first, after: $after, minProbability: $min) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id number status shipBy slaRisk { probability atRisk threshold shipBy
      basis { level cell observations misses orders priorRate pseudoCount from to }
      terms { name value number } } }
  }
}`

type Risk = {
  probability: number | null
  atRisk: boolean
  threshold: number
  basis: { level: string; observations: number; misses: number; priorRate: number | null; pseudoCount: number }
  terms: Array<{ name: string; value: string; number: number | null }>
}

describe('SLA-miss risk over the demo history (small scale)', () => {
  beforeAll(async () => {
    // History relative to the wall clock: the API predicts as of now. How many orders are open then depends on the hour
    // and the weekday (a weekday evening, after both cut-offs, is the low: 6 at scale 0.05), so the scale leaves room
    // for two pages of five at any hour.
    const report = await seedDemo(t().database.db, { seed: 42, scale: 0.1 })
    expect(report.orders).toBe(2000)
  })

  it('ranks the open orders by probability, each with its basis and terms, and pages through them', async () => {
    const first = await t().gql(AT_RISK, { first: 5 }, { role: 'OPERATIONS' })
    expect(first.errors).toBeUndefined()
    const conn = first.data.ordersAtRisk
    const open = await t().database.db.sql.query(
      `SELECT count(*)::int AS n FROM orders WHERE ship_by IS NOT NULL AND status IN ('PENDING','ON_HOLD','VALIDATED','ALLOCATED','PARTIALLY_ALLOCATED','BACKORDERED','RELEASED','IN_FULFILLMENT','PARTIALLY_SHIPPED')`,
    )
    expect(conn.totalCount).toBe(open[0].n)
    expect(conn.totalCount).toBeGreaterThan(5)
    const probabilities = conn.nodes.map((o: { slaRisk: Risk }) => o.slaRisk.probability ?? -1)
    expect(probabilities).toEqual([...probabilities].sort((a: number, b: number) => b - a))
    for (const o of conn.nodes as Array<{ slaRisk: Risk }>) {
      expect(o.slaRisk.terms.map((x) => x.name)).toEqual(
        expect.arrayContaining(['status', 'node', 'serviceLevel', 'hoursLeft', 'backlogAhead', 'releaseRoomToday', 'releaseQueue', 'releaseRuleAtRisk']),
      )
    }
    const second = await t().gql(AT_RISK, { first: 5, after: conn.pageInfo.endCursor }, { role: 'OPERATIONS' })
    const next = second.data.ordersAtRisk.nodes as Array<{ id: string; slaRisk: Risk }>
    expect(next.some((o) => conn.nodes.some((p: { id: string }) => p.id === o.id))).toBe(false)
    expect(next[0].slaRisk.probability ?? -1).toBeLessThanOrEqual(probabilities[probabilities.length - 1])
  })

  it('states a probability a person can recompute from its basis, and keeps the release rule as a term', async () => {
    const res = await t().gql(AT_RISK, { first: 40 }, { role: 'EXECUTIVE' })
    const risks = (res.data.ordersAtRisk.nodes as Array<{ slaRisk: Risk }>).map((o) => o.slaRisk)
    const learnt = risks.filter((r) => !['PAST_SHIP_BY', 'NO_HISTORY', 'ALL'].includes(r.basis.level))
    expect(learnt.length).toBeGreaterThan(0)
    for (const r of learnt) {
      const { misses, observations, pseudoCount, priorRate } = r.basis
      expect(r.probability).toBeCloseTo((misses + pseudoCount * priorRate!) / (observations + pseudoCount), 3)
      expect(r.atRisk).toBe(r.probability! >= r.threshold)
      const rule = r.terms.find((x) => x.name === 'releaseRuleAtRisk')!
      expect(['yes', 'no']).toContain(rule.value)
    }
    for (const r of risks.filter((x) => x.basis.level === 'PAST_SHIP_BY')) expect(r.probability).toBe(1)
  })

  it('answers Order.slaRisk for a page of orders in one read, null for orders no longer open', async () => {
    const res = await t().gql(`{ orders(first: 60) { nodes { number status slaRisk { probability basis { level } } } } }`, undefined, { role: 'OPERATIONS' })
    expect(res.errors).toBeUndefined()
    const nodes = res.data.orders.nodes as Array<{ status: string; slaRisk: Risk | null }>
    const closed = ['SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURN_REQUESTED', 'RETURNED']
    for (const o of nodes) expect(o.slaRisk === null).toBe(closed.includes(o.status))
    expect(nodes.some((o) => o.slaRisk !== null)).toBe(true)
    const partner = await t().gql(`{ orders(first: 1) { nodes { slaRisk { probability } } } }`, undefined, { role: 'PARTNER', channel: 'MARKET-A' })
    expect(partner.errors?.[0].extensions?.code).toBe('FORBIDDEN')
  })

  it('filters by node and refuses an unknown one', async () => {
    const main = await t().gql(AT_RISK, { loc: 'MAIN', first: 30 }, { role: 'OPERATIONS' })
    expect(main.errors).toBeUndefined()
    const nodes = main.data.ordersAtRisk.nodes as Array<{ number: string; slaRisk: Risk }>
    expect(nodes.length).toBeGreaterThan(0)
    // Every order listed has work at MAIN (a split order is listed at both of its nodes; its `node` term names the
    // node of its least advanced fulfillment order, which may be the other one).
    const atMain = await t().database.db.sql.query(
      `SELECT DISTINCT o.number FROM orders o JOIN fulfillment_orders f ON f.order_id = o.id JOIN locations l ON l.id = f.location_id
       WHERE l.code = 'MAIN' AND f.status NOT IN ('SHIPPED', 'CANCELLED')`,
    )
    const mainNumbers = new Set(atMain.map((r) => String(r.number)))
    expect(nodes.filter((o) => !mainNumbers.has(o.number))).toEqual([])
    expect(nodes.some((o) => o.slaRisk.terms.find((x) => x.name === 'node')!.value === 'MAIN')).toBe(true)
    const unknown = await t().gql(AT_RISK, { loc: 'NOWHERE' }, { role: 'OPERATIONS' })
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND')
  })

  it('describes an order at a moment exactly as the history read describes it at that origin (what the back-test replays)', async () => {
    const prisma = t().app.db.prisma
    const s = await slaRiskSettings(prisma)
    const origin = gridOriginAtOrBefore(new Date(Date.now() - 5 * 24 * HOUR), s)
    const history = (await historySnapshots(prisma, s, { from: new Date(origin.getTime() - 3 * HOUR), to: origin })).filter((r) => r.at.getTime() === origin.getTime())
    const live = await openOrderSnapshots(prisma, origin, s, { all: true })
    expect(live.length).toBeGreaterThan(0)
    expect(live.map(({ at: _a, ...r }) => r)).toEqual([...history].sort((a, b) => a.orderId - b.orderId).map(({ at: _a, ...r }) => r))
    // The queue is measured against what release lets through a day: MAIN packs fewer than it picks, so packing bounds it.
    const main = await prisma.location.findUniqueOrThrow({ where: { code: 'MAIN' } })
    expect(main.dailyPackCapacity).toBeLessThan(main.dailyPickCapacity)
    expect(new Set(live.filter((r) => r.node === 'MAIN').map((r) => r.dailyCapacity))).toEqual(new Set([main.dailyPackCapacity]))
  })

  it('opens one SHIP_BY_RISK exception per order at or above the threshold, again and again only once, and resolves it when the order is cancelled', async () => {
    const prisma = t().app.db.prisma
    const now = new Date()
    // How many demo orders stand above 0.5 depends on the hour the suite runs (cut-offs, the node's local day), so
    // the threshold is placed at the riskiest cancellable order the model sees now: at least that order is flagged,
    // whatever the hour, and the rule under test (flag at or above the threshold, once) is the same.
    const risks = await slaRisks(prisma, { all: true }, { asOf: now })
    const statusOf = (r: (typeof risks)[number]) => r.terms.find((x) => x.name === 'status')?.value
    const candidates = risks.filter((r) => r.probability !== null && ['ALLOCATED', 'RELEASED', 'BACKORDERED'].includes(statusOf(r) ?? ''))
    expect(candidates.length).toBeGreaterThan(0)
    const threshold = Math.min(0.5, Math.max(...candidates.map((r) => r.probability!)))
    const settings = { ...SETTING_DEFAULTS['orders.slaRisk'], exceptionThreshold: threshold }
    await prisma.setting.upsert({ where: { key: 'orders.slaRisk' }, create: { key: 'orders.slaRisk', value: settings }, update: { value: settings } })
    try {
      const expected = risks.filter((r) => r.probability !== null && r.probability >= threshold && statusOf(r) !== 'ON_HOLD').length
      const first = await inTransaction(prisma, (tx) => flagShipByRisks(tx, {}, systemActor, now))
      expect(first.atRisk).toBe(expected)
      expect(first.atRisk).toBeGreaterThan(0)
      expect(first.opened).toBe(first.atRisk)
      const open = await prisma.exception.findMany({ where: { type: 'SHIP_BY_RISK', status: 'OPEN', dedupeKey: { startsWith: 'SHIP_BY_RISK:predicted:' } } })
      expect(open).toHaveLength(first.atRisk)
      for (const e of open) expect((e.data as { probability: number }).probability).toBeGreaterThanOrEqual(threshold)

      const again = await inTransaction(prisma, (tx) => flagShipByRisks(tx, {}, systemActor, now))
      expect(again).toMatchObject({ atRisk: first.atRisk, opened: 0 })

      const cancellable = await prisma.order.findFirst({ where: { id: { in: open.map((e) => e.orderId!) }, status: { in: ['ALLOCATED', 'RELEASED', 'BACKORDERED'] } } })
      expect(cancellable).not.toBeNull()
      await inTransaction(prisma, (tx) => cancelOrder(tx, { orderId: cancellable!.id, reason: 'Customer gave up waiting' }, systemActor))
      // As of a moment after the cancellation (as of `now` the order was still open).
      const third = await inTransaction(prisma, (tx) => flagShipByRisks(tx, {}, systemActor, new Date()))
      expect(third.opened).toBe(0)
      const settled = await prisma.exception.findFirstOrThrow({ where: { dedupeKey: `SHIP_BY_RISK:predicted:order:${cancellable!.id}` } })
      expect(settled.status).toBe('RESOLVED')
    } finally {
      await prisma.setting.delete({ where: { key: 'orders.slaRisk' } })
    }
  })
})
