import { describe, expect, it } from 'vitest'
import { autoReleaseNode, autoWaveNode, inTransaction } from '@ops-hub/domain'
import { useTestApp } from '../helpers/test-app.ts'
import { createFulfilmentNode, createSalesChannel, createSellableSku } from '../helpers/factories/catalog.ts'
import { stockUp } from '../helpers/factories/stock.ts'
import { createAllocatedOrder } from '../helpers/factories/orders.ts'
import { createBins } from '../helpers/factories/warehouse.ts'
import { CONFIRM_PICK, VERIFY_PACK } from '../helpers/factories/fulfillment.ts'
import { uniqueCode } from '../helpers/unique.ts'

const t = useTestApp()
const ops = { role: 'OPERATIONS' as const, sub: 'lead@test' }

const CONFIGURE = `mutation ($input: ConfigureNodeAutomationInput!) { configureNodeAutomation(input: $input) {
  location { code automation { autoRelease releaseEveryMinutes autoWave waveAtOrders waveEveryMinutes maxLinesPerWave } }
  userErrors { field message code } } }`
const LOCATION = `query ($code: String!) { location(code: $code) {
  automation { autoRelease releaseEveryMinutes autoWave waveAtOrders waveEveryMinutes maxLinesPerWave }
  capacityToday { day afterCutoff pickCapacity packCapacity releaseCapacity boundBy released picked packed releasableLeft } } }`
const RELEASE = `mutation ($input: ReleaseOrdersInput!) { releaseOrders(input: $input) {
  capacity pickCapacity packCapacity boundBy released { number order { number } } heldBack { code reason } userErrors { code } } }`
const TIMELINE = `query ($n: String!) { order(number: $n) { status timeline { title detail actor } fulfillmentOrders { id status } } }`

const configure = async (input: Record<string, unknown>, as: object = ops) => (await t().gql(CONFIGURE, { input }, as)).data?.configureNodeAutomation
const location = async (code: string) => (await t().gql(LOCATION, { code }, ops)).data.location
const timeline = async (n: string) => (await t().gql(TIMELINE, { n }, ops)).data.order
const nodeId = async (code: string) => (await t().app.db.prisma.location.findUniqueOrThrow({ where: { code } })).id
const run = <T>(fn: Parameters<typeof inTransaction<T>>[1]) => inTransaction(t().app.db.prisma, fn)

/** The Monday after `from`, at hh:mm UTC: a business day with no holiday in a fresh test database. */
function monday(hh: number, mm: number, from = new Date()) {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate() + ((8 - from.getUTCDay()) % 7 || 7), hh, mm))
  return d
}

async function world(node: { dailyPickCapacity?: number; dailyPackCapacity?: number; cutoffTime?: string } = {}) {
  const channel = await createSalesChannel(t())
  const code = await createFulfilmentNode(t(), { cutoffTime: '23:59', ...node })
  const sku = await createSellableSku(t())
  await stockUp(t(), sku, code, 100)
  return { channel, node: code, sku }
}

