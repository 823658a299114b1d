import type { PrismaClient, Tx } from '@ops-hub/db'
import { getSetting } from '../../settings/settings.ts'
import { estimateSlaRisk, SlaHistoryIndex, type SlaRisk } from './model.ts'
import { gridOriginAtOrBefore, historyCells, historySnapshots, openOrderSnapshots, type OpenOrderScope, type SlaRiskSettings, type SnapshotRow } from './snapshots.ts'

const DAY = 86_400_000

export async function slaRiskSettings(tx: Tx | PrismaClient): Promise<SlaRiskSettings> {
  return (await getSetting(tx, 'orders.slaRisk')) as SlaRiskSettings
}

/**
 * What an estimate at `asOf` learns from, out of snapshot rows covering (at least) its look-back window. History is
 * taken as of the last origin of the grid at or before `asOf`, so every moment of one grid step shares it (and a
 * caller may keep it for that long).
 */
export function slaHistoryAt(rows: SnapshotRow[], asOf: Date, s: SlaRiskSettings): SlaHistoryIndex {
  const cutoff = gridOriginAtOrBefore(asOf, s)
  return new SlaHistoryIndex(historyCells(rows, cutoff, s), s, { from: new Date(cutoff.getTime() - s.lookbackDays * DAY), to: cutoff })
}

/** The history index as of `asOf`: the orders open at each origin of the look-back window, with their outcome. */
export async function slaHistoryIndex(tx: Tx | PrismaClient, asOf: Date, settings?: SlaRiskSettings): Promise<SlaHistoryIndex> {
  const s = settings ?? (await slaRiskSettings(tx))
  const cutoff = gridOriginAtOrBefore(asOf, s)
  const rows = await historySnapshots(tx, s, { from: new Date(cutoff.getTime() - s.lookbackDays * DAY), to: cutoff })
  return slaHistoryAt(rows, cutoff, s)
}

export interface SlaRiskOptions {
  /** The moment predicted for; only what was recorded by then is used (the back-test replays history with it). */
  asOf?: Date
  settings?: SlaRiskSettings
  /** A history index already built for the same `asOf` (several scopes predicted at one moment share it). */
  history?: SlaHistoryIndex
}

/**
 * The SLA-miss risk of the open orders in scope as of `asOf`, from two set-based statements however many orders: the
 * open orders' features now, and the same features of the orders open at every origin of the look-back window with
 * their outcome. Used by the API (Order.slaRisk, ordersAtRisk), the SHIP_BY_RISK job and the back-test alike.
 */
export async function slaRisks(tx: Tx | PrismaClient, scope: OpenOrderScope, opts: SlaRiskOptions = {}): Promise<SlaRisk[]> {
  const asOf = opts.asOf ?? new Date()
  const s = opts.settings ?? opts.history?.settings ?? (await slaRiskSettings(tx))
  const open = await openOrderSnapshots(tx, asOf, s, scope)
  if (open.length === 0) return []
  const history = opts.history ?? (await slaHistoryIndex(tx, asOf, s))
  return open.map((o) => estimateSlaRisk(o, history))
}

/** Ranks risks: the most likely to miss first, then the soonest ship-by (unknown probabilities last). */
export function rankByRisk<T extends { probability: number | null; shipBy: Date; orderId: number }>(risks: T[]): T[] {
  return [...risks].sort(
    (a, b) => (b.probability ?? -1) - (a.probability ?? -1) || a.shipBy.getTime() - b.shipBy.getTime() || a.orderId - b.orderId,
  )
}
