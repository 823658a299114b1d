import type { PrismaClient, Tx } from '@ops-hub/db'
import { RecordedFailure } from './idempotency.ts'

const RETRYABLE = /40001|40P01|could not serialize|deadlock detected|write conflict/i

/**
 * Runs `fn` in one interactive transaction. Serialization failures and deadlocks are retried with
 * jittered back-off: the whole command re-runs, so a retry never half-applies. A RecordedFailure (a refusal
 * stored under an idempotency key) commits before it is thrown.
 */
export async function inTransaction<T>(
  prisma: PrismaClient,
  fn: (tx: Tx) => Promise<T>,
  options: { isolationLevel?: 'ReadCommitted' | 'RepeatableRead' | 'Serializable'; retries?: number; timeoutMs?: number } = {},
): Promise<T> {
  const retries = options.retries ?? 5
  for (let attempt = 0; ; attempt++) {
    try {
      const outcome = await prisma.$transaction(
        async (tx) => {
          try {
            return { value: await fn(tx) }
          } catch (err) {
            // A refusal kept under an idempotency key: commit the record (the command's own writes are undone).
            if (err instanceof RecordedFailure) return { recorded: err }
            throw err
          }
        },
        { isolationLevel: options.isolationLevel, timeout: options.timeoutMs ?? 30_000, maxWait: 30_000 },
      )
      if ('recorded' in outcome) throw outcome.recorded
      return outcome.value
    } catch (err) {
      const msg = `${(err as Error)?.message ?? ''} ${(err as { code?: string })?.code ?? ''}`
      if (attempt >= retries || !RETRYABLE.test(msg)) throw err
      await new Promise((r) => setTimeout(r, 5 * 2 ** attempt + Math.random() * 20))
    }
  }
}
