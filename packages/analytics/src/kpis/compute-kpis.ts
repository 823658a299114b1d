import type { PrismaClient } from '@ops-hub/db'
import { SETTING_DEFAULTS, getSetting } from '@ops-hub/domain'
import type { KpiName } from './kpi-definitions.ts'
import { resolveKpiScope, type KpiGroupBy, type KpiInput, type KpiScope } from './kpi-scope.ts'
import { orderKpiRows, type OrderKpiRow } from './order-kpis.ts'
import { shipmentKpiRows, type ShipmentKpiRow } from './shipment-kpis.ts'
import { warehouseExceptionKpiRows, type WarehouseExceptionKpiRow } from './warehouse-exception-kpis.ts'
import { accuracyKpiRows, type AccuracyKpiRow } from './inventory-accuracy-kpis.ts'
import { leadTimeKpiRows, type LeadTimeKpiRow } from './lead-time-kpis.ts'
import { returnKpiRows, type ReturnKpiRow } from './return-kpis.ts'
import { adjustmentKpiRows, type AdjustmentKpiRow } from './adjustment-kpis.ts'

export type KpiStatus = 'ON_TARGET' | 'WATCH' | 'OFF_TARGET'
export type KpiBetter = 'HIGHER' | 'LOWER'

export interface KpiTarget {
  target: number
  watch: number
  better: KpiBetter
}

/** One KPI of one group: the number, the counts it is made of, its target and how it compares. */
export interface KpiValue extends KpiTarget {
  /** Null when the period has nothing to measure (see unavailableReason). */
  value: number | null
  numerator: number
  denominator: number
  status: KpiStatus | null
  /** The same KPI over the previous period (the equally long window before; for DAY/WEEK the bucket before). */
  previousPeriodValue: number | null
  unavailableReason: string | null
}

export interface KpiDuration extends KpiValue {
  p50Hours: number | null
  p90Hours: number | null
  meanHours: number | null
}

export interface CancellationKpi extends KpiValue {
  byReason: Array<{ reason: string; orders: number }>
}

export interface BackorderKpi extends KpiValue {
  backorderedUnits: number
}

export interface KpiGroup {
  /** 'ALL' (NONE), a local date 'YYYY-MM-DD' (DAY, WEEK: its Monday), a channel or node code, 'UNROUTED' (NODE). */
  key: string
  label: string
  from: Date
  to: Date
  orderCycleTime: KpiDuration
  onTimeShipmentRate: KpiValue
  otifRate: KpiValue
  cancellationRate: CancellationKpi
  inventoryRecordAccuracy: KpiValue
  backorderRate: BackorderKpi
  replenishmentLeadTimeAdherence: KpiValue
  warehouseExceptionRate: KpiValue
  returnProcessingTime: KpiDuration
  manualAdjustmentFrequency: KpiValue
}

export interface KpiReport {
  asOf: string
  from: Date
  to: Date
  /** The previous period compared against: [previousFrom, from) (for DAY/WEEK, the first bucket's). */
  previousFrom: Date
  groupBy: KpiGroupBy
  timeZone: string
  channelCode: string | null
  locationCode: string | null
  groups: KpiGroup[]
}

export const UNROUTED = 'UNROUTED'

const round = (n: number, places = 6) => Math.round(n * 10 ** places) / 10 ** places

export function kpiStatus(value: number | null, t: KpiTarget): KpiStatus | null {
  if (value === null) return null
  const atLeast = (bar: number) => (t.better === 'HIGHER' ? value >= bar : value <= bar)
  return atLeast(t.target) ? 'ON_TARGET' : atLeast(t.watch) ? 'WATCH' : 'OFF_TARGET'
}

/** Stored targets may name only some KPIs or some fields; the defaults fill the rest. */
async function readTargets(prisma: PrismaClient): Promise<Record<KpiName, KpiTarget>> {
  const stored = (await getSetting(prisma, 'kpi.targets')) as Partial<Record<KpiName, Partial<KpiTarget>>>
  const defaults = SETTING_DEFAULTS['kpi.targets']
  return Object.fromEntries(
    (Object.keys(defaults) as KpiName[]).map((name) => [name, { ...defaults[name], ...(stored?.[name] ?? {}) } as KpiTarget]),
  ) as Record<KpiName, KpiTarget>
}

type Rows<T> = { current(key: string): T | undefined; previous(key: string): T | undefined }

/** Looks a group's row up in a family's result, and the row its previous period is measured by. */
function indexRows<T extends { period: number; k: string }>(rows: T[] | null, scope: KpiScope, keys: string[]): Rows<T> {
  const byKey = new Map<string, T>()
  for (const r of rows ?? []) if (!('byReason' in r) || !(r as { byReason: boolean }).byReason) byKey.set(`${r.period}:${r.k}`, r)
  const calendar = scope.groupBy === 'DAY' || scope.groupBy === 'WEEK'
  return {
    current: (key) => byKey.get(`0:${key}`),
    previous: (key) => {
      if (!calendar) return byKey.get(`1:${key}`)
      const i = keys.indexOf(key)
      return i <= 0 ? byKey.get('1:') : byKey.get(`0:${keys[i - 1]}`)
    },
  }
}

