import type { Tx } from '@ops-hub/db'
import { DomainError, USER_ERROR_CODES, idempotent, inTransaction, type UserErrorCode, type UserErrorData } from '@ops-hub/domain'
import { builder } from './builder.ts'
import type { Context } from './context.ts'

export const UserErrorCodeEnum = builder.enumType('UserErrorCode', {
  description: 'Why a mutation was refused. Stable: integrations branch on it.',
  values: Object.fromEntries(USER_ERROR_CODES.map((c) => [c, { value: c }])) as Record<UserErrorCode, { value: UserErrorCode }>,
})

export const UserError = builder.objectRef<UserErrorData>('UserError').implement({
  description: 'A business-rule failure: nothing was written.',
  fields: (t) => ({
    field: t.exposeStringList('field', {
      nullable: true,
      description: 'Path to the input field at fault, e.g. ["input","lines","0","quantity"]; null for the whole input.',
    }),
    message: t.exposeString('message'),
    code: t.expose('code', { type: UserErrorCodeEnum }),
  }),
})

/**
 * The one way a mutation runs: the domain command inside a transaction, business-rule failures turned
 * into `userErrors` (the transaction is rolled back, so nothing is written), anything else re-thrown to be
 * masked and logged by the server.
 */
export async function runMutation<R, P extends object>(
  ctx: Context,
  command: (tx: Tx) => Promise<R>,
  toPayload: (result: R) => P | Promise<P>,
): Promise<P & { userErrors: UserErrorData[] }> {
  return runCommand(() => inTransaction(ctx.prisma, command), toPayload)
}

/**
 * For commands that manage their own transactions (order intake, bulk imports): business-rule failures become
 * `userErrors` exactly as in `runMutation`; the command guarantees a refused input wrote nothing.
 */
export async function runCommand<R, P extends object>(
  command: () => Promise<R>,
  toPayload: (result: R) => P | Promise<P>,
): Promise<P & { userErrors: UserErrorData[] }> {
  try {
    const result = await command()
    return { ...(await toPayload(result)), userErrors: [] }
  } catch (err) {
    if (err instanceof DomainError) return { userErrors: err.errors } as P & { userErrors: UserErrorData[] }
    throw err
  }
}

export function requireActor(ctx: Context) {
  if (!ctx.actor) throw new Error('unreachable: scope-auth guarantees an actor on mutations')
  return ctx.actor
}

export const IDEMPOTENCY_KEY_DESCRIPTION =
  'Client-chosen key (a UUID, say) that makes a retry safe: the first result (success or userErrors) is replayed for the same key and payload; the same key with another payload is refused (IDEMPOTENCY_KEY_REUSED); while the first request is still running a duplicate is refused with IDEMPOTENCY_CONCURRENT_REQUEST (retry it). Keys are per caller and kept 24 hours (setting api.idempotencyRetentionHours).'

/**
 * `runMutation` for a mutation that moves stock or money: the command runs through `idempotent()` under the
 * mutation's name, keyed by the input's `idempotencyKey` and the caller, the rest of the input being the payload a
 * retry must repeat.
 */
export async function runKeyedMutation<R extends object, P extends object>(
  ctx: Context,
  scope: string,
  input: { idempotencyKey?: string | null },
  command: (tx: Tx) => Promise<R>,
  toPayload: (result: R & { replayed: boolean }) => P | Promise<P>,
): Promise<P & { userErrors: UserErrorData[] }> {
  const { idempotencyKey, ...request } = input
  const owner = requireActor(ctx).id
  return runMutation(ctx, (tx) => idempotent(tx, { scope, key: idempotencyKey, request, owner }, () => command(tx)), toPayload)
}