describe('configureNodeAutomation', () => {
  it('a node created through the API runs nothing by itself; settings change field by field', async () => {
    const { node } = await world()
    expect((await location(node)).automation).toEqual({ autoRelease: false, releaseEveryMinutes: 0, autoWave: false, waveAtOrders: null, waveEveryMinutes: null, maxLinesPerWave: 200 })

    const on = await configure({ locationCode: node, autoRelease: true, releaseEveryMinutes: 30, autoWave: true, waveAtOrders: 5 })
    expect(on).toEqual({ location: { code: node, automation: { autoRelease: true, releaseEveryMinutes: 30, autoWave: true, waveAtOrders: 5, waveEveryMinutes: null, maxLinesPerWave: 200 } }, userErrors: [] })
    const more = await configure({ locationCode: node, waveEveryMinutes: 20, maxLinesPerWave: 40 })
    expect(more.location.automation).toEqual({ autoRelease: true, releaseEveryMinutes: 30, autoWave: true, waveAtOrders: 5, waveEveryMinutes: 20, maxLinesPerWave: 40 })
    const cleared = await configure({ locationCode: node, waveAtOrders: null })
    expect(cleared.location.automation).toMatchObject({ waveAtOrders: null, waveEveryMinutes: 20 })
  })

  it('refuses unknown or non-fulfilment locations, impossible values and a wave with no trigger, changing nothing', async () => {
    const { node } = await world()
    const dock = uniqueCode('DOCK')
    await t().gql(`mutation ($input: CreateLocationInput!) { createLocation(input: $input) { userErrors { code } } }`, { input: { code: dock, name: 'Dock', kind: 'SUPPLIER_DOCK' } }, ops)
    expect((await configure({ locationCode: 'NO-SUCH-NODE', autoRelease: true })).userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'locationCode'] })])
    expect((await configure({ locationCode: dock, autoRelease: true })).userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })])
    expect((await configure({ locationCode: node, releaseEveryMinutes: -5 })).userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'releaseEveryMinutes'] })])
    expect((await configure({ locationCode: node, maxLinesPerWave: 0 })).userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'maxLinesPerWave'] })])
    expect((await configure({ locationCode: node, autoWave: true })).userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'autoWave'] })])
    const forbidden = await t().gql(CONFIGURE, { input: { locationCode: node, autoRelease: true } }, { role: 'CUSTOMER_SERVICE' })
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN')
    expect((await location(node)).automation).toMatchObject({ autoRelease: false, autoWave: false })
  })
})

describe('release by capacity and priority', () => {
  it('daily pick AND pack capacity bound release; the timeline says why and what capacity was left', async () => {
    // The release and the capacity read after it must fall in the same working day: a cut-off at 23:59 passed between
    // the orders and their release once, in a CI run at 23:59 UTC. Half a day away, no cut-off passes while it runs.
    const halfADayAway = `${String(new Date(Date.now() + 12 * 3_600_000).getUTCHours()).padStart(2, '0')}:00`
    const { channel, node, sku } = await world({ dailyPickCapacity: 5, dailyPackCapacity: 2, cutoffTime: halfADayAway })
    const orders = []
    for (let i = 0; i < 4; i++) orders.push(await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }]))
    const res = (await t().gql(RELEASE, { input: { locationCode: node } }, ops)).data.releaseOrders
    expect(res).toMatchObject({ capacity: 2, pickCapacity: 5, packCapacity: 2, boundBy: 'PACK', userErrors: [] })
    expect(res.released).toHaveLength(2)
    expect(res.heldBack).toEqual([
      { code: 'CAPACITY', reason: expect.stringMatching(/releases 2 per day \(pack capacity\)/) },
      { code: 'CAPACITY', reason: expect.stringMatching(/releases 2 per day \(pack capacity\)/) },
    ])
    const first = await timeline(res.released[0].order.number)
    expect(first.timeline).toContainEqual(expect.objectContaining({
      title: expect.stringMatching(/^Released to .+ for \d{4}-\d{2}-\d{2}$/),
      // Before its cut-off the release counts against today; after it (half the day), against the next working day.
      detail: expect.stringMatching(/released by lead@test; (after the cut-off, so it counts against \d{4}-\d{2}-\d{2}; )?capacity left for \d{4}-\d{2}-\d{2}: 1 of 2 \(pick 5\/day, pack 2\/day\)$/),
    }))
    const day = (await location(node)).capacityToday
    expect(day).toMatchObject({ pickCapacity: 5, packCapacity: 2, releaseCapacity: 2, boundBy: 'PACK', released: 2, releasableLeft: 0 })
  })

  it('when capacity is scarce, the channel with the better priority is released first, before age', async () => {
    const marketplace = await createSalesChannel(t(), { kind: 'MARKETPLACE', priority: 90 })
    const storefront = await createSalesChannel(t(), { priority: 10 })
    const { node, sku } = await world({ dailyPickCapacity: 1 })
    const older = await createAllocatedOrder(t(), marketplace, [{ sku, quantity: 1 }])
    const newer = await createAllocatedOrder(t(), storefront, [{ sku, quantity: 1 }])
    const res = (await t().gql(RELEASE, { input: { locationCode: node } }, ops)).data.releaseOrders
    expect(res.released.map((r: { order: { number: string } }) => r.order.number)).toEqual([newer.number])
    expect((await timeline(older.number)).status).toBe('ALLOCATED')
  })
})

