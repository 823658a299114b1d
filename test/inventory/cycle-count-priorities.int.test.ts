import { beforeAll, describe, expect, it } from 'vitest'
import { SETTING_DEFAULTS } from '@ops-hub/domain'
import { useTestApp } from '../helpers/test-app.ts'
import { createStockedPosition, createWarehouse } from '../helpers/factories/inventory.ts'

const t = useTestApp()
const DAY = 86_400_000

const PRIORITIES = `query ($loc: String, $first: Int) { cycleCountPriorities(locationCode: $loc, first: $first) {
  totalCount
  nodes { rank score confidence valueAtRisk daysSinceCount
    stockPosition { id sku { code } onHand }
    varianceChance { probability intercept slope counts countsWithVariance }
    terms { name value weight contribution input explanation } } } }`

type Priority = {
  rank: number
  score: number
  valueAtRisk: number
  daysSinceCount: number
  stockPosition: { sku: { code: string } }
  varianceChance: { probability: number | null; intercept: number | null; slope: number | null; counts: number; countsWithVariance: number }
  terms: Array<{ name: string; value: number; weight: number; contribution: number; input: number; explanation: string }>
}

const ops = { role: 'OPERATIONS' as const, sub: 'planner@test' }

/** A fixed-offset zone where the wall clock now shows `hour` (Etc/GMT+N is N hours behind UTC). */
function zoneAtLocalHour(hour: number): string {
  const n = ((new Date().getUTCHours() - hour + 36) % 24) - 12
  return n >= 0 ? `Etc/GMT+${n}` : `Etc/GMT-${-n}`
}

