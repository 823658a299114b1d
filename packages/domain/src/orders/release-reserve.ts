import type { PrismaClient, Tx } from '@ops-hub/db'
import { getSetting } from '../settings/settings.ts'

export interface ReleaseReserve {
  /** Releases of the working day that work due on a later day may not take yet (0 once the reserve is open). */
  units: number
  /** When the reserve opens to any work: `opensMinutesBeforeCutoff` before the day's cut-off. */
  opensAt: Date
}

/**
 * The share of a working day's release capacity kept for work due that day (ship-by by its cut-off) that is still to
 * come (`orders.releaseReserve`): release and the node's capacity read it alike. Stored values out of range are clamped.
 */
export async function releaseReserve(db: Tx | PrismaClient, capacity: number, cutoff: Date, now: Date): Promise<ReleaseReserve> {
  const setting = await getSetting(db, 'orders.releaseReserve')
  const share = Math.min(1, Math.max(0, Number(setting.share) || 0))
  const opensAt = new Date(cutoff.getTime() - Math.max(0, Number(setting.opensMinutesBeforeCutoff) || 0) * 60_000)
  return { units: now >= opensAt ? 0 : Math.floor(capacity * share), opensAt }
}