/**
 * The KPI report: every KPI family is one grouped aggregate over the window and its previous period (run side by
 * side), then each group's numbers are set against their targets. Families that have no channel dimension
 * (inventory accuracy, lead times, manual adjustments) are not run for a channel: their values say why.
 */
export async function computeKpis(prisma: PrismaClient, input: KpiInput, now = new Date()): Promise<KpiReport> {
  const scope = await resolveKpiScope(prisma, input)
  const perChannel = scope.channel !== null || scope.groupBy === 'CHANNEL'
  const [targets, tolerance] = await Promise.all([readTargets(prisma), getSetting(prisma, 'procurement.leadTimeToleranceDays')])
  const [orders, shipments, warehouse, accuracy, leadTimes, returns, adjustments] = await Promise.all([
    orderKpiRows(prisma, scope),
    shipmentKpiRows(prisma, scope),
    warehouseExceptionKpiRows(prisma, scope),
    perChannel ? null : accuracyKpiRows(prisma, scope),
    perChannel ? null : leadTimeKpiRows(prisma, scope, Number(tolerance)),
    returnKpiRows(prisma, scope),
    perChannel ? null : adjustmentKpiRows(prisma, scope),
  ])

  const groups = await groupKeys(prisma, scope, [orders, shipments, warehouse, accuracy, leadTimes, returns, adjustments])
  const keys = groups.map((g) => g.k)
  const o = indexRows<OrderKpiRow>(orders, scope, keys)
  const s = indexRows<ShipmentKpiRow>(shipments, scope, keys)
  const w = indexRows<WarehouseExceptionKpiRow>(warehouse, scope, keys)
  const a = indexRows<AccuracyKpiRow>(accuracy, scope, keys)
  const l = indexRows<LeadTimeKpiRow>(leadTimes, scope, keys)
  const r = indexRows<ReturnKpiRow>(returns, scope, keys)
  const m = indexRows<AdjustmentKpiRow>(adjustments, scope, keys)
  const notPerChannel = (what: string) => `Not kept per channel: ${what} belong to stock and nodes, not to a sales channel.`

  const rate = (name: KpiName, cur: [number, number] | null, prev: [number, number] | null, empty: string, unavailable?: string, scale = 1): KpiValue => {
    const t = targets[name]
    if (unavailable) return { ...t, value: null, numerator: 0, denominator: 0, status: null, previousPeriodValue: null, unavailableReason: unavailable }
    const [num, den] = cur ?? [0, 0]
    const value = den > 0 ? round((scale * num) / den) : null
    const previous = prev && prev[1] > 0 ? round((scale * prev[0]) / prev[1]) : null
    return { ...t, value, numerator: num, denominator: den, status: kpiStatus(value, t), previousPeriodValue: previous, unavailableReason: value === null ? empty : null }
  }
  const duration = (name: KpiName, cur: { n: number; total: number; p50: number | null; p90: number | null } | null, prevP90: number | null, empty: string): KpiDuration => {
    const t = targets[name]
    const n = cur?.n ?? 0
    const p90 = n > 0 && cur?.p90 != null ? round(cur.p90, 2) : null
    return {
      ...t,
      value: p90,
      numerator: round(cur?.total ?? 0, 2),
      denominator: n,
      p50Hours: n > 0 && cur?.p50 != null ? round(cur.p50, 2) : null,
      p90Hours: p90,
      meanHours: n > 0 ? round((cur?.total ?? 0) / n, 2) : null,
      status: kpiStatus(p90, t),
      previousPeriodValue: prevP90 === null ? null : round(prevP90, 2),
      unavailableReason: p90 === null ? empty : null,
    }
  }

  return {
    asOf: now.toISOString(),
    from: scope.from,
    to: scope.to,
    previousFrom: scope.previousFrom,
    groupBy: scope.groupBy,
    timeZone: scope.timeZone,
    channelCode: scope.channel?.code ?? null,
    locationCode: scope.location?.code ?? null,
    groups: groups.map(({ k, key, label, from, to }) => {
      const [oc, op] = [o.current(k), o.previous(k)]
      const [sc, sp] = [s.current(k), s.previous(k)]
      const [wc, wp] = [w.current(k), w.previous(k)]
      const [rc, rp] = [r.current(k), r.previous(k)]
      const reasons = (orders ?? [])
        .filter((row) => row.byReason && row.period === 0 && row.k === k && row.reason !== null && row.cancelled > 0)
        .map((row) => ({ reason: row.reason!, orders: row.cancelled }))
        .sort((x, y) => y.orders - x.orders || x.reason.localeCompare(y.reason))
      const cancellation = rate('cancellationRate', oc ? [oc.cancelled, oc.orders] : null, op ? [op.cancelled, op.orders] : null, 'No orders were placed in this period.')
      const backorder = rate('backorderRate', oc ? [oc.backordered, oc.orders] : null, op ? [op.backordered, op.orders] : null, 'No orders were placed in this period.')
      return {
        key,
        label,
        from,
        to,
        orderCycleTime: duration(
          'orderCycleTime',
          sc ? { n: sc.shipped, total: sc.hoursTotal, p50: sc.p50Hours, p90: sc.p90Hours } : null,
          sp?.p90Hours ?? null,
          'No order finished shipping in this period.',
        ),
        onTimeShipmentRate: rate('onTimeShipmentRate', sc ? [sc.onTime, sc.promised] : null, sp ? [sp.onTime, sp.promised] : null, 'No order with a ship-by finished shipping in this period.'),
        otifRate: rate('otifRate', sc ? [sc.otif, sc.promised] : null, sp ? [sp.otif, sp.promised] : null, 'No order with a ship-by finished shipping in this period.'),
        cancellationRate: { ...cancellation, byReason: reasons },
        inventoryRecordAccuracy: rate(
          'inventoryRecordAccuracy',
          pair(a.current(k), 'accurate', 'counts'),
          pair(a.previous(k), 'accurate', 'counts'),
          'No cycle count was recorded in this period.',
          perChannel ? notPerChannel('cycle counts') : undefined,
        ),
        backorderRate: { ...backorder, backorderedUnits: oc?.backorderedUnits ?? 0 },
        replenishmentLeadTimeAdherence: rate(
          'replenishmentLeadTimeAdherence',
          pair(l.current(k), 'adherent', 'lines'),
          pair(l.previous(k), 'adherent', 'lines'),
          'No purchase-order line had its first receipt in this period, so there is no lead time to judge.',
          perChannel ? notPerChannel('purchase orders and their receipts') : undefined,
        ),
        warehouseExceptionRate: rate('warehouseExceptionRate', wc ? [wc.withException, wc.shipped] : null, wp ? [wp.withException, wp.shipped] : null, 'No parcel shipped in this period.'),
        returnProcessingTime: duration(
          'returnProcessingTime',
          rc ? { n: rc.returns, total: rc.hoursTotal, p50: rc.p50Hours, p90: rc.p90Hours } : null,
          rp?.p90Hours ?? null,
          'No return finished processing in this period.',
        ),
        manualAdjustmentFrequency: rate(
          'manualAdjustmentFrequency',
          pair(m.current(k), 'adjustments', 'unitsShipped'),
          pair(m.previous(k), 'adjustments', 'unitsShipped'),
          'No units shipped in this period, so there is nothing to set adjustments against.',
          perChannel ? notPerChannel('stock adjustments') : undefined,
          1000,
        ),
      }
    }),
  }
}

