import type { Row } from './bulk-insert.ts'
import type { Rng } from './rng.ts'
import type { WorkCalendar } from './calendar.ts'

/** Tables in an order that satisfies every foreign key, so the seed can insert them one after another. */
export const TABLES = [
  'channels',
  'users',
  'products',
  'skus',
  'bundle_components',
  'locations',
  'node_automations',
  'bins',
  'holidays',
  'carrier_services',
  'allocation_rules',
  'suppliers',
  'supplier_skus',
  'stock_positions',
  'bin_stocks',
  'orders',
  'order_lines',
  'pick_waves',
  'fulfillment_orders',
  'allocations',
  'pick_tasks',
  'shipments',
  'shipment_milestones',
  'order_events',
  'channel_reservations',
  'purchase_orders',
  'purchase_order_lines',
  'receipts',
  'receipt_lines',
  'returns',
  'return_lines',
  'adjustments',
  'cycle_counts',
  'transfers',
  'transfer_lines',
  'inventory_feeds',
  'feed_discrepancies',
  'inventory_events',
  'node_day_loads',
  'exceptions',
] as const
export type Table = (typeof TABLES)[number]

export interface SkuInfo {
  id: number
  code: string
  name: string
  category: string
  cost: number
  price: number
  weightGrams: number
  /** Relative popularity: order lines draw SKUs in proportion to it. */
  demandWeight: number
  abc: 'A' | 'B' | 'C'
  isBundle: boolean
  /** Units sold over the history (filled after orders are drawn), and the daily mean it implies. */
  unitsSold: number
  dailyDemand: number
  row: Row
}

export interface NodeInfo {
  id: number
  code: string
  tz: string
  cutoffMinutes: number
  /** Carrier pick-up, minutes after local midnight: what is packed by then ships that day. */
  pickupMinutes: number
  capacity: number
  row: Row
}

export interface ChannelInfo {
  id: number
  code: string
  kind: string
  priority: number
}

/** Everything the seed generates, held in memory as table rows (snake_case keys) until it is written in bulk. */
export class World {
  readonly rows = Object.fromEntries(TABLES.map((t) => [t, [] as Row[]])) as Record<Table, Row[]>
  private readonly lastId = new Map<Table, number>()
  skus: SkuInfo[] = []
  nodes: NodeInfo[] = []
  channels: ChannelInfo[] = []
  calendar!: WorkCalendar
  users: Record<string, string> = {}

  constructor(
    readonly rng: Rng,
    /** The seed's clock: wall time rounded down to the hour; every timestamp is an offset from it. */
    readonly now: number,
    /** 1 = the full scenario (~20,000 orders); tests use a fraction. */
    readonly scale: number,
  ) {}

  /** Appends a row with the next explicit id of its table. */
  insert(table: Table, row: Row): Row & { id: number } {
    const id = (this.lastId.get(table) ?? 0) + 1
    this.lastId.set(table, id)
    const withId = { id, ...row }
    this.rows[table].push(withId)
    return withId
  }

  /** Appends a row of a table keyed by something other than a serial id. */
  push(table: Table, row: Row): Row {
    this.rows[table].push(row)
    return row
  }

  node(code: string): NodeInfo {
    const n = this.nodes.find((x) => x.code === code)
    if (!n) throw new Error(`seed: unknown node ${code}`)
    return n
  }

  channel(code: string): ChannelInfo {
    const c = this.channels.find((x) => x.code === code)
    if (!c) throw new Error(`seed: unknown channel ${code}`)
    return c
  }
}
