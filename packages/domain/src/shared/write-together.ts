import { Prisma, type Tx } from '@ops-hub/db'

/**
 * Runs named data-modifying CTE parts (`name AS (INSERT/UPDATE ... )`) as one statement: one round trip for
 * all of them. Hot paths use it for the writes they make while holding row locks. A part may read an earlier
 * part's RETURNING rows by name; no part sees another's effects otherwise, so parts must touch different rows.
 */
export async function writeTogether(tx: Tx, parts: Prisma.Sql[]): Promise<void> {
  if (parts.length) await tx.$executeRaw`WITH ${Prisma.join(parts, ', ')} SELECT 1`
}