describe('automatic release', () => {
  it('off: the node keeps manual release; on with slots: one release per slot, same rules, trigger on the timeline', async () => {
    const { channel, node, sku } = await world()
    const id = await nodeId(node)
    const a = await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }])
    expect(await run((tx) => autoReleaseNode(tx, { locationId: id }, monday(10, 5)))).toMatchObject({ skipped: 'OFF', released: 0 })
    expect((await timeline(a.number)).status).toBe('ALLOCATED')

    await configure({ locationCode: node, autoRelease: true, releaseEveryMinutes: 60 })
    const first = await run((tx) => autoReleaseNode(tx, { locationId: id }, monday(10, 5)))
    expect(first).toMatchObject({ skipped: null, released: 1, trigger: 'automatic release, slot 10:00-11:00 local (every 60 min)' })
    const released = await timeline(a.number)
    expect(released.status).toBe('RELEASED')
    expect(released.timeline).toContainEqual(expect.objectContaining({
      actor: `automation:${node}`,
      detail: expect.stringMatching(/automatic release, slot 10:00-11:00 local \(every 60 min\); capacity left for \d{4}-\d{2}-\d{2}: 999 of 1000/),
    }))

    const b = await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }])
    expect(await run((tx) => autoReleaseNode(tx, { locationId: id }, monday(10, 40)))).toMatchObject({ skipped: 'SLOT_ALREADY_RELEASED', released: 0 })
    expect((await timeline(b.number)).status).toBe('ALLOCATED')
    expect(await run((tx) => autoReleaseNode(tx, { locationId: id }, monday(11, 2)))).toMatchObject({ released: 1, trigger: 'automatic release, slot 11:00-12:00 local (every 60 min)' })
    expect((await timeline(b.number)).status).toBe('RELEASED')

    // releaseEveryMinutes 0: every run (the worker runs it on each allocation event) releases what is open.
    await configure({ locationCode: node, releaseEveryMinutes: 0 })
    const c = await createAllocatedOrder(t(), channel, [{ sku, quantity: 1 }])
    expect(await run((tx) => autoReleaseNode(tx, { locationId: id }, monday(11, 3)))).toMatchObject({ released: 1, trigger: 'automatic release on allocation' })
    expect((await timeline(c.number)).status).toBe('RELEASED')
    expect(await run((tx) => autoReleaseNode(tx, { locationId: id }, monday(11, 4)))).toMatchObject({ skipped: 'NOTHING_OPEN' })
  })
})

