import { DAY, HOUR, MINUTE, atLocal, dayOfWeek, localDay } from './calendar.ts'
import { makeBusinesses, makeCustomers, type Customer } from './customers.ts'
import { round2 } from './catalog.ts'
import { WeightedTable, type Rng } from './rng.ts'
import type { SkuInfo, World } from './world.ts'

export const FULL_SCALE_ORDERS = 20_000
export const HISTORY_DAYS = 90
/** The marketplace A promotion: 5 days starting this many days ago, at three times the usual volume. */
export const PROMO_START_DAYS_AGO = 23
export const PROMO_DAYS = 5

export type Hold = 'PAYMENT' | 'FRAUD' | 'ADDRESS'
export type ServiceLevel = 'STANDARD' | 'EXPRESS' | 'SAME_DAY'

export interface PlannedLine {
  sku: SkuInfo
  quantity: number
  unitPrice: number
}

/** An order as the channel sends it; the simulation then decides what happens to it. */
export interface PlannedOrder {
  placedAt: number
  channel: string
  externalId: string
  serviceLevel: ServiceLevel
  customer: Customer
  lines: PlannedLine[]
  hold: Hold | null
  paymentStatus: 'PENDING' | 'AUTHORIZED' | 'FAILED'
  fraudScore: number
  promo: boolean
}

const CHANNEL_SHARE: Record<string, number> = { STOREFRONT: 0.44, 'MARKET-A': 0.28, 'MARKET-B': 0.21, WHOLESALE: 0.07 }
// Chicago local hour of day (consumers shop in the evening, wholesale buyers in office hours).
const CONSUMER_HOURS = [0.22, 0.12, 0.08, 0.06, 0.06, 0.1, 0.25, 0.5, 0.8, 1, 1.1, 1.15, 1.2, 1.15, 1.1, 1.05, 1, 1, 1.1, 1.25, 1.3, 1.15, 0.8, 0.45]
const OFFICE_HOURS = CONSUMER_HOURS.map((_, h) => (h >= 7 && h <= 17 ? 1 : 0.02))
const CONSUMER_WEEKDAY = [1.05, 1.1, 1, 0.97, 0.95, 0.9, 0.92]
const OFFICE_WEEKDAY = [0.05, 1.05, 1, 1, 1, 0.95, 0.15]

/**
 * Draws ~20,000 x scale orders over the last 90 days: weekday and hour-of-day seasonality, slow growth, a 3x
 * promotion on MARKET-A, channel mix, service levels and 1-4 lines each from the SKU popularity distribution.
 * Counts per hour are apportioned exactly (largest remainder), so the total is deterministic.
 */
/**
 * The address a customer confirms when customer service reaches them about an ADDRESS hold: a postal code of the
 * country's shape (the first three digits kept) and a street line if it had none. The seed's history and the scenario
 * lab's customer service both correct addresses with it.
 */
export function correctedAddress(rng: Rng, a: { postalCode: string; line1: string }): { postalCode: string; line1: string } {
  const postalCode = `${a.postalCode.slice(0, 3)}${String(rng.int(1, 99)).padStart(2, '0')}`
  return { postalCode, line1: a.line1 || `${rng.int(10, 999)} Main St` }
}

