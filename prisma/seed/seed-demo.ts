// The demo scenario (DESIGN.md "The operating scenario"): a mid-market retailer with a storefront, two
// marketplaces and a wholesale portal, shipping from a main DC and an overflow 3PL. Everything is generated in
// memory by a deterministic simulation of the last 90 days, then written in bulk in one transaction.
import cliProgress from 'cli-progress'
import type { Database } from '@ops-hub/db'
import { HOUR } from './calendar.ts'
import { classifyAbc, seedCatalog } from './catalog.ts'
import { Exceptions } from './exceptions.ts'
import { Fulfilment } from './fulfilment.ts'
import { Governance } from './governance.ts'
import { OPENING_OFFSET, seedPositions } from './inventory.ts'
import { seedAllocationRules, seedNetwork } from './network.ts'
import { HISTORY_DAYS, planOrders } from './orders.ts'
import { persistWorld, WRITE_PHASES } from './persist.ts'
import { Procurement } from './procurement.ts'
import { Rng } from './rng.ts'
import { Simulation } from './simulation.ts'
import { Stock, type Position } from './stock.ts'
import { seedUsers } from './users.ts'
import { seedWaves } from './warehouse.ts'
import { World } from './world.ts'

export interface SeedOptions {
  /** Same seed, same scenario (ids, quantities, timestamps relative to `now`). */
  seed: number
  /** Show a progress bar on stderr. */
  progress?: boolean
  /** Fraction of the full ~20,000-order history (tests use ~0.05). */
  scale?: number
  /** The seed's clock (rounded down to the hour); defaults to the current time. */
  now?: Date
}

export interface SeedReport {
  seed: number
  scale: number
  now: Date
  /** False when another process seeded the database first (nothing was written). */
  seeded: boolean
  rows: number
  orders: number
  generateMs: number
  writeMs: number
}

/** Seeds the demo scenario into an empty, migrated database. */
export async function seedDemo(db: Database, opts: SeedOptions): Promise<SeedReport> {
  const started = performance.now()
  const now = Math.floor((opts.now ?? new Date()).getTime() / HOUR) * HOUR
  const scale = opts.scale ?? 1
  const bar = opts.progress
    ? new cliProgress.SingleBar(
        { format: 'Seeding demo data {bar} {percentage}% | {phase}', hideCursor: true, clearOnComplete: false, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : null
  bar?.start(100, 0, { phase: 'planning catalog' })
  const step = (value: number, phase: string) => bar?.update(value, { phase })

  const w = new World(new Rng(opts.seed), now, scale)
  seedCatalog(w)
  step(2, 'planning network')
  seedNetwork(w)
  seedUsers(w)
  step(4, 'planning orders')
  const plans = planOrders(w)
  const sales = new Map<number, number>()
  for (const o of plans) {
    for (const l of o.lines) {
      l.sku.unitsSold += l.quantity
      sales.set(l.sku.id, (sales.get(l.sku.id) ?? 0) + l.quantity * l.unitPrice)
    }
  }
  for (const s of w.skus) s.dailyDemand = s.unitsSold / HISTORY_DAYS
  classifyAbc(w, sales)
  seedAllocationRules(w)

  step(8, 'planning procurement')
  const procurement = new Procurement(w)
  procurement.seedSuppliers()
  const rng = w.rng.fork('scarcity')
  const shortLead = w.skus.filter((s) => !s.isBundle && s.abc === 'B' && procurement.primary.get(s.id)!.leadMean <= 10 && s.dailyDemand * scale > 0)
  for (const s of rng.shuffle(shortLead).slice(0, 3)) procurement.scarce.add(s.id)

  step(10, 'planning stock')
  const stock = new Stock(w)
  const exceptions = new Exceptions(w)
  const opened = now - OPENING_OFFSET
  seedPositions(w, stock, procurement, opened)
  stock.assignErrorRates(w.rng.fork('drift'), { openedAt: opened, meanDaysSinceCount: countingIntervalDays(w, stock) })
  const sim = new Simulation(w, stock, exceptions, w.rng.fork('simulation'))
  sim.t = opened
  const fulfilment = new Fulfilment(sim)
  fulfilment.schedule(plans)
  procurement.scheduleReviews(sim, opened)
  const governance = new Governance(sim)
  governance.schedule(opened)
  governance.scheduleQualityHold(procurement.scarce)
  step(12, 'simulating 90 days of orders, stock and procurement')
  sim.run()

  step(30, 'closing the books: governance and exceptions')
  fulfilment.finish()
  seedWaves(w, fulfilment)
  governance.finish()
  exceptions.finish()
  stock.finish(w.rng.fork('bins'))
  const generated = performance.now()

  const rows = WRITE_PHASES.flatMap(([, tables]) => tables).reduce((s, t) => s + w.rows[t].length, 0)
  const orders = w.rows.orders.length
  let written = 0
  const wrote = await persistWorld(db, w, (phase, n) => {
    written += n
    step(35 + Math.floor((65 * written) / Math.max(1, rows)), `writing ${phase}`)
  })
  bar?.update(100, { phase: 'done' })
  bar?.stop()
  return {
    seed: opts.seed,
    scale,
    now: new Date(now),
    seeded: wrote,
    rows: wrote ? rows : 0,
    orders: wrote ? orders : 0,
    generateMs: Math.round(generated - started),
    writeMs: Math.round(performance.now() - generated),
  }
}

/**
 * How long a position goes between counts on average, as the governance simulation counts (three a working day at
 * MAIN, A items six times and B items three times as likely as C items; the 3PL's stock is checked by its feeds).
 */
function countingIntervalDays(w: World, stock: Stock): (p: Position) => number {
  const weight = (p: Position) => (p.sku.abc === 'A' ? 6 : p.sku.abc === 'B' ? 3 : 1)
  const main = w.node('MAIN')
  const total = stock.positions.filter((p) => p.node === main).reduce((s, p) => s + weight(p), 0)
  // Six working days a week.
  return (p) => (p.node === main ? total / (3 * (6 / 7) * weight(p)) : 90)
}
