import type { PrismaClient } from '@ops-hub/db'
import type { Actor } from '@ops-hub/domain'
import type { SettingsCache } from './settings-cache.ts'

/** The dashboard's operations (hash -> document), extracted from its sources by the same code its build uses. */
export async function loadDashboardOperations(): Promise<Map<string, string>> {
  const { dashboardOperations } = (await import('../../web/scripts/persisted-operations.mts')) as typeof import('../../web/scripts/persisted-operations.mts')
  return new Map([...(await dashboardOperations())].map(([hash, op]) => [hash, op.document]))
}

const SHA256 = /^[0-9a-f]{64}$/

/**
 * The allow-list of persisted operations: the dashboard's (from its build manifest) and those an admin registered
 * (registerPersistedOperation: a partner's integration, say). Registered ones are read from the database and kept
 * for a minute; a hash not on the list is answered PERSISTED_QUERY_NOT_IN_LIST.
 */
export class PersistedOperationStore {
  private readonly registered = new Map<string, { at: number; document: Promise<string | null> }>()
  constructor(
    private readonly prisma: PrismaClient,
    private readonly dashboard: Map<string, string>,
  ) {}

  get size() {
    return this.dashboard.size
  }

  async get(hash: string): Promise<string | null> {
    if (!SHA256.test(hash)) return null
    const own = this.dashboard.get(hash)
    if (own) return own
    const hit = this.registered.get(hash)
    if (hit && Date.now() - hit.at < 60_000) return hit.document
    const document = this.prisma.persistedOperation.findUnique({ where: { hash }, select: { document: true } }).then((r) => r?.document ?? null)
    this.registered.set(hash, { at: Date.now(), document })
    if (this.registered.size > 10_000) this.registered.clear()
    return document
  }
}

/**
 * Whether a caller may send operations as text: staff may unless the setting `api.persistedOperations` requires
 * persisted operations for their role or API key; a key or role listed there sends hashes of the allow-list only.
 */
export async function mayRunArbitraryOperations(settings: SettingsCache, actor: Actor | null): Promise<boolean> {
  if (!actor) return true
  const rule = await settings.get('api.persistedOperations')
  const keys = (rule.requiredForKeys ?? []).map((k) => String(k).replace(/^apikey:/, ''))
  const keyPrefix = actor.id.startsWith('apikey:') ? actor.id.slice('apikey:'.length) : null
  return !(rule.requiredForRoles ?? []).includes(actor.role) && !(keyPrefix && keys.includes(keyPrefix))
}
