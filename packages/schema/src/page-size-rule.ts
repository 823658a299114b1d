import { GraphQLError, Kind, type ValidationContext, type ASTVisitor } from 'graphql'
import { MAX_PAGE_SIZE } from './builder.ts'

/**
 * Validation rule: a connection page (`first`/`last`) is at most MAX_PAGE_SIZE, checked on literals and
 * variables before anything executes, so a client learns the limit instead of silently getting less.
 */
export function pageSizeRule(variables: Record<string, unknown> | undefined) {
  return (context: ValidationContext): ASTVisitor => ({
    Argument(node) {
      if (node.name.value !== 'first' && node.name.value !== 'last') return
      const value =
        node.value.kind === Kind.INT ? Number(node.value.value) : node.value.kind === Kind.VARIABLE ? variables?.[node.value.name.value] : undefined
      if (typeof value === 'number' && (value > MAX_PAGE_SIZE || value < 0)) {
        context.reportError(
          new GraphQLError(`"${node.name.value}" must be between 0 and ${MAX_PAGE_SIZE} (got ${value}); paginate with cursors`, {
            nodes: [node],
            extensions: { code: 'PAGE_SIZE_EXCEEDED' },
          }),
        )
      }
    },
  })
}
