import { DAY, WorkCalendar, isoDate, usHolidays } from './calendar.ts'
import type { World } from './world.ts'

export const CARRIER_SERVICES = [
  { carrier: 'UPS', service: 'GROUND', transitDaysMean: 3.4, transitDaysMax: 5, cost: 9.4 },
  { carrier: 'UPS', service: '2DAY', transitDaysMean: 2, transitDaysMax: 2, cost: 18.9 },
  { carrier: 'UPS', service: 'NEXT_DAY', transitDaysMean: 1, transitDaysMax: 1, cost: 32.5 },
  { carrier: 'USPS', service: 'PRIORITY', transitDaysMean: 2.6, transitDaysMax: 4, cost: 8.1 },
  { carrier: 'FEDEX', service: 'HOME', transitDaysMean: 3.1, transitDaysMax: 5, cost: 9.9 },
] as const
export type CarrierService = (typeof CARRIER_SERVICES)[number]

/** Channels, nodes with bins and capacities, carrier services and the network's holidays. */
export function seedNetwork(w: World): void {
  const created = new Date(w.now - 400 * DAY)
  for (const c of [
    { code: 'STOREFRONT', name: 'Own storefront', kind: 'STOREFRONT', priority: 10 },
    { code: 'MARKET-A', name: 'Marketplace A', kind: 'MARKETPLACE', priority: 50 },
    { code: 'MARKET-B', name: 'Marketplace B', kind: 'MARKETPLACE', priority: 60 },
    { code: 'WHOLESALE', name: 'Wholesale portal', kind: 'WHOLESALE', priority: 20 },
  ]) {
    const row = w.insert('channels', { ...c, active: true, created_at: created })
    w.channels.push({ id: row.id, code: c.code, kind: c.kind, priority: c.priority })
  }

  // The 3PL's contracted capacity sits just above its usual weekday load (~70-90 fulfillment orders): it runs near
  // full and routing sends the overflow back to MAIN on peak days, while MAIN has room to spare.
  const feedAt = w.now - 3 * 3_600_000 - 20 * 60_000
  for (const n of [
    {
      code: 'MAIN', name: 'Main DC', kind: 'WAREHOUSE', timezone: 'America/Chicago', cutoff_minutes: 15 * 60, daily_pick_capacity: 700,
      daily_pack_capacity: 650, shipping_cost_per_order: 6.4, region: 'IL', postal_code: '60446', latitude: 41.6489, longitude: -88.0834,
      feed_managed: false, last_feed_at: null, pickup: 17 * 60,
    },
    {
      code: 'OVERFLOW-3PL', name: 'Overflow 3PL (Reno)', kind: 'THIRD_PARTY', timezone: 'America/Los_Angeles', cutoff_minutes: 13 * 60,
      daily_pick_capacity: 100, daily_pack_capacity: 100, shipping_cost_per_order: 8.9, region: 'NV', postal_code: '89502',
      latitude: 39.5296, longitude: -119.8138, feed_managed: true, last_feed_at: new Date(feedAt), pickup: 15 * 60,
    },
  ]) {
    const { pickup, ...cols } = n
    const row = w.insert('locations', {
      ...cols,
      is_fulfillment_node: true,
      active: true,
      country: 'US',
      created_at: created,
    })
    w.nodes.push({ id: row.id, code: n.code, tz: n.timezone, cutoffMinutes: n.cutoff_minutes, pickupMinutes: pickup, capacity: n.daily_pick_capacity, row })
    // Both nodes run by themselves: MAIN releases every half hour and waves at 25 orders or hourly; the 3PL, which
    // picks in fewer, larger batches, releases hourly and waves at 10 orders or every 90 minutes.
    const main = n.code === 'MAIN'
    w.push('node_automations', {
      location_id: row.id,
      auto_release: true,
      release_every_minutes: main ? 30 : 60,
      auto_wave: true,
      wave_at_orders: main ? 25 : 10,
      wave_every_minutes: main ? 60 : 90,
      max_lines_per_wave: main ? 150 : 80,
      last_release_slot_at: null,
      last_wave_at: new Date(w.now),
      updated_by: 'seed',
      updated_at: created,
    })
  }

  // MAIN: 20 aisles x 10 bays x 2 levels, walked in a serpentine so the sequence is the pick path.
  const main = w.node('MAIN')
  let seq = 0
  for (let a = 0; a < 20; a++) {
    const aisle = String.fromCharCode(65 + a)
    const zone = a < 4 ? 'FAST' : a < 10 ? 'MID' : 'BULK'
    for (let b = 0; b < 10; b++) {
      const bay = a % 2 === 0 ? b + 1 : 10 - b
      for (let level = 1; level <= 2; level++) {
        w.insert('bins', { location_id: main.id, code: `${aisle}-${pad2(bay)}-${pad2(level)}`, zone, sequence: ++seq, active: true })
      }
    }
  }
  const tpl = w.node('OVERFLOW-3PL')
  seq = 0
  for (let a = 0; a < 5; a++) {
    for (let b = 0; b < 10; b++) {
      const bay = a % 2 === 0 ? b + 1 : 10 - b
      for (let level = 1; level <= 2; level++) {
        w.insert('bins', { location_id: tpl.id, code: `R${a + 1}-${pad2(bay)}-${pad2(level)}`, zone: a < 2 ? 'FAST' : 'RESERVE', sequence: ++seq, active: true })
      }
    }
  }

  // Network-wide closures over the history and the next half year; the simulation honours them too.
  const year = new Date(w.now).getUTCFullYear()
  const from = Math.floor(w.now / DAY) - 100
  const to = Math.floor(w.now / DAY) + 200
  const holidays = usHolidays([year - 1, year, year + 1]).filter((h) => h.day >= from && h.day <= to)
  for (const h of holidays) w.insert('holidays', { date: isoDate(h.day), name: h.name, location_id: null })
  w.calendar = new WorkCalendar(new Set(holidays.map((h) => h.day)))

  for (const s of CARRIER_SERVICES) {
    w.insert('carrier_services', {
      carrier: s.carrier,
      service: s.service,
      transit_days_mean: s.transitDaysMean,
      transit_days_max: s.transitDaysMax,
      cost_per_shipment: s.cost,
      active: true,
    })
  }
}