describe('automatic waves', () => {
  it('waves at the waiting count and on the timer, at most maxLinesPerWave lines, exactly as createPickWave does', async () => {
    const channel = await createSalesChannel(t())
    const node = await createFulfilmentNode(t(), { cutoffTime: '23:59' })
    const [x, y] = [await createSellableSku(t()), await createSellableSku(t())]
    await stockUp(t(), x, node, 50)
    await stockUp(t(), y, node, 50)
    await createBins(t(), node, [{ code: 'A-01', sequence: 1, stock: { [x]: 50 } }, { code: 'B-01', sequence: 2, stock: { [y]: 50 } }])
    const id = await nodeId(node)
    await configure({ locationCode: node, autoRelease: true, releaseEveryMinutes: 0, autoWave: true, waveAtOrders: 3, maxLinesPerWave: 3 })
    const at = monday(9, 0)
    const orders = []
    for (let i = 0; i < 2; i++) orders.push(await createAllocatedOrder(t(), channel, [{ sku: x, quantity: 1 }, { sku: y, quantity: 2 }]))
    await run((tx) => autoReleaseNode(tx, { locationId: id }, at))
    expect((await run((tx) => autoWaveNode(tx, { locationId: id }, at))).waves).toEqual([])

    orders.push(await createAllocatedOrder(t(), channel, [{ sku: x, quantity: 1 }, { sku: y, quantity: 2 }]))
    await run((tx) => autoReleaseNode(tx, { locationId: id }, at))
    // Three wait: a wave. Each fulfillment order has 2 lines, so a 3-line wave takes one; then two wait, below the count.
    const counted = await run((tx) => autoWaveNode(tx, { locationId: id }, at))
    expect(counted.waves).toEqual([expect.objectContaining({ fulfillmentOrders: 1, lines: 2, tasks: 2, trigger: 'automatic wave: 3 released order(s) waiting, wave at 3' })])
    const wave = await t().gql(`query ($n: String!) { pickWave(number: $n) { status createdBy tasks { bin { code } sku quantity sequence } fulfillmentOrders { status order { number status } } } }`, { n: counted.waves[0].number }, ops)
    expect(wave.data.pickWave).toMatchObject({ status: 'OPEN', createdBy: `automation:${node}` })
    expect(wave.data.pickWave.tasks).toEqual([
      { bin: { code: 'A-01' }, sku: x, quantity: 1, sequence: 1 },
      { bin: { code: 'B-01' }, sku: y, quantity: 2, sequence: 2 },
    ])
    const [waved] = wave.data.pickWave.fulfillmentOrders
    expect(waved).toMatchObject({ status: 'PICKING', order: { status: 'IN_FULFILLMENT' } })
    expect((await timeline(waved.order.number)).timeline).toContainEqual(expect.objectContaining({
      title: `Picking started (${counted.waves[0].number})`,
      detail: expect.stringMatching(/\(automatic wave: 3 released order\(s\) waiting, wave at 3, at most 3 line\(s\)\)$/),
    }))

    // The timer: once waveEveryMinutes passed since the last wave, whatever waits goes (still 3 lines at most).
    await configure({ locationCode: node, waveEveryMinutes: 15 })
    const lastWaveAt = (await t().app.db.prisma.nodeAutomation.findUniqueOrThrow({ where: { locationId: id } })).lastWaveAt!
    expect((await run((tx) => autoWaveNode(tx, { locationId: id }, new Date(lastWaveAt.getTime() + 14 * 60_000)))).waves).toEqual([])
    const timed = await run((tx) => autoWaveNode(tx, { locationId: id }, new Date(lastWaveAt.getTime() + 16 * 60_000)))
    expect(timed.waves).toEqual([expect.objectContaining({ fulfillmentOrders: 1, lines: 2, trigger: 'automatic wave: every 15 min, 2 released order(s) waiting' })])

    // Picked and packed work is counted against the node's day.
    const foId = (await timeline(waved.order.number)).fulfillmentOrders[0].id
    const tasks = (await t().gql(`query ($id: ID!) { node(id: $id) { ... on FulfillmentOrder { pickTasks { id quantity } } } }`, { id: foId }, ops)).data.node.pickTasks
    for (const task of tasks) expect((await t().gql(CONFIRM_PICK, { input: { taskId: task.id, pickedQuantity: task.quantity } }, ops)).data.confirmPick.userErrors).toEqual([])
    const packed = await t().gql(VERIFY_PACK, { input: { fulfillmentOrderId: foId, scannedItems: [{ sku: x, quantity: 1 }, { sku: y, quantity: 2 }] } }, ops)
    expect(packed.data.verifyPack.userErrors).toEqual([])
    const loads = await t().app.db.prisma.nodeDayLoad.findMany({ where: { locationId: id } })
    expect(loads.reduce((s, l) => s + l.picked, 0)).toBe(1)
    expect(loads.reduce((s, l) => s + l.packed, 0)).toBe(1)
  })
})
