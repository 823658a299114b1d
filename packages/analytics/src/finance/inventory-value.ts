import { Prisma, type PrismaClient } from '@ops-hub/db'
import { userError } from '@ops-hub/domain'

export const INVENTORY_VALUE_GROUP_BY = ['NODE', 'ABC_CLASS', 'CATEGORY'] as const
export type InventoryValueGroupBy = (typeof INVENTORY_VALUE_GROUP_BY)[number]

/** Units of one bucket and their value at the SKUs' unit cost (a string: exact decimal money). */
export interface BucketValue {
  units: number
  value: string
}

export interface InventoryValueRow {
  /** Node code, ABC class or product category ('Uncategorized' when a SKU has none); 'TOTAL' for the total row. */
  key: string
  label: string
  positions: number
  /** Every unit physically at the node(s): sellable + damaged + quality control. */
  onHand: BucketValue
  sellable: BucketValue
  damaged: BucketValue
  qualityControl: BucketValue
  /** Shipped from one node to another by transfer, not yet received. */
  inTransit: BucketValue
  /** On open purchase orders, not yet received. */
  incoming: BucketValue
}

export interface InventoryValueReport {
  asOf: string
  groupBy: InventoryValueGroupBy
  locationCode: string | null
  rows: InventoryValueRow[]
  total: InventoryValueRow
}

type Raw = { key: string | null; label: string | null; total: boolean; positions: number } & Record<`${'on_hand' | 'sellable' | 'damaged' | 'qc' | 'in_transit' | 'incoming'}_${'units' | 'value'}`, unknown>

/**
 * What the stock is worth, per bucket, at each SKU's unit cost: grouped by node, ABC class or product category, with
 * the total, in one grouped aggregate over the stock positions (ROLLUP adds the total row).
 */
export async function inventoryValue(prisma: PrismaClient, args: { groupBy?: InventoryValueGroupBy | null; locationCode?: string | null }, now = new Date()): Promise<InventoryValueReport> {
  const groupBy = args.groupBy ?? 'NODE'
  let where = Prisma.empty
  if (args.locationCode) {
    const location = await prisma.location.findUnique({ where: { code: args.locationCode }, select: { id: true } })
    if (!location) throw userError('NOT_FOUND', `No location ${args.locationCode}`, ['locationCode'])
    where = Prisma.sql`WHERE sp.location_id = ${location.id}`
  }
  const [key, label] =
    groupBy === 'NODE' ? [Prisma.sql`l.code`, Prisma.sql`l.name`]
    : groupBy === 'ABC_CLASS' ? [Prisma.sql`s.abc_class::text`, Prisma.sql`'Class ' || s.abc_class::text`]
    : [Prisma.sql`COALESCE(p.category, 'Uncategorized')`, Prisma.sql`COALESCE(p.category, 'Uncategorized')`]
  const bucket = (name: string, units: Prisma.Sql) =>
    Prisma.sql`sum(${units})::int AS ${Prisma.raw(`${name}_units`)}, COALESCE(sum(${units} * g.unit_cost), 0)::numeric(16, 2)::text AS ${Prisma.raw(`${name}_value`)}`
  const rows = await prisma.$queryRaw<Raw[]>`
    SELECT g.key, min(g.label) AS label, GROUPING(g.key) = 1 AS total, count(*)::int AS positions,
      ${bucket('on_hand', Prisma.sql`g.on_hand`)},
      ${bucket('sellable', Prisma.sql`(g.on_hand - g.damaged - g.quality_control)`)},
      ${bucket('damaged', Prisma.sql`g.damaged`)},
      ${bucket('qc', Prisma.sql`g.quality_control`)},
      ${bucket('in_transit', Prisma.sql`g.in_transit`)},
      ${bucket('incoming', Prisma.sql`g.incoming`)}
    FROM (
      SELECT ${key} AS key, ${label} AS label, sp.on_hand, sp.damaged, sp.quality_control, sp.in_transit, sp.incoming, s.unit_cost
      FROM stock_positions sp JOIN skus s ON s.id = sp.sku_id JOIN locations l ON l.id = sp.location_id
      LEFT JOIN products p ON p.id = s.product_id
      ${where}
    ) g
    GROUP BY ROLLUP (g.key)
    ORDER BY GROUPING(g.key), g.key`
  const shape = (r: Raw): InventoryValueRow => {
    const b = (name: string): BucketValue => ({ units: Number(r[`${name}_units` as keyof Raw] ?? 0), value: String(r[`${name}_value` as keyof Raw] ?? '0.00') })
    return {
      key: r.total ? 'TOTAL' : (r.key ?? ''),
      label: r.total ? 'Total' : (r.label ?? r.key ?? ''),
      positions: r.positions,
      onHand: b('on_hand'),
      sellable: b('sellable'),
      damaged: b('damaged'),
      qualityControl: b('qc'),
      inTransit: b('in_transit'),
      incoming: b('incoming'),
    }
  }
  const empty: InventoryValueRow = shape({ key: 'TOTAL', label: 'Total', total: true, positions: 0 } as Raw)
  return {
    asOf: now.toISOString(),
    groupBy,
    locationCode: args.locationCode ?? null,
    rows: rows.filter((r) => !r.total).map(shape),
    total: rows.find((r) => r.total) ? shape(rows.find((r) => r.total)!) : empty,
  }
}
