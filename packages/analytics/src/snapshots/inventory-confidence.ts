import { Prisma, type PrismaClient } from '@ops-hub/db'
import { getSetting } from '@ops-hub/domain'

/** How many of the weakest positions a snapshot carries (the `lowest(first:)` field slices it). */
export const LOWEST_POSITIONS_KEPT = 25

export interface ConfidenceFactorView {
  name: string
  value: number
  weight: number
  explanation: string | null
}

export interface LowConfidencePosition {
  sku: string
  skuName: string
  location: string
  score: number
  onHand: number
  available: number
  factors: ConfidenceFactorView[]
  updatedAt: string | null
}

export interface InventoryConfidenceSnapshot {
  asOf: string
  locationCode: string | null
  /** Mean confidence of the positions in scope (0..1); 1 when there are none. */
  overall: number
  positions: number
  threshold: number
  belowThreshold: number
  lowest: LowConfidencePosition[]
}

/** Factors are written by the inventory module as [{ name, value, weight, explanation }]; tolerate older shapes. */
export function parseFactors(raw: unknown): ConfidenceFactorView[] {
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' && Array.isArray((raw as { factors?: unknown }).factors)
    ? (raw as { factors: unknown[] }).factors
    : []
  return list
    .filter((f): f is Record<string, unknown> => !!f && typeof f === 'object' && typeof (f as { name?: unknown }).name === 'string')
    .map((f) => ({
      name: f.name as string,
      value: Number(f.value ?? 0),
      weight: Number(f.weight ?? 0),
      explanation: typeof f.explanation === 'string' ? f.explanation : null,
    }))
}

/** Confidence across one node's positions (or all): the mean, the count below the threshold and the weakest few. */
export async function computeInventoryConfidence(
  prisma: PrismaClient,
  scope: { locationId: number | null; locationCode: string | null },
  now: Date,
): Promise<InventoryConfidenceSnapshot> {
  const threshold = Number(await getSetting(prisma, 'inventory.confidenceThreshold'))
  const where = scope.locationId === null ? Prisma.empty : Prisma.sql`WHERE sp.location_id = ${scope.locationId}`
  const [agg] = await prisma.$queryRaw<Array<{ n: number; mean: number | null; below: number }>>`
    SELECT count(*)::int AS n, avg(sp.confidence)::float8 AS mean, count(*) FILTER (WHERE sp.confidence < ${threshold})::int AS below
    FROM stock_positions sp ${where}`
  const lowest = await prisma.$queryRaw<Array<{
    sku: string; sku_name: string; location: string; confidence: number; on_hand: number; available: number
    confidence_factors: unknown; confidence_updated_at: Date | null
  }>>`
    SELECT s.code AS sku, s.name AS sku_name, l.code AS location, sp.confidence, sp.on_hand,
      GREATEST(0, sp.on_hand - sp.reserved - sp.safety_stock - sp.damaged - sp.quality_control)::int AS available,
      sp.confidence_factors, sp.confidence_updated_at
    FROM stock_positions sp JOIN skus s ON s.id = sp.sku_id JOIN locations l ON l.id = sp.location_id
    ${where}
    ORDER BY sp.confidence ASC, sp.id ASC LIMIT ${LOWEST_POSITIONS_KEPT}`
  return {
    asOf: now.toISOString(),
    locationCode: scope.locationCode,
    overall: agg.n === 0 ? 1 : Math.round((agg.mean ?? 1) * 1000) / 1000,
    positions: agg.n,
    threshold,
    belowThreshold: agg.below,
    lowest: lowest.map((r) => ({
      sku: r.sku,
      skuName: r.sku_name,
      location: r.location,
      score: r.confidence,
      onHand: r.on_hand,
      available: r.available,
      factors: parseFactors(typeof r.confidence_factors === 'string' ? JSON.parse(r.confidence_factors) : r.confidence_factors),
      updatedAt: r.confidence_updated_at ? new Date(r.confidence_updated_at).toISOString() : null,
    })),
  }
}
