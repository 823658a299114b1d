import type { PrismaClient } from '@ops-hub/db'
import { summarizeStockoutRisks, getSetting, type PositionRisk } from '@ops-hub/domain'

/** How many positions the snapshot lists, most at risk first. */
export const TOP_RISKS_KEPT = 10

export interface ReplenishmentRiskSnapshot {
  asOf: string
  locationCode: string | null
  /** Setting procurement.stockoutRiskThreshold. */
  threshold: number
  /** Positions planned: at fulfilment nodes, SKUs with an active supplier. */
  positions: number
  /** Of those, stockout probability over the lead time at or above the threshold. */
  atRisk: number
  top: PositionRisk[]
}

/**
 * Replenishment risk at one node (or all): the stockout probability of every planned position from the same set-based
 * plan the suggestions come from, counted against the threshold, with the ten most at risk and their terms.
 */
export async function computeReplenishmentRisk(
  prisma: PrismaClient,
  scope: { locationId: number | null; locationCode: string | null },
  now: Date,
): Promise<ReplenishmentRiskSnapshot> {
  const threshold = Number(await getSetting(prisma, 'procurement.stockoutRiskThreshold'))
  const summary = await summarizeStockoutRisks(prisma, { locationId: scope.locationId }, threshold, TOP_RISKS_KEPT, now)
  return { asOf: now.toISOString(), locationCode: scope.locationCode, threshold, positions: summary.planned, atRisk: summary.atRisk, top: summary.top }
}
