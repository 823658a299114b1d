// The Scenario lab through the API: a run started over HTTP is worked by the API's runner (the real simulator CLI as a
// child process), its progress pushed over the WebSocket, and its report served with both policies side by side.
import { describe, expect, it } from 'vitest'
import { createHubPubSub } from '../../apps/api/src/realtime/pubsub.ts'
import { createLogger } from '../../apps/api/src/logger.ts'
import { OUTBOX_TOPIC } from '../../apps/api/src/realtime/outbox-relay.ts'
import { startScenarioRunner } from '../../apps/api/src/workers/scenario-runner.ts'
import { useTestApp } from '../helpers/test-app.ts'
import { liveClient, subscribe } from '../helpers/live-client.ts'

const t = useTestApp({ scenarioRunner: true })

const START = /* GraphQL */ `
  mutation Start($input: StartScenarioRunInput!) {
    startScenarioRun(input: $input) {
      scenarioRun { id status params { days seed promoMultiplier feedIntervalHours supplierDelayDays } }
      userErrors { field message code }
    }
  }
`
const RUN_FIELDS = /* GraphQL */ `
  id status error
  progress { fraction policy day days }
  report {
    hub { kpis { oversoldUnits cancellationRate onTimeShipmentRate exceptionsByType { type count } } daily { day customers orders backlog cancellations onTimeRate } }
    naive { kpis { oversoldUnits cancellationRate onTimeShipmentRate exceptionsByType { type count } } daily { day customers orders backlog cancellations onTimeRate } }
    comparison { key label unit better hub naive difference winner }
  }
`
const WATCH = `subscription Watch($id: ID!) { scenarioRunUpdated(id: $id) { ${RUN_FIELDS} } }`
const params = { days: 1, promoMultiplier: 3, feedIntervalHours: 4, supplierDelayDays: 5, seed: 3 }

