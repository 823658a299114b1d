import crypto from 'node:crypto'
import { z } from 'zod'
import { Prisma, type Tx } from '@ops-hub/db'
import { DomainError, userError, type UserErrorData } from './errors.ts'
import { getSetting } from '../settings/settings.ts'

/** The `idempotencyKey` of a command input: any client-chosen string (a UUID v4 is the usual choice). */
export const idempotencyKeySchema = z.string().trim().min(1, 'An idempotency key cannot be empty').max(200).nullish()

/** Canonical JSON (sorted keys) so the same payload always hashes the same whatever the key order. */
function canonical(value: unknown): string {
  if (value === undefined || value === null) return 'null'
  if (value instanceof Date) return JSON.stringify(value.toISOString())
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

/**
 * A business-rule failure that idempotent() recorded under its key: the transaction must commit (the record, and
 * nothing else: the command's writes were rolled back to a savepoint) before the error reaches the caller, so a
 * retry with the key replays the failure instead of running again. `inTransaction` commits, then throws it.
 */
export class RecordedFailure extends DomainError {}

export interface IdempotencyOptions<T extends object> {
  /** The mutation's name. */
  scope: string
  /** No key: the command simply runs. */
  key: string | null | undefined
  /** What must be identical for a retry to count as the same request (the input minus the key). */
  request: unknown
  /** Who sent the key (the actor's id): every caller has its own keys, as with Stripe's per-account keys. */
  owner?: string
  /** When the record is written (the simulated clock); retention counts from it. */
  now?: Date
  /**
   * Optional: what to keep of the result and how to rebuild it. By default the whole result is kept (dates and
   * decimals included) and replayed as it was first returned.
   */
  toResponse?: (result: T) => Record<string, unknown>
  replay?: (response: Record<string, unknown>) => Promise<T>
}

type StoredOutcome = { ok: unknown } | { custom: Record<string, unknown> } | { failed: UserErrorData[] }

let savepoints = 0

/**
 * The one idempotency rule of every mutation that moves stock or money (Stripe's and Shopify's semantics):
 * - the first request with a key runs; its result - success or business-rule failure - is stored with the key in
 *   the same transaction and every retry with the key gets it back as it was (`replayed: true`);
 * - the same key with another payload is refused with IDEMPOTENCY_KEY_REUSED;
 * - a request whose key is held by one still running is refused with IDEMPOTENCY_CONCURRENT_REQUEST (retry it).
 * "Running" is a transaction-scoped advisory lock on the key, tried before anything else: it is released by the
 * commit or rollback (or by PostgreSQL when the process dies), so there is nothing to expire after a crash. A
 * request refused before it ran (bad input) or that failed unexpectedly stores nothing and may be retried.
 * Keys are kept for the setting `api.idempotencyRetentionHours` (purgeIdempotencyKeys removes older ones).
 */
export async function idempotent<T extends object>(tx: Tx, opts: IdempotencyOptions<T>, run: () => Promise<T>): Promise<T & { replayed: boolean }> {
  if (!opts.key) return Object.assign(await run(), { replayed: false })
  const sql: KeyStore = {
    query: (text, params) => tx.$queryRawUnsafe(text, ...params),
    exec: async (text) => void (await tx.$executeRawUnsafe(text)),
  }
  return runOnce(sql, opts, run, true)
}

/**
 * `idempotent` for a command that runs on a plain SQL connection in its own transaction (a feed import's COPY): the
 * same rule, except that a refusal is not kept (the transaction is rolled back whole), so a retry is refused again
 * by the same checks.
 */
export async function idempotentOnConnection<T extends object>(
  c: { query(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>; exec(text: string): Promise<void> },
  opts: IdempotencyOptions<T>,
  run: () => Promise<T>,
): Promise<T & { replayed: boolean }> {
  if (!opts.key) return Object.assign(await run(), { replayed: false })
  return runOnce({ query: (text, params) => c.query(text, params), exec: (text) => c.exec(text) }, opts, run, false)
}

interface KeyStore {
  query(text: string, params: unknown[]): Promise<unknown[]>
  exec(text: string): Promise<void>
}

async function runOnce<T extends object>(sql: KeyStore, opts: IdempotencyOptions<T>, run: () => Promise<T>, keepFailures: boolean): Promise<T & { replayed: boolean }> {
  const key = opts.key!
  const owner = opts.owner ?? ''
  const hash = requestHash(opts.request)
  const [lock] = (await sql.query('SELECT pg_try_advisory_xact_lock($1::bigint) AS locked', [lockId(opts.scope, owner, key).toString()])) as Array<{ locked: boolean }>
  if (!lock.locked) throw concurrentRequest(key)

  const [record] = (await sql.query('SELECT request_hash, response FROM idempotency_records WHERE scope = $1 AND owner = $2 AND key = $3', [opts.scope, owner, key])) as Array<{
    request_hash: string
    response: StoredOutcome | string
  }>
  if (record) {
    if (record.request_hash !== hash) {
      throw userError('IDEMPOTENCY_KEY_REUSED', `Idempotency key ${key} was already used for a different request`, ['input', 'idempotencyKey'])
    }
    const stored = (typeof record.response === 'string' ? JSON.parse(record.response) : record.response) as StoredOutcome
    if ('failed' in stored) throw new DomainError(stored.failed)
    const result = 'custom' in stored ? await opts.replay!(stored.custom) : (decode(stored.ok) as T)
    return Object.assign(result, { replayed: true })
  }

  const savepoint = `idempotent_${++savepoints}`
  if (keepFailures) await sql.exec(`SAVEPOINT ${savepoint}`)
  let result: T
  try {
    result = await run()
  } catch (err) {
    if (!keepFailures || !(err instanceof DomainError) || err instanceof RecordedFailure) throw err
    // The command refused after it began: undo its writes, keep the refusal under the key.
    await sql.exec(`ROLLBACK TO SAVEPOINT ${savepoint}`)
    await store(sql, opts, owner, hash, { failed: err.errors })
    throw new RecordedFailure(err.errors)
  }
  await store(sql, opts, owner, hash, opts.toResponse && opts.replay ? { custom: opts.toResponse(result) } : { ok: encode(result) })
  return Object.assign(result, { replayed: false })
}

async function store(sql: KeyStore, opts: Pick<IdempotencyOptions<object>, 'scope' | 'key' | 'now'>, owner: string, hash: string, outcome: StoredOutcome) {
  const inserted = await sql.query(
    `INSERT INTO idempotency_records (scope, owner, key, request_hash, response, created_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6::timestamptz)
     ON CONFLICT (scope, owner, key) DO NOTHING RETURNING key`,
    [opts.scope, owner, opts.key, hash, JSON.stringify(outcome), (opts.now ?? new Date()).toISOString()],
  )
  // Only under snapshot isolation can a concurrent first request commit between our lock and our read.
  if (inserted.length === 0) throw concurrentRequest(opts.key!)
}

function concurrentRequest(key: string) {
  return userError(
    'IDEMPOTENCY_CONCURRENT_REQUEST',
    `A request with idempotency key ${key} is still being processed; retry it shortly to get its result`,
    ['input', 'idempotencyKey'],
  )
}

/** A 64-bit advisory lock id for (scope, owner, key); a collision only makes a request retry. */
function lockId(scope: string, owner: string, key: string): bigint {
  return crypto.createHash('sha256').update(`idempotency\u0000${scope}\u0000${owner}\u0000${key}`).digest().readBigInt64BE(0)
}

/** JSON that keeps what JSON loses in a command's result: dates and exact decimals. */
function encode(value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return { $date: value.toISOString() }
  if (Prisma.Decimal.isDecimal(value)) return { $decimal: value.toString() }
  if (typeof value === 'bigint') return { $bigint: value.toString() }
  if (Array.isArray(value)) return value.map(encode)
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]))
  return value
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode)
  if (value === null || typeof value !== 'object') return value
  const o = value as Record<string, unknown>
  if (typeof o.$date === 'string') return new Date(o.$date)
  if (typeof o.$decimal === 'string') return new Prisma.Decimal(o.$decimal)
  if (typeof o.$bigint === 'string') return BigInt(o.$bigint)
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, decode(v)]))
}

/** Forgets keys older than the retention window (setting `api.idempotencyRetentionHours`, default 24). */
export async function purgeIdempotencyKeys(tx: Tx, now = new Date()): Promise<{ purged: number }> {
  const retentionHours = await getSetting(tx, 'api.idempotencyRetentionHours')
  const before = new Date(now.getTime() - retentionHours * 3_600_000)
  const purged = await tx.$executeRaw`DELETE FROM idempotency_records WHERE created_at < ${before}`
  return { purged }
}