function pair<T>(row: T | undefined, num: keyof T, den: keyof T): [number, number] | null {
  return row ? [Number(row[num]), Number(row[den])] : null
}

interface GroupShell {
  /** The key the family rows carry. */
  k: string
  key: string
  label: string
  from: Date
  to: Date
}

/**
 * The groups of the report: one for NONE, every calendar bucket for DAY/WEEK (quiet days included, so a trend has
 * every point), and for CHANNEL/NODE every active channel / fulfilment node plus any other that has numbers (and
 * the orders no node took, under NODE) - or just the one the request is narrowed to.
 */
async function groupKeys(prisma: PrismaClient, scope: KpiScope, families: Array<Array<{ period: number; k: string }> | null>): Promise<GroupShell[]> {
  const window = { from: scope.from, to: scope.to }
  switch (scope.groupBy) {
    case 'NONE':
      return [{ k: 'ALL', key: 'ALL', label: 'All', ...window }]
    case 'DAY':
    case 'WEEK':
      return scope.buckets.map((b) => ({ k: b.key, key: b.key, label: b.key, from: b.from, to: b.to }))
    case 'CHANNEL':
    case 'NODE': {
      const seen = new Set<string>()
      for (const rows of families) for (const r of rows ?? []) if (r.period === 0) seen.add(r.k)
      if (scope.groupBy === 'CHANNEL') {
        const channels = await prisma.channel.findMany({
          where: scope.channel ? { id: scope.channel.id } : { OR: [{ active: true }, { id: { in: [...seen].filter(Boolean).map(Number) } }] },
          select: { id: true, code: true, name: true },
          orderBy: { code: 'asc' },
        })
        return channels.map((c) => ({ k: String(c.id), key: c.code, label: c.name, ...window }))
      }
      const nodes = await prisma.location.findMany({
        where: scope.location
          ? { id: scope.location.id }
          : { OR: [{ active: true, isFulfillmentNode: true }, { id: { in: [...seen].filter(Boolean).map(Number) } }] },
        select: { id: true, code: true, name: true },
        orderBy: { code: 'asc' },
      })
      const shells = nodes.map((n) => ({ k: String(n.id), key: n.code, label: n.name, ...window }))
      if (!scope.location && seen.has('')) shells.push({ k: '', key: UNROUTED, label: 'Not routed to a node', ...window })
      return shells
    }
  }
}

