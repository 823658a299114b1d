import { PothosValidationError } from '@pothos/core'
import { DomainError, nulCharacterAt } from '@ops-hub/domain'
import { decodeGlobalID } from '@pothos/plugin-relay'
import { GraphQLError, validate, type ASTVisitor, type DocumentNode, type GraphQLSchema, type ValidationContext } from 'graphql'
import { pageSizeRule } from './page-size-rule.ts'

/** The extension code of input the API refuses before any resolver runs: a client's mistake, never the hub's. */
export const BAD_USER_INPUT = 'BAD_USER_INPUT'

const MAX_INT4 = 2_147_483_647

/**
 * Decodes a global id, refusing any whose id part is not a positive 32-bit integer: every node's key is an Int
 * column, and an id like `Order:2147483648` would otherwise fail inside the database as an unexpected error.
 */
export function decodeNodeId(globalID: string): { typename: string; id: string } {
  const decoded = decodeGlobalID(globalID)
  if (!/^[1-9]\d{0,9}$/.test(decoded.id) || Number(decoded.id) > MAX_INT4) {
    throw new PothosValidationError(`Invalid global ID: ${globalID}`, { extensions: { code: BAD_USER_INPUT } })
  }
  return decoded
}

/**
 * A refusal the client should see as it is, with a code to branch on, or null for an error to mask: Pothos's
 * validation errors (a global id of the wrong type or malformed, a bad cursor, a query too complex), which carry no
 * code, get BAD_USER_INPUT; a business rule a query enforces (a DomainError: an unknown location code) gets its own
 * code, as a mutation would report it in userErrors.
 */
export function clientErrorOf(error: GraphQLError): GraphQLError | null {
  const original = error.originalError
  const located = { nodes: error.nodes, path: error.path, originalError: original }
  if (original instanceof PothosValidationError && !error.extensions.code) {
    return new GraphQLError(error.message, { ...located, extensions: { ...error.extensions, code: BAD_USER_INPUT } })
  }
  if (original instanceof DomainError) {
    const [first] = original.errors
    return new GraphQLError(original.message, { ...located, extensions: { code: first?.code ?? BAD_USER_INPUT, field: first?.field ?? null } })
  }
  return null
}

/**
 * Validation rule: no text input holds a NUL character, in a literal or anywhere in the variables (JSON keys too).
 * PostgreSQL cannot store one in text or jsonb, so a NUL that reached a lookup or a write would fail inside the
 * database; it is refused before anything runs, naming where it was found.
 */
export function textInputRule(variables: Record<string, unknown> | undefined) {
  return (context: ValidationContext): ASTVisitor => ({
    Document: {
      leave() {
        const path = nulCharacterAt(variables)
        const at = path && `$${path.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i ? `.${p}` : p)).join('')}`
        if (at) context.reportError(new GraphQLError(`${at} holds a NUL character (\\u0000), which text cannot hold`, { extensions: { code: BAD_USER_INPUT } }))
      },
    },
    StringValue(node) {
      if (node.value.includes('\u0000')) {
        context.reportError(new GraphQLError('A string holds a NUL character (\\u0000), which text cannot hold', { nodes: [node], extensions: { code: BAD_USER_INPUT } }))
      }
    },
  })
}

/**
 * The checks that depend on a request's variables (page sizes, NUL characters), run on every request. They cannot
 * be validation rules: the server caches validation per document, so one request's variables would decide for the
 * next (a `first: 5000` once made every later `first: 5` of the same document fail, and the reverse let 5000 by).
 */
export function requestInputErrors(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | null | undefined): readonly GraphQLError[] {
  return validate(schema, document, [pageSizeRule(variables ?? undefined), textInputRule(variables ?? undefined)])
}
