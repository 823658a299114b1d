import type { CombinedError } from 'urql'

export interface MutationAnswer {
  data?: Record<string, { userErrors?: Array<{ code: string; message: string }> } | null>
  error?: CombinedError
}

/**
 * What the API said about a decision or an action, in words for the row it was made on: its first userError
 * (SELF_APPROVAL, INSUFFICIENT_STOCK, ...) with its code, a role the API refused, or null when it went through.
 */
export function refusalOf(answer: MutationAnswer, field: string): { code: string; message: string } | null {
  if (answer.error) {
    const code = String(answer.error.graphQLErrors[0]?.extensions?.code ?? 'ERROR')
    if (code === 'FORBIDDEN') return { code, message: 'Your role may not do this: the API refused it (FORBIDDEN).' }
    if (answer.error.networkError) return { code: 'NETWORK', message: `Cannot reach the API: ${answer.error.networkError.message}` }
    return { code, message: answer.error.graphQLErrors[0]?.message ?? answer.error.message }
  }
  const problem = answer.data?.[field]?.userErrors?.[0]
  return problem ? { code: problem.code, message: problem.message } : null
}
