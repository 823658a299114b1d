import crypto from 'node:crypto'
import type { Tx } from '@ops-hub/db'
import { userError } from './errors.ts'

/** Canonical JSON (sorted keys) so the same payload always hashes the same whatever the key order. */
function canonical(value: unknown): string {
  if (value === undefined || value === null) return 'null'
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export function requestHash(payload: unknown): string {
  return crypto.createHash('sha256').update(canonical(payload)).digest('hex')
}

export interface IdempotencyOptions<T extends object> {
  scope: string
  /** No key: the command simply runs. */
  key: string | null | undefined
  /** What must be identical for a retry to count as the same request (the input minus the key). */
  request: unknown
  /** The part of the result worth keeping to replay it (ids, not whole rows: replays re-read current state). */
  toResponse: (result: T) => Record<string, unknown>
  replay: (response: Record<string, unknown>) => Promise<T>
}

/**
 * Runs a command at most once per (scope, key). The key row is inserted FIRST in the caller's transaction, so a
 * concurrent duplicate blocks on the primary key until the first commits, then replays its stored result;
 * if the first rolls back (a business error), the duplicate runs for real. Failures are therefore not cached.
 * The same key with a different payload is refused with IDEMPOTENCY_KEY_REUSED.
 */
export async function idempotent<T extends object>(tx: Tx, opts: IdempotencyOptions<T>, run: () => Promise<T>): Promise<T & { replayed: boolean }> {
  if (!opts.key) return Object.assign(await run(), { replayed: false })
  const hash = requestHash(opts.request)
  const inserted = await tx.$queryRaw<Array<{ key: string }>>`
    INSERT INTO idempotency_records (scope, key, request_hash, response)
    VALUES (${opts.scope}, ${opts.key}, ${hash}, '{}'::jsonb)
    ON CONFLICT (scope, key) DO NOTHING
    RETURNING key`
  if (inserted.length === 0) {
    const record = await tx.idempotencyRecord.findUniqueOrThrow({ where: { scope_key: { scope: opts.scope, key: opts.key } } })
    if (record.requestHash !== hash) {
      throw userError(
        'IDEMPOTENCY_KEY_REUSED',
        `Idempotency key ${opts.key} was already used for a different request`,
        ['input', 'idempotencyKey'],
      )
    }
    return Object.assign(await opts.replay(record.response as Record<string, unknown>), { replayed: true })
  }
  const result = await run()
  await tx.$executeRaw`
    UPDATE idempotency_records SET response = ${JSON.stringify(opts.toResponse(result))}::jsonb
    WHERE scope = ${opts.scope} AND key = ${opts.key}`
  return Object.assign(result, { replayed: false })
}
