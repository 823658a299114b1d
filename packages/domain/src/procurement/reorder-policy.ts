import { inverseNormalCdf, normalCdf, normalLoss } from './normal.ts'

/** Everything a reorder decision for one SKU at one node depends on (all in units and days). */
export interface PolicyInputs {
  dailyDemandMean: number
  dailyDemandStdDev: number
  leadTimeMeanDays: number
  leadTimeStdDevDays: number
  /** Target cycle service level as a fraction (0.98). */
  serviceLevel: number
  reviewPeriodDays: number
  onHand: number
  /** Damaged and QC-held units are part of onHand but cannot fill demand: the position leaves them out. */
  damaged: number
  qualityControl: number
  reserved: number
  incoming: number
  inTransit: number
  /** Units customers are waiting for (backordered order lines charged to this node). */
  backordered: number
  minimumOrderQuantity: number
  packSize: number
}

export interface StockoutRiskTerms {
  /** μ_LTD = d·L: expected demand over the lead time. */
  leadTimeDemandMean: number
  /** σ_LTD = sqrt(L·σd² + d²·σL²). */
  leadTimeDemandStdDev: number
  /** k = (IP − μ_LTD) / σ_LTD; ±Infinity when σ_LTD is 0. */
  k: number
}

export interface StockoutRisk {
  /** P = 1 − Φ(k): the chance that lead-time demand exceeds the inventory position. */
  probability: number
  /** σ_LTD·G(k), G(k) = φ(k) − k(1 − Φ(k)); max(0, μ_LTD − IP) when σ_LTD is 0. */
  expectedShortageUnits: number
  /** The horizon: the lead time a new order would take (L). */
  horizonDays: number
  terms: StockoutRiskTerms
}

export interface ReorderPolicy extends StockoutRisk {
  z: number
  safetyStock: number
  reorderPoint: number
  orderUpTo: number
  inventoryPosition: number
  /** IP < ROP: a suggestion is due. */
  belowReorderPoint: boolean
  /** Order-up-to − IP before any rounding. */
  unroundedQuantity: number
  /** Rounded up to a whole unit, then to at least the MOQ, then to whole packs; 0 when not below the reorder point. */
  suggestedQuantity: number
}

/** Inventory position = (onHand − damaged − qualityControl) + incoming + inTransit − reserved − backordered demand. */
export function inventoryPosition(i: Pick<PolicyInputs, 'onHand' | 'damaged' | 'qualityControl' | 'incoming' | 'inTransit' | 'reserved' | 'backordered'>): number {
  return i.onHand - i.damaged - i.qualityControl + i.incoming + i.inTransit - i.reserved - i.backordered
}

/** Stockout probability before a new order could arrive: P = 1 − Φ((IP − d·L) / σ_LTD). */
export function stockoutRisk(ip: number, i: Pick<PolicyInputs, 'dailyDemandMean' | 'dailyDemandStdDev' | 'leadTimeMeanDays' | 'leadTimeStdDevDays'>): StockoutRisk {
  const d = i.dailyDemandMean
  const L = i.leadTimeMeanDays
  const mu = d * L
  const sigma = Math.sqrt(L * i.dailyDemandStdDev * i.dailyDemandStdDev + d * d * i.leadTimeStdDevDays * i.leadTimeStdDevDays)
  if (!(sigma > 0)) {
    const k = ip < mu ? -Infinity : Infinity
    return { probability: ip < mu ? 1 : 0, expectedShortageUnits: Math.max(0, mu - ip), horizonDays: L, terms: { leadTimeDemandMean: mu, leadTimeDemandStdDev: 0, k } }
  }
  const k = (ip - mu) / sigma
  return { probability: 1 - normalCdf(k), expectedShortageUnits: sigma * normalLoss(k), horizonDays: L, terms: { leadTimeDemandMean: mu, leadTimeDemandStdDev: sigma, k } }
}

/**
 * The reorder policy of one SKU at one node (DESIGN.md "Procurement", REFERENCES.md "Replenishment"):
 * ROP = d·L + z·sqrt(L·σd² + d²·σL²), z = Φ⁻¹(service level); order-up-to = ROP + d × review period; when the
 * inventory position is below the ROP, order order-up-to − IP, rounded up to the MOQ and to whole packs.
 * The set-based planner (planning-sql.ts) computes the same numbers in SQL; tests hold the two together.
 */
export function reorderPolicy(i: PolicyInputs): ReorderPolicy {
  const z = inverseNormalCdf(i.serviceLevel)
  const risk = stockoutRisk(inventoryPosition(i), i)
  const d = i.dailyDemandMean
  const safetyStock = z * risk.terms.leadTimeDemandStdDev
  const reorderPoint = d * i.leadTimeMeanDays + safetyStock
  const orderUpTo = reorderPoint + d * i.reviewPeriodDays
  const ip = inventoryPosition(i)
  const belowReorderPoint = ip < reorderPoint
  const unroundedQuantity = orderUpTo - ip
  return {
    ...risk,
    z,
    safetyStock,
    reorderPoint,
    orderUpTo,
    inventoryPosition: ip,
    belowReorderPoint,
    unroundedQuantity,
    suggestedQuantity: belowReorderPoint ? roundOrderQuantity(unroundedQuantity, i.minimumOrderQuantity, i.packSize) : 0,
  }
}

/** Up to a whole unit, then at least the MOQ, then up to whole packs (ERPNext and Odoo round the same way). */
export function roundOrderQuantity(unrounded: number, moq: number, packSize: number): number {
  const atLeastMoq = Math.max(Math.ceil(unrounded), moq)
  return Math.ceil(atLeastMoq / packSize) * packSize
}