/**
 * Channel allocation rules: wholesale keeps a pool of the top A SKUs, marketplace A may hold at most half of any
 * SKU's sellable stock (the promotion cannot drain other channels), plus a few SKU-specific caps.
 */
export function seedAllocationRules(w: World): void {
  const at = new Date(w.now - 60 * DAY)
  const rule = (channel: string, skuId: number | null, kind: string, quantity: number | null, percentage: number | null, priority: number) =>
    w.insert('allocation_rules', {
      channel_id: w.channel(channel).id,
      sku_id: skuId,
      kind,
      quantity,
      percentage,
      priority,
      active: true,
      created_by: w.users.opsLead,
      created_at: at,
      updated_at: at,
    })
  const topA = w.skus.filter((s) => s.abc === 'A').sort((a, b) => b.unitsSold * b.price - a.unitsSold * a.price).slice(0, 12)
  for (const s of topA) rule('WHOLESALE', s.id, 'RESERVED_POOL', Math.max(12, Math.round(s.dailyDemand * 2)), null, 10)
  rule('MARKET-A', null, 'PERCENTAGE_CAP', null, 50, 50)
  const b = w.skus.filter((s) => s.abc === 'B')
  rule('MARKET-B', b[0].id, 'PERCENTAGE_CAP', null, 30, 40)
  rule('MARKET-A', b[1].id, 'PERCENTAGE_CAP', null, 25, 40)
  const hero = w.skus.filter((s) => s.abc === 'A' && !topA.includes(s))[0]
  if (hero) rule('STOREFRONT', hero.id, 'RESERVED_POOL', 20, null, 5)
}

function pad2(n: number): string {
  return String(n).padStart(2, '0')
}
