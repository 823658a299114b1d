import type { z } from 'zod'
import { DomainError } from './errors.ts'

/** Parses command input with zod; every issue becomes an INVALID_INPUT user error pointing at its field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  throw new DomainError(
    result.error.issues.map((issue) => ({
      code: 'INVALID_INPUT' as const,
      message: issue.message,
      field: ['input', ...issue.path.map(String)],
    })),
  )
}
