// The scenario's customers (issue 20): they give up on an order that is late - past the ship-by the hub promised,
// or backordered - once it is older than their channel's patience, whatever holds it (stock, a hold, a warehouse's
// queue), and work already picked for it goes back to the shelf; customer service corrects an address that failed
// the carrier checks, or cancels the order when the customer never confirms. The seed's world at the scenario's
// start, one engine, the clock moved by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scenarioParams, SCENARIO_START } from '@ops-hub/simulator'
import { SimClock } from '../../packages/simulator/src/clock.ts'
import { scratchDatabase, type ScratchDatabase } from '../../packages/simulator/src/database.ts'
import { DAY, HOUR, RATES, ScenarioEngine, type DayStats } from '../../packages/simulator/src/engine.ts'

const params = scenarioParams({ scenario: 'promo-spike', days: 10, seed: 3 })
let clock: SimClock
let scratch: ScratchDatabase
let engine: ScenarioEngine

beforeAll(async () => {
  clock = new SimClock(SCENARIO_START)
  clock.install()
  scratch = await scratchDatabase('customers', process.env.DATABASE_URL || undefined)
  engine = new ScenarioEngine(scratch.db, clock, params, 'hub')
  await engine.setup()
}, 600_000)

afterAll(async () => {
  await scratch?.dispose()
  clock?.uninstall()
})

describe('the scenario customers', () => {
  it('cancel exactly the late orders older than their patience, and picked units go back to the shelf', async () => {
    const prisma = scratch.db.prisma
    await engine.at(SCENARIO_START.getTime() + 4 * DAY)
    const now = clock.time
    const open = await prisma.order.findMany({
      where: { status: { notIn: ['PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURN_REQUESTED', 'RETURNED'] } },
      select: { id: true, status: true, placedAt: true, shipBy: true, channel: { select: { code: true } } },
    })
    const due = open.filter((o) => {
      const patience = RATES.patienceDays[o.channel.code]
      const late = o.status === 'BACKORDERED' || !o.shipBy || o.shipBy.getTime() <= now
      return late && now - o.placedAt.getTime() >= patience * DAY
    })
    // The seed's world has late orders and orders still within their promise at this hour: the rule has both to tell apart.
    expect(due.length).toBeGreaterThan(0)
    expect(open.length).toBeGreaterThan(due.length)
    const picked = await prisma.pickTask.findMany({
      where: { pickedQuantity: { gt: 0 }, fulfillmentOrder: { orderId: { in: due.map((o) => o.id) }, status: { in: ['PICKING', 'PACKED'] } } },
      select: { skuId: true, pickedQuantity: true, fulfillmentOrder: { select: { locationId: true } } },
    })
    // Some of them were being picked when their customers gave up (the seed leaves waves in progress).
    expect(picked.length).toBeGreaterThan(0)
    const shelvesBefore = new Map(engine.physical)

    await engine.customersGiveUp()

    const after = await prisma.order.findMany({ where: { id: { in: open.map((o) => o.id) } }, select: { id: true, status: true, cancelReason: true } })
    const cancelled = after.filter((o) => o.status === 'CANCELLED').map((o) => o.id).sort((a, b) => a - b)
    expect(cancelled).toEqual(due.map((o) => o.id).sort((a, b) => a - b))
    for (const o of after.filter((x) => x.status === 'CANCELLED')) expect(o.cancelReason).toMatch(/^Customer cancelled: (backordered for more than|not shipped) \d+ days/)
    // What had been picked for them is back on the shelf (the hub put it back in its bin; so did the picker).
    const back = new Map<string, number>()
    for (const t of picked) back.set(`${t.skuId}:${t.fulfillmentOrder.locationId}`, (back.get(`${t.skuId}:${t.fulfillmentOrder.locationId}`) ?? 0) + t.pickedQuantity)
    for (const [key, units] of engine.physical) expect(units, key).toBe((shelvesBefore.get(key) ?? 0) + (back.get(key) ?? 0))
  })

  it('customer service corrects an address hold with the customer, or cancels the order when the customer never confirms', async () => {
    const prisma = scratch.db.prisma
    const stats: DayStats = { day: '', customers: 0, orders: 0, backlog: 0, cancellations: 0, shipped: 0, onTime: 0 }
    const templates = engine.templates.get('STOREFRONT')!.filter((t) => t.shipTo.country === 'US').slice(0, 12)
    const firstId = (await prisma.order.aggregate({ _max: { id: true } }))._max.id ?? 0
    for (const t of templates) await engine.placeOrder('STOREFRONT', { ...t, shipTo: { ...t.shipTo, postalCode: '123' } }, clock.time, null, stats)
    const held = await prisma.order.findMany({ where: { id: { gt: firstId } }, select: { id: true, status: true, holds: true } })
    expect(held.length).toBeGreaterThan(5)
    for (const o of held) expect([o.status, o.holds]).toEqual(['ON_HOLD', ['ADDRESS']])

    await engine.drain(clock.time + 73 * HOUR)

    const worked = await prisma.order.findMany({ where: { id: { gt: firstId } }, select: { status: true, holds: true, shipToPostalCode: true, cancelReason: true } })
    const corrected = worked.filter((o) => o.status !== 'CANCELLED')
    expect(corrected.length).toBeGreaterThan(0)
    for (const o of corrected) {
      expect(o.holds).toEqual([])
      expect(o.shipToPostalCode).toMatch(/^123\d\d$/)
      expect(['ALLOCATED', 'PARTIALLY_ALLOCATED', 'BACKORDERED']).toContain(o.status)
    }
    for (const o of worked.filter((x) => x.status === 'CANCELLED')) expect(o.cancelReason).toBe('Customer did not confirm the address')
    const open = await prisma.exception.count({ where: { type: 'ADDRESS_INVALID', orderId: { gt: firstId }, status: { not: 'RESOLVED' } } })
    expect(open).toBe(0)
  })
})
