import type { z } from 'zod'
import { DomainError } from './errors.ts'

/**
 * The path to the first string (or object key) in `value` that holds a NUL character, or null. PostgreSQL cannot
 * hold a NUL in text or jsonb: such input must be refused before it reaches a query.
 */
export function nulCharacterAt(value: unknown, path: string[] = []): string[] | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = nulCharacterAt(value[i], [...path, String(i)])
      if (at) return at
    }
    return null
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return [...path, key]
      const at = nulCharacterAt(item, [...path, key])
      if (at) return at
    }
  }
  return null
}

/**
 * Parses command input with zod; every issue becomes an INVALID_INPUT user error pointing at its field. Text holding
 * a NUL is refused first, whoever calls (the API refuses it at its edge; the carrier webhook and jobs reach here).
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const nul = nulCharacterAt(input)
  if (nul) throw new DomainError({ code: 'INVALID_INPUT', message: 'Text may not hold a NUL character (\\u0000)', field: ['input', ...nul] })
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
