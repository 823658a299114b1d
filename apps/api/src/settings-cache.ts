import type { PrismaClient } from '@ops-hub/db'
import { getSetting, type SettingKey, type SettingValue } from '@ops-hub/domain'

/**
 * Settings read on every request (cost limits, persisted-operation rules), kept for a few seconds: a change made
 * by an admin applies within `ttlMs` on every instance, and a request does not pay a database read for it.
 */
export class SettingsCache {
  private readonly entries = new Map<SettingKey, { at: number; value: Promise<unknown> }>()
  constructor(
    private readonly prisma: PrismaClient,
    private readonly ttlMs = 5_000,
  ) {}

  get<K extends SettingKey>(key: K): Promise<SettingValue<K>> {
    const now = Date.now()
    const hit = this.entries.get(key)
    if (hit && now - hit.at < this.ttlMs) return hit.value as Promise<SettingValue<K>>
    const value = getSetting(this.prisma, key)
    this.entries.set(key, { at: now, value })
    // A failed read is not kept: the next request tries again.
    value.catch(() => this.entries.delete(key))
    return value
  }

  /** Forget everything (tests that change a setting and want it applied now). */
  clear() {
    this.entries.clear()
  }
}