describe('cycle-count priorities', () => {
  let location: { id: number; code: string }
  const sku: Record<string, string> = {}

  beforeAll(async () => {
    const prisma = t().app.db.prisma
    location = await createWarehouse(prisma)
    const make = async (name: string, opts: { onHand: number; unitCost: number; abcClass: 'A' | 'B' | 'C'; countedDaysAgo: number }) => {
      const p = await createStockedPosition(prisma, { onHand: opts.onHand, unitCost: opts.unitCost, abcClass: opts.abcClass, location })
      await prisma.stockPosition.update({ where: { id: p.position.id }, data: { lastCountedAt: new Date(Date.now() - opts.countedDaysAgo * DAY) } })
      sku[name] = p.sku.code
      return p
    }
    // Same value, same class: only the time since their last count differs.
    await make('stale', { onHand: 100, unitCost: 50, abcClass: 'A', countedDaysAgo: 80 })
    await make('fresh', { onHand: 100, unitCost: 50, abcClass: 'A', countedDaysAgo: 1 })
    // Cheap, but its two earlier counts both found the book wrong.
    const erratic = await make('erratic', { onHand: 40, unitCost: 2, abcClass: 'C', countedDaysAgo: 10 })
    for (const daysAgo of [40, 10]) {
      await prisma.cycleCount.create({
        data: {
          stockPositionId: erratic.position.id, skuId: erratic.sku.id, locationId: location.id, status: 'COMPLETED', dueAt: new Date(Date.now() - daysAgo * DAY),
          attempt: 1, bookQuantity: 40, countedQuantity: 37, variance: -3, varianceRatio: 0.075, withinTolerance: true, countedAt: new Date(Date.now() - daysAgo * DAY),
        },
      })
    }
    // Cheap and recently counted, with two anomalous adjustments since (a fixed-offset zone where it is now 03:00).
    const night = await make('flagged', { onHand: 40, unitCost: 2, abcClass: 'C', countedDaysAgo: 3 })
    await prisma.location.update({ where: { id: location.id }, data: { timezone: zoneAtLocalHour(3) } })
    for (const q of [-1, -1]) {
      const res = await t().gql(
        `mutation ($input: AdjustInventoryInput!) { adjustInventory(input: $input) { adjustment { anomalyFlags } userErrors { code } } }`,
        { input: { sku: night.sku.code, locationCode: location.code, quantityDelta: q, reason: 'SHRINKAGE' } },
        ops,
      )
      expect(res.data.adjustInventory.adjustment.anomalyFlags).toContain('OFF_HOURS')
    }
    await prisma.location.update({ where: { id: location.id }, data: { timezone: 'UTC' } })
  })

  const rank = async (loc = location.code) => {
    const res = await t().gql(PRIORITIES, { loc, first: 10 }, ops)
    expect(res.errors).toBeUndefined()
    return res.data.cycleCountPriorities as { totalCount: number; nodes: Priority[] }
  }
  const of = (nodes: Priority[], name: string) => nodes.find((n) => n.stockPosition.sku.code === sku[name])!

  it('ranks a location’s positions by a stated score whose terms carry their weights and add up to it', async () => {
    const { totalCount, nodes } = await rank()
    expect(totalCount).toBe(4)
    expect(nodes.map((n) => n.rank)).toEqual([1, 2, 3, 4])
    expect(nodes.map((n) => n.score)).toEqual([...nodes.map((n) => n.score)].sort((a, b) => b - a))
    const weights = SETTING_DEFAULTS['inventory.countPriority'].weights
    for (const n of nodes) {
      expect(n.terms.map((x) => x.name)).toEqual(['lowConfidence', 'valueAtRisk', 'varianceHistory', 'daysSinceCount', 'anomalies'])
      for (const term of n.terms) expect(term.weight).toBe(weights[term.name as keyof typeof weights])
      expect(n.terms.reduce((s, x) => s + x.contribution, 0)).toBeCloseTo(n.score, 3)
    }
    expect(of(nodes, 'stale').rank).toBeLessThan(of(nodes, 'fresh').rank)
    const stale = of(nodes, 'stale')
    expect(stale.terms.find((x) => x.name === 'valueAtRisk')!.input).toBe(5000)
    expect(stale.terms.find((x) => x.name === 'daysSinceCount')!.input).toBeCloseTo(80, 0)
  })

  it('shows each position’s own record: earlier variances and anomalous adjustments since its last count', async () => {
    const { nodes } = await rank()
    const erratic = of(nodes, 'erratic').terms.find((x) => x.name === 'varianceHistory')!
    expect(erratic.input).toBe(2)
    // Both of its counts found a variance: (2 + 2 x location share 100%) / (2 + 2)
    expect(erratic.value).toBe(1)
    expect(of(nodes, 'fresh').terms.find((x) => x.name === 'varianceHistory')!.value).toBe(1)
    expect(of(nodes, 'flagged').terms.find((x) => x.name === 'anomalies')).toMatchObject({ input: 2, value: 1 })
    expect(of(nodes, 'erratic').terms.find((x) => x.name === 'anomalies')).toMatchObject({ input: 0, value: 0 })
  })

  it('reads the score as the chance of a variance on the curve fitted to the location’s past counts', async () => {
    const { nodes } = await rank()
    for (const n of nodes) {
      const c = n.varianceChance
      expect(c).toMatchObject({ counts: 2, countsWithVariance: 2 })
      expect(c.probability).toBeCloseTo(1 / (1 + Math.exp(-(c.intercept! + c.slope! * n.score))), 3)
    }
  })

  it('follows the weights in settings: all weight on anomalies puts the flagged position first', async () => {
    const prisma = t().app.db.prisma
    const base = SETTING_DEFAULTS['inventory.countPriority']
    await prisma.setting.upsert({
      where: { key: 'inventory.countPriority' },
      create: { key: 'inventory.countPriority', value: { ...base, weights: { lowConfidence: 0, valueAtRisk: 0, varianceHistory: 0, daysSinceCount: 0, anomalies: 1 } } },
      update: { value: { ...base, weights: { lowConfidence: 0, valueAtRisk: 0, varianceHistory: 0, daysSinceCount: 0, anomalies: 1 } } },
    })
    try {
      const { nodes } = await rank()
      expect(nodes[0].stockPosition.sku.code).toBe(sku.flagged)
      expect(nodes[0].score).toBe(1)
    } finally {
      await prisma.setting.delete({ where: { key: 'inventory.countPriority' } })
    }
  })

  it('schedules only the highest priorities when more counts are due than the daily capacity', async () => {
    const prisma = t().app.db.prisma
    // Due: stale (A, 80 days) and erratic (C, made due here); fresh and flagged are not due.
    await prisma.stockPosition.updateMany({ where: { sku: { code: sku.erratic } }, data: { lastCountedAt: new Date(Date.now() - 400 * DAY) } })
    const before = await rank()
    const due = [of(before.nodes, 'stale'), of(before.nodes, 'erratic')].sort((a, b) => a.rank - b.rank)
    await prisma.setting.create({ data: { key: 'inventory.dailyCountCapacity', value: 1 } })
    try {
      const SCHEDULE = `mutation ($input: ScheduleCycleCountsInput!) { scheduleCycleCounts(input: $input) { scheduled due deferred userErrors { code } } }`
      const res = await t().gql(SCHEDULE, { input: { locationCode: location.code } }, ops)
      expect(res.data.scheduleCycleCounts).toEqual({ scheduled: 1, due: 2, deferred: 1, userErrors: [] })
      const scheduled = await prisma.cycleCount.findMany({ where: { locationId: location.id, status: 'SCHEDULED' }, include: { sku: true } })
      expect(scheduled.map((c) => c.sku.code)).toEqual([due[0].stockPosition.sku.code])
      // The day's capacity is used: nothing more until it frees up.
      expect((await t().gql(SCHEDULE, { input: { locationCode: location.code } }, ops)).data.scheduleCycleCounts).toMatchObject({ scheduled: 0, due: 1, deferred: 1 })
    } finally {
      await prisma.setting.delete({ where: { key: 'inventory.dailyCountCapacity' } })
    }
  })

  it('refuses an unknown location', async () => {
    const res = await t().gql(PRIORITIES, { loc: 'NOWHERE' }, ops)
    expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND')
  })
})
