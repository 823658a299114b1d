import { DAY, HOUR } from './calendar.ts'
import type { Procurement } from './procurement.ts'
import type { Stock } from './stock.ts'
import type { World } from './world.ts'

/**
 * Planned share of a carried SKU's demand per node (western customers and marketplace B prefer the 3PL). The
 * shares add up to more than 1 and carry a growth buffer: planners cover for the node that runs out first.
 */
const TPL_SHARE = 0.45
const MAIN_SHARE = 0.7
const PLANNING_BUFFER = 1.25

/**
 * Stock positions: every SKU at MAIN, the ~200 best sellers (and a few others) at the 3PL, each with home bins,
 * safety stock from its class and an opening balance (written to the ledger 90 days ago) near its order-up-to level.
 */
export function seedPositions(w: World, stock: Stock, procurement: Procurement, openedAt: number): void {
  const rng = w.rng.fork('positions')
  const main = w.node('MAIN')
  const tpl = w.node('OVERFLOW-3PL')
  const sellable = w.skus.filter((s) => !s.isBundle)
  const byDemand = [...sellable].sort((a, b) => b.dailyDemand - a.dailyDemand || a.id - b.id)
  const atTpl = new Set(byDemand.slice(0, 150).map((s) => s.id))
  for (const s of rng.shuffle(byDemand.slice(150)).slice(0, 50)) atTpl.add(s.id)

  const bins = (locationId: number) => w.rows.bins.filter((b) => b.location_id === locationId).sort((a, b) => (a.sequence as number) - (b.sequence as number))
  const mainBins = bins(main.id)
  const tplBins = bins(tpl.id)
  const bulk = mainBins.filter((b) => b.zone === 'BULK')

  byDemand.forEach((sku, i) => {
    const home = mainBins[i % mainBins.length].id as number
    const second = rng.chance(0.25) ? (rng.pick(bulk).id as number) : undefined
    const p = stock.create(sku, main, second && second !== home ? [home, second] : [home])
    p.dailyDemand = sku.dailyDemand * PLANNING_BUFFER * (atTpl.has(sku.id) ? MAIN_SHARE : 1)
  })
  let k = 0
  for (const sku of byDemand) {
    if (!atTpl.has(sku.id)) continue
    const home = tplBins[Math.floor(k++ / 2) % tplBins.length].id as number
    const second = rng.chance(0.2) ? (rng.pick(tplBins).id as number) : undefined
    const p = stock.create(sku, tpl, second && second !== home ? [home, second] : [home])
    p.dailyDemand = sku.dailyDemand * PLANNING_BUFFER * TPL_SHARE
  }

  for (const p of stock.positions) {
    const factor = p.sku.abc === 'A' ? 2 : p.sku.abc === 'B' ? 1.5 : 0.5
    const safety = p.dailyDemand > 0 ? Math.ceil(p.dailyDemand * factor) : 0
    p.safetyStock = safety
    const { orderUpTo } = procurement.levels(p)
    const opening = Math.max(safety + 3, Math.round(orderUpTo * rng.uniform(0.75, 1)))
    p.safetyStock = 0
    stock.move(p, 'RECEIVED', { onHand: opening, safetyStock: safety }, openedAt, {
      actor: 'system',
      reason: 'OPENING_BALANCE',
      ref: 'migration:opening-balance',
      metadata: { note: 'Balance carried over from the previous system' },
    })
  }
}

export const OPENING_OFFSET = 90 * DAY + 2 * HOUR
