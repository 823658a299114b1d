import type { PrismaClient, Tx } from '@ops-hub/db'
import type { SlaHistoryIndex } from './model.ts'
import { slaHistoryIndex } from './sla-risk.ts'
import { gridOriginAtOrBefore, type SlaRiskSettings } from './snapshots.ts'

/**
 * Keeps the SLA history of the current grid step per database: every moment of one step learns from the same history
 * (slaHistoryAt), so the weeks-long read runs once per step and per instance instead of once per request. Concurrent
 * callers share the read in flight; a failed read is forgotten.
 */
export class SlaHistoryCache {
  private readonly entries = new WeakMap<object, Map<string, Promise<SlaHistoryIndex>>>()

  /** `owner` identifies the database (the app's Database object); `db` is what to read it through. */
  get(owner: object, db: Tx | PrismaClient, asOf: Date, s: SlaRiskSettings): Promise<SlaHistoryIndex> {
    const key = `${gridOriginAtOrBefore(asOf, s).toISOString()}|${JSON.stringify(s)}`
    let byKey = this.entries.get(owner)
    if (!byKey) {
      byKey = new Map()
      this.entries.set(owner, byKey)
    }
    const hit = byKey.get(key)
    if (hit) return hit
    const read = slaHistoryIndex(db, asOf, s)
    byKey.set(key, read)
    read.catch(() => byKey.delete(key))
    // The previous step's history is no longer asked for once a new step begins: keep two at most.
    while (byKey.size > 2) byKey.delete(byKey.keys().next().value!)
    return read
  }
}

export const slaHistoryCache = new SlaHistoryCache()
