import type { Role } from '@ops-hub/db'

/** Who is acting: every command records it in the ledger and audit trail. */
export interface Actor {
  /** Stable identifier written to audit columns, e.g. `user:ops@example.com` or `apikey:ab12`. */
  id: string
  role: Role
  /** A partner is bound to one channel and sees only its data. */
  channelCode?: string
}

export const systemActor: Actor = { id: 'system', role: 'ADMIN' }

export const STAFF_ROLES: Role[] = ['ADMIN', 'EXECUTIVE', 'OPERATIONS', 'PROCUREMENT', 'FINANCE', 'CUSTOMER_SERVICE']