export function planOrders(w: World): PlannedOrder[] {
  const rng = w.rng.fork('orders')
  const tz = 'America/Chicago'
  const today = localDay(tz, w.now)
  const first = today - HISTORY_DAYS
  const promoFrom = today - PROMO_START_DAYS_AGO
  const total = Math.max(20, Math.round(FULL_SCALE_ORDERS * w.scale))

  const cells: Array<{ start: number; channel: string; weight: number; promo: boolean }> = []
  for (let day = first; day <= today; day++) {
    const growth = 0.88 + (0.24 * (day - first)) / HISTORY_DAYS
    const dow = dayOfWeek(day)
    for (let h = 0; h < 24; h++) {
      const start = atLocal(tz, day, h * 60)
      if (start >= w.now || start < w.now - HISTORY_DAYS * DAY) continue
      for (const channel of Object.keys(CHANNEL_SHARE)) {
        const office = channel === 'WHOLESALE'
        const promo = channel === 'MARKET-A' && day >= promoFrom && day < promoFrom + PROMO_DAYS
        const weight =
          CHANNEL_SHARE[channel] * growth * (office ? OFFICE_WEEKDAY[dow] * OFFICE_HOURS[h] : CONSUMER_WEEKDAY[dow] * CONSUMER_HOURS[h]) * (promo ? 3 : 1)
        cells.push({ start, channel, weight, promo })
      }
    }
  }
  const sum = cells.reduce((s, c) => s + c.weight, 0)
  const exact = cells.map((c) => (c.weight / sum) * total)
  const counts = exact.map(Math.floor)
  let missing = total - counts.reduce((s, c) => s + c, 0)
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1])
  for (let k = 0; missing > 0; k++, missing--) counts[byRemainder[k][1]]++

  const sellable = w.skus.filter((s) => !s.isBundle)
  const table = new WeightedTable(sellable.map((s) => s.demandWeight))
  const byPopularity = [...sellable].sort((a, b) => b.demandWeight - a.demandWeight)
  const promoSkus = byPopularity.slice(3, 15)
  // Wholesale buyers order case packs of the established sellers only.
  const wholesaleRange = byPopularity.slice(0, 120)
  const wholesaleTable = new WeightedTable(wholesaleRange.map((s) => s.demandWeight))
  const customers = makeCustomers(rng, Math.max(150, Math.round(13_000 * w.scale)))
  const businesses = makeBusinesses(rng, 60)
  const seq: Record<string, number> = {}

  const orders: PlannedOrder[] = []
  cells.forEach((cell, i) => {
    for (let k = 0; k < counts[i]; k++) {
      const placedAt = Math.min(cell.start + Math.floor(rng.next() * HOUR), w.now - MINUTE)
      orders.push(drawOrder(cell.channel, placedAt, cell.promo))
    }
  })
  orders.sort((a, b) => a.placedAt - b.placedAt)
  return orders

  function drawOrder(channel: string, placedAt: number, promo: boolean): PlannedOrder {
    const wholesale = channel === 'WHOLESALE'
    const n = seq[channel] = (seq[channel] ?? 0) + 1
    const lineCount = 1 + rng.weighted(wholesale ? [0.2, 0.3, 0.3, 0.2] : [0.55, 0.27, 0.12, 0.06])
    const lines: PlannedLine[] = []
    const used = new Set<number>()
    for (let attempts = 0; lines.length < lineCount && attempts < 20; attempts++) {
      const sku = wholesale ? wholesaleRange[wholesaleTable.draw(rng)] : promo && rng.chance(0.45) ? rng.pick(promoSkus) : sellable[table.draw(rng)]
      if (used.has(sku.id)) continue
      used.add(sku.id)
      const quantity = wholesale ? 6 * rng.int(1, 3) : 1 + rng.weighted([0.78, 0.16, 0.06])
      const factor = wholesale ? 0.62 : promo && promoSkus.includes(sku) ? 0.8 : 1
      lines.push({ sku, quantity, unitPrice: round2(sku.price * factor) })
    }
    const serviceLevel: ServiceLevel =
      channel === 'STOREFRONT' ? (['STANDARD', 'EXPRESS', 'SAME_DAY'] as const)[rng.weighted([0.72, 0.2, 0.08])]
      : channel === 'WHOLESALE' ? 'STANDARD'
      : rng.chance(channel === 'MARKET-A' ? 0.15 : 0.1) ? 'EXPRESS' : 'STANDARD'
    let customer = wholesale ? rng.pick(businesses) : rng.pick(customers)
    let hold: Hold | null = null
    let paymentStatus: PlannedOrder['paymentStatus'] = 'AUTHORIZED'
    let fraudScore = wholesale ? 0.01 : round2(Math.pow(rng.next(), 3) * 0.45)
    if (!wholesale) {
      const r = rng.next()
      if (r < 0.01) {
        hold = 'FRAUD'
        fraudScore = round2(rng.uniform(0.86, 0.99))
      } else if (r < 0.032) {
        hold = 'PAYMENT'
        paymentStatus = rng.chance(0.3) ? 'FAILED' : 'PENDING'
      } else if (r < 0.04) {
        hold = 'ADDRESS'
        customer = { ...customer, postalCode: customer.postalCode.slice(0, 3) + (rng.chance(0.5) ? '' : 'X'), line1: rng.chance(0.5) ? customer.line1 : '' }
      }
    }
    const externalId =
      channel === 'STOREFRONT' ? `SF-${1_000_000 + n}`
      : channel === 'MARKET-A' ? `MA-${rng.int(100, 999)}-${String(n).padStart(7, '0')}`
      : channel === 'MARKET-B' ? `MB${String(70_000_000 + n * 7)}`
      : `WPO-${String(n).padStart(5, '0')}`
    return { placedAt, channel, externalId, serviceLevel, customer, lines, hold, paymentStatus, fraudScore, promo }
  }
}
