// The scenario lab's simulator (issue 20, item 5): 30 simulated days at three times the scenario's normal volume
// (the promotion's multiplier on every day), both policies, on the embedded database, timed end to end (fresh
// databases, the seed's world, the run, the KPI report). Baseline in the same run: the same number of orders placed
// through placeOrder directly (one transaction each, as the locking path of order intake), on a fresh embedded
// database seeded the same way - what the simulator costs beyond taking the orders. BENCH_SIM_DAYS shortens it.
import { inTransaction, placeOrder } from '@ops-hub/domain'
import { runScenario, scenarioParams, SCENARIO_START } from '@ops-hub/simulator'
import { SimClock } from '../packages/simulator/src/clock.ts'
import { scratchDatabase } from '../packages/simulator/src/database.ts'
import { ScenarioEngine } from '../packages/simulator/src/engine.ts'
import type { Benchmark } from './harness.ts'

const DAYS = Number(process.env.BENCH_SIM_DAYS ?? 30)

const bench: Benchmark = {
  name: 'simulator: promo-spike at 3x volume',
  async run() {
    const params = scenarioParams({ scenario: 'promo-spike', days: DAYS, seed: 7, promoMultiplier: 3 })
    const started = performance.now()
    const report = await runScenario(params, { promoEveryDay: true })
    const simulated = (performance.now() - started) / 1000
    const orders = report.hub.daily.reduce((s, d) => s + d.orders, 0)

    // Baseline: the same count of orders through placeOrder on the same world, nothing else.
    const clock = new SimClock(SCENARIO_START)
    clock.install()
    let placed = 0
    let seconds = 0
    try {
      const scratch = await scratchDatabase('bench')
      try {
        const engine = new ScenarioEngine(scratch.db, clock, params, 'hub')
        await engine.setup()
        const channels = [...engine.templates.keys()]
        const t0 = performance.now()
        for (let i = 0; i < orders; i++) {
          const channelCode = channels[i % channels.length]
          const t = engine.templates.get(channelCode)![Math.floor(i / channels.length) % engine.templates.get(channelCode)!.length]
          clock.set(SCENARIO_START.getTime() + Math.floor((i * DAYS * 86_400_000) / orders))
          await inTransaction(scratch.db.prisma, (tx) =>
            placeOrder(tx, { channelCode, externalId: `BENCH-${i}`, serviceLevel: t.serviceLevel, customer: t.customer, shipTo: { ...t.shipTo }, payment: { status: 'AUTHORIZED' }, lines: t.lines }, { id: 'bench', role: 'ADMIN' }),
          )
          placed++
        }
        seconds = (performance.now() - t0) / 1000
      } finally {
        await scratch.dispose()
      }
    } finally {
      clock.uninstall()
    }
    return [
      {
        name: `${DAYS} simulated days at 3x volume, hub + naive side by side (${orders} orders per policy)`,
        value: simulated,
        unit: 's',
        baseline: { name: `the same ${placed} orders through placeOrder alone`, value: seconds, unit: 's' },
        ratio: simulated / Math.max(seconds, 1e-9),
        goal: DAYS === 30 ? '< 120 s' : undefined,
        notes: `simulated ${(orders / simulated).toFixed(1)} orders/s per policy (full lifecycle) vs ${(placed / Math.max(seconds, 1e-9)).toFixed(1)} orders/s placed`,
      },
    ]
  },
}

export default bench
