import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { openException } from '../../exceptions/commands/open-exception.ts'
import type { Buckets } from '../buckets.ts'

export interface LedgerMismatch {
  stockPositionId: number
  skuId: number
  locationId: number
  expected: Buckets
  actual: Buckets
}

interface Row {
  id: number
  sku_id: number
  location_id: number
  [column: string]: number
}

const PAIRS: Array<[keyof Buckets, string, string]> = [
  ['onHand', 'on_hand', 'on_hand_delta'],
  ['reserved', 'reserved', 'reserved_delta'],
  ['damaged', 'damaged', 'damaged_delta'],
  ['qualityControl', 'quality_control', 'quality_control_delta'],
  ['incoming', 'incoming', 'incoming_delta'],
  ['inTransit', 'in_transit', 'in_transit_delta'],
  ['safetyStock', 'safety_stock', 'safety_stock_delta'],
]

/**
 * Proves the books: re-derives every bucket of every stock position as the sum of its ledger deltas (one GROUP BY
 * over inventory_events) and opens a LEDGER_MISMATCH exception (FINANCE, HIGH) for each position that disagrees.
 */
export async function reconcileLedger(tx: Tx, _input: Record<string, never> = {}, actor: Actor) {
  const derivedCols = PAIRS.map(([, , d]) => `sum(e.${d})::int AS ${d}`).join(', ')
  const differs = PAIRS.map(([, c, d]) => `sp.${c} <> COALESCE(d.${d}, 0)`).join(' OR ')
  const select = PAIRS.map(([, c, d]) => `sp.${c}, COALESCE(d.${d}, 0)::int AS expected_${c}`).join(', ')
  // Column names come from the constant table above, never from input.
  const rows = await tx.$queryRawUnsafe<Row[]>(`
    WITH derived AS (SELECT e.stock_position_id, ${derivedCols} FROM inventory_events e GROUP BY e.stock_position_id)
    SELECT sp.id, sp.sku_id, sp.location_id, ${select}
    FROM stock_positions sp LEFT JOIN derived d ON d.stock_position_id = sp.id
    WHERE ${differs}
    ORDER BY sp.id`)
  const [{ n }] = await tx.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM stock_positions`

  const mismatches: LedgerMismatch[] = rows.map((r) => ({
    stockPositionId: Number(r.id),
    skuId: Number(r.sku_id),
    locationId: Number(r.location_id),
    expected: Object.fromEntries(PAIRS.map(([k, c]) => [k, Number(r[`expected_${c}`])])) as unknown as Buckets,
    actual: Object.fromEntries(PAIRS.map(([k, c]) => [k, Number(r[c])])) as unknown as Buckets,
  }))
  for (const m of mismatches) {
    const diff = PAIRS.filter(([k]) => m.expected[k] !== m.actual[k]).map(([k]) => `${k} ${m.actual[k]} (ledger says ${m.expected[k]})`)
    await openException(tx, {
      type: 'LEDGER_MISMATCH',
      severity: 'HIGH',
      ownerRole: 'FINANCE',
      subjectType: 'StockPosition',
      subjectId: m.stockPositionId,
      stockPositionId: m.stockPositionId,
      title: `Stock position ${m.stockPositionId} disagrees with its ledger`,
      detail: `${diff.join('; ')}. Found by ${actor.id}. Something wrote the position without a ledger event.`,
      data: { expected: m.expected, actual: m.actual },
      dedupeKey: `ledger-mismatch:${m.stockPositionId}`,
    })
  }
  return { positionsChecked: Number(n), mismatches }
}
