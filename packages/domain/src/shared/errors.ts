/**
 * Expected business outcomes. Every code is listed here so the GraphQL layer maps them exhaustively;
 * a new code does not compile until it is added to the `UserErrorCode` enum in the schema.
 */
export const USER_ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'FORBIDDEN',
  'ILLEGAL_TRANSITION',
  'INSUFFICIENT_STOCK',
  'STALE_QUANTITY',
  'IDEMPOTENCY_KEY_REUSED',
  'APPROVAL_REQUIRED',
  'SELF_APPROVAL',
  'CAPACITY_EXCEEDED',
  'PACK_MISMATCH',
  'INVALID_FEED',
  'INVALID_SIGNATURE',
  // Order maintenance and bundles: the record is held by open work (e.g. a bundle's components while open orders hold it).
  'IN_USE',
  // public API (idempotency, webhooks)
  'IDEMPOTENCY_CONCURRENT_REQUEST',
  'INVALID_WEBHOOK_URL',
  // procurement (issue 15)
  'OVER_RECEIPT',
] as const

export type UserErrorCode = (typeof USER_ERROR_CODES)[number]

export interface UserErrorData {
  /** Path to the offending input field, e.g. `['input', 'lines', '0', 'sku']`; null for the whole input. */
  field: string[] | null
  message: string
  code: UserErrorCode
}

/** Thrown inside a command to abort its transaction and report business-rule failures to the caller. */
export class DomainError extends Error {
  readonly errors: UserErrorData[]
  constructor(errors: UserErrorData | UserErrorData[]) {
    const list = Array.isArray(errors) ? errors : [errors]
    super(list.map((e) => e.message).join('; '))
    this.name = 'DomainError'
    this.errors = list
  }
}

export function userError(code: UserErrorCode, message: string, field: string[] | null = null): DomainError {
  return new DomainError({ code, message, field })
}

/** Unique-violation from PostgreSQL (via Prisma), used where a race can beat a pre-check. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string }; message?: string }
  return e?.code === 'P2002' || e?.cause?.code === '23505' || /23505|Unique constraint/i.test(e?.message ?? '')
}

/**
 * Creates a record whose business key must be new, letting the database's unique key decide (a check before the
 * insert is beaten by a concurrent create): the violation is refused as `duplicate`, not left to surface as an
 * unexpected error. The model's only unique key besides its id must be that business key.
 */
export async function createUnique<T>(create: () => Promise<T>, duplicate: () => DomainError): Promise<T> {
  try {
    return await create()
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate()
    throw err
  }
}