describe('Scenario lab API', () => {
  it('an executive starts a 1-day run over HTTP, watches it over the WebSocket, and it SUCCEEDS with the hub and naive sections', { timeout: 1_200_000 }, async () => {
    const started = await t().gql(START, { input: { ...params, idempotencyKey: 'lab-run-1' } }, { role: 'EXECUTIVE' })
    expect(started.errors).toBeUndefined()
    expect(started.data.startScenarioRun.userErrors).toEqual([])
    const run = started.data.startScenarioRun.scenarioRun
    expect(run.params).toEqual(params)
    // A retried click with the same key queues nothing more.
    const again = await t().gql(START, { input: { ...params, idempotencyKey: 'lab-run-1' } }, { role: 'EXECUTIVE' })
    expect(again.data.startScenarioRun.scenarioRun.id).toBe(run.id)
    expect(await t().app.db.prisma.scenarioRun.count()).toBe(1)

    const client = liveClient(t().url, await t().token('EXECUTIVE'))
    const live = subscribe(client, WATCH, { id: run.id })
    try {
      const first = await live.next(() => true, 30_000)
      expect(['QUEUED', 'RUNNING']).toContain(first.scenarioRunUpdated.status)
      const done = await live.next((v: any) => v.scenarioRunUpdated.status === 'SUCCEEDED' || v.scenarioRunUpdated.status === 'FAILED', 1_150_000)
      const final = done.scenarioRunUpdated
      expect(final.error).toBeNull()
      expect(final.status).toBe('SUCCEEDED')
      expect(final.progress).toMatchObject({ fraction: 1, day: 1, days: 1 })
      // Progress was pushed while it ran, not only at the end.
      const running = live.values.map((v: any) => v.scenarioRunUpdated).filter((r) => r.status === 'RUNNING')
      expect(running.length).toBeGreaterThan(0)
      // The bar only moves forward; it can reach 1 a moment before the report is stored.
      const fractions = running.map((r) => r.progress.fraction)
      expect(fractions).toEqual([...fractions].sort((a, b) => a - b))
      expect(fractions.every((f) => f >= 0 && f <= 1)).toBe(true)
      expect(running.every((r) => r.progress.policy === null || ['HUB', 'NAIVE'].includes(r.progress.policy))).toBe(true)

      for (const policy of ['hub', 'naive'] as const) {
        const section = final.report[policy]
        expect(section.daily).toHaveLength(1)
        expect(section.daily[0].day).toMatch(/^\d{4}-\d{2}-\d{2}$/)
        expect(section.daily[0].orders).toBeGreaterThan(0)
        expect(section.daily[0].customers).toBeGreaterThanOrEqual(section.daily[0].orders)
        expect(typeof section.kpis.oversoldUnits).toBe('number')
      }
      // The comparison holds each section's own figures (what the simulator found is its test's business, not this one's).
      const rows = new Map(final.report.comparison.map((r: any) => [r.key, r]))
      expect(rows.get('oversoldUnits')).toMatchObject({ better: 'LOWER', hub: final.report.hub.kpis.oversoldUnits, naive: final.report.naive.kpis.oversoldUnits })
      expect(rows.get('cancellationRate')).toMatchObject({ better: 'LOWER', unit: 'RATE', hub: final.report.hub.kpis.cancellationRate, naive: final.report.naive.kpis.cancellationRate })
      expect(rows.get('onTimeShipmentRate')).toMatchObject({ better: 'HIGHER', unit: 'RATE' })
      for (const row of final.report.comparison as any[]) {
        if (row.hub === null || row.naive === null) continue
        expect(row.difference).toBeCloseTo(row.hub - row.naive, 9)
        if (row.better === 'NEITHER') expect(row.winner).toBe('NONE')
        else if (row.hub === row.naive) expect(row.winner).toBe('EVEN')
        else expect(row.winner).toBe((row.better === 'LOWER') === row.hub < row.naive ? 'HUB' : 'NAIVE')
      }
    } finally {
      live.close()
      await client.dispose()
    }

    // Past runs are kept and listed, newest first; the row holds the report the simulator wrote.
    const listed = await t().gql(`{ scenarioRuns(first: 5) { totalCount nodes { id status startedAt finishedAt requestedBy } } }`, {}, { role: 'EXECUTIVE' })
    expect(listed.data.scenarioRuns.totalCount).toBe(1)
    expect(listed.data.scenarioRuns.nodes[0]).toMatchObject({ id: run.id, status: 'SUCCEEDED', requestedBy: 'executive@test' })
    const row = await t().app.db.prisma.scenarioRun.findFirstOrThrow()
    expect((row.report as any).params).toMatchObject({ days: 1, seed: 3 })
  })

  it('parameters out of bounds are userErrors naming each field, and queue nothing', async () => {
    const before = await t().app.db.prisma.scenarioRun.count()
    const res = await t().gql(START, { input: { days: 0, promoMultiplier: 11, feedIntervalHours: 49, supplierDelayDays: 31, seed: -1 } }, { role: 'ADMIN' })
    expect(res.errors).toBeUndefined()
    const payload = res.data.startScenarioRun
    expect(payload.scenarioRun).toBeNull()
    expect(payload.userErrors.map((e: any) => e.field.join('.')).sort()).toEqual(
      ['input.days', 'input.feedIntervalHours', 'input.promoMultiplier', 'input.seed', 'input.supplierDelayDays'].sort(),
    )
    expect(payload.userErrors.every((e: any) => e.code === 'INVALID_INPUT')).toBe(true)
    expect(await t().app.db.prisma.scenarioRun.count()).toBe(before)
  })

  it('other roles may neither start, list nor watch runs (FORBIDDEN)', async () => {
    const before = await t().app.db.prisma.scenarioRun.count()
    const started = await t().gql(START, { input: params }, { role: 'OPERATIONS' })
    expect(started.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect(await t().app.db.prisma.scenarioRun.count()).toBe(before)
    for (const role of ['OPERATIONS', 'PROCUREMENT', 'FINANCE'] as const) {
      const listed = await t().gql(`{ scenarioRuns(first: 5) { nodes { id } } }`, {}, { role })
      expect(listed.errors?.[0]?.extensions?.code, role).toBe('FORBIDDEN')
    }
    const run = await t().app.db.prisma.scenarioRun.findFirstOrThrow()
    const id = Buffer.from(`ScenarioRun:${run.id}`).toString('base64')
    const client = liveClient(t().url, await t().token('OPERATIONS'))
    const live = subscribe(client, WATCH, { id })
    try {
      await live.ended
      expect(JSON.stringify(live.errors)).toContain('FORBIDDEN')
      expect(live.values).toEqual([])
    } finally {
      live.close()
      await client.dispose()
    }
  })

  it('cancelling: a queued run is never started, a running one has its simulator stopped and frees the runner; a finished run cannot be cancelled', { timeout: 180_000 }, async () => {
    const CANCEL = `mutation ($input: CancelScenarioRunInput!) { cancelScenarioRun(input: $input) { scenarioRun { id status cancelledBy finishedAt nextStates } userErrors { field message code } } }`
    const status = async (id: string) => (await t().gql(`query($id: ID!) { node(id: $id) { ... on ScenarioRun { status progress { fraction } } } }`, { id }, { role: 'EXECUTIVE' })).data.node
    const start = async (days: number) => (await t().gql(START, { input: { ...params, days } }, { role: 'EXECUTIVE' })).data.startScenarioRun.scenarioRun.id as string
    // A long run takes this instance's runner; the next waits QUEUED behind it.
    const long = await start(60)
    await expect.poll(async () => (await status(long)).status, { timeout: 60_000 }).toBe('RUNNING')
    const queued = await start(1)
    expect((await status(queued)).status).toBe('QUEUED')

    const cancelQueued = await t().gql(CANCEL, { input: { id: queued } }, { role: 'EXECUTIVE' })
    expect(cancelQueued.data.cancelScenarioRun).toMatchObject({ userErrors: [], scenarioRun: { status: 'CANCELLED', cancelledBy: 'executive@test', nextStates: [] } })
    const cancelLong = await t().gql(CANCEL, { input: { id: long, idempotencyKey: 'cancel-long' } }, { role: 'ADMIN' })
    expect(cancelLong.data.cancelScenarioRun).toMatchObject({ userErrors: [], scenarioRun: { status: 'CANCELLED', cancelledBy: 'admin@test' } })
    // A retried click replays; a second cancel without the key is refused and changes nothing.
    const replay = await t().gql(CANCEL, { input: { id: long, idempotencyKey: 'cancel-long' } }, { role: 'ADMIN' })
    expect(replay.data.cancelScenarioRun.userErrors).toEqual([])
    const twice = await t().gql(CANCEL, { input: { id: long } }, { role: 'ADMIN' })
    expect(twice.data.cancelScenarioRun.userErrors).toMatchObject([{ code: 'ILLEGAL_TRANSITION', field: ['input', 'id'] }])
    expect((await t().gql(CANCEL, { input: { id: long } }, { role: 'OPERATIONS' })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    const unknown = await t().gql(CANCEL, { input: { id: Buffer.from('ScenarioRun:999999').toString('base64') } }, { role: 'ADMIN' })
    expect(unknown.data.cancelScenarioRun).toMatchObject({ scenarioRun: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'id'] }] })

    // The simulator was stopped at the runner's next heartbeat: the runner takes the next run, and the cancelled ones stay as they are.
    const next = await start(60)
    await expect.poll(async () => (await status(next)).status, { timeout: 60_000 }).toBe('RUNNING')
    expect((await status(queued)).status).toBe('CANCELLED')
    const frozen = await status(long)
    expect(frozen.status).toBe('CANCELLED')
    expect(await t().gql(CANCEL, { input: { id: next } }, { role: 'EXECUTIVE' })).toMatchObject({ data: { cancelScenarioRun: { userErrors: [] } } })
    await new Promise((r) => setTimeout(r, 6_000))
    expect(await status(long)).toEqual(frozen)
  })

  it('a run left RUNNING by a crashed instance is FAILED when a runner starts; queued runs wait for it', async () => {
    const prisma = t().app.db.prisma
    const orphan = await prisma.scenarioRun.create({
      data: { scenario: 'promo-spike', params: { scenario: 'promo-spike', ...params }, status: 'RUNNING', progressDays: 1, requestedBy: 'admin@test', runnerId: 'gone:1', startedAt: new Date(Date.now() - 600_000), heartbeatAt: new Date(Date.now() - 600_000) },
    })
    const alive = await prisma.scenarioRun.create({
      data: { scenario: 'promo-spike', params: { scenario: 'promo-spike', ...params }, status: 'RUNNING', progressDays: 1, requestedBy: 'admin@test', runnerId: 'busy:1', startedAt: new Date(), heartbeatAt: new Date() },
    })
    const { pubsub, close } = createHubPubSub()
    const runner = startScenarioRunner(t().app.db, pubsub, OUTBOX_TOPIC, createLogger('silent'), { pollMs: 60_000 })
    try {
      await expect.poll(async () => (await prisma.scenarioRun.findUniqueOrThrow({ where: { id: orphan.id } })).status, { timeout: 30_000 }).toBe('FAILED')
      const failed = await prisma.scenarioRun.findUniqueOrThrow({ where: { id: orphan.id } })
      expect(failed.error).toMatch(/Interrupted/)
      expect(failed.finishedAt).not.toBeNull()
      // A run another instance is still working (fresh heartbeat) is left alone.
      expect((await prisma.scenarioRun.findUniqueOrThrow({ where: { id: alive.id } })).status).toBe('RUNNING')
      const res = await t().gql(`query($id: ID!) { node(id: $id) { ... on ScenarioRun { status error } } }`, { id: Buffer.from(`ScenarioRun:${orphan.id}`).toString('base64') }, { role: 'EXECUTIVE' })
      expect(res.data.node).toMatchObject({ status: 'FAILED' })
    } finally {
      await runner.stop()
      await close()
      await prisma.scenarioRun.update({ where: { id: alive.id }, data: { status: 'FAILED', error: 'test cleanup' } })
    }
  })
})
