import type { Database, SqlClient } from '@ops-hub/db'
import { copyWriter, insertWriter, type RowWriter } from './bulk-insert.ts'
import type { Table, World } from './world.ts'

/** Write order by progress phase; within and across phases every foreign key points at an earlier table. */
export const WRITE_PHASES: Array<[phase: string, tables: Table[]]> = [
  ['catalog', ['products', 'skus', 'bundle_components']],
  ['network', ['channels', 'users', 'locations', 'node_automations', 'bins', 'holidays', 'carrier_services', 'allocation_rules']],
  ['stock', ['stock_positions', 'bin_stocks', 'channel_reservations']],
  ['orders', ['orders', 'order_lines', 'pick_waves', 'fulfillment_orders', 'allocations', 'pick_tasks', 'order_events']],
  ['shipments', ['shipments', 'shipment_milestones', 'returns', 'return_lines']],
  ['procurement', ['suppliers', 'supplier_skus', 'purchase_orders', 'purchase_order_lines', 'receipts', 'receipt_lines']],
  ['governance', ['adjustments', 'cycle_counts', 'transfers', 'transfer_lines', 'inventory_feeds', 'feed_discrepancies', 'inventory_events', 'node_day_loads']],
  ['exceptions', ['exceptions']],
]

const KEYLESS = new Set<Table>(['bundle_components', 'bin_stocks', 'channel_reservations', 'node_day_loads', 'node_automations'])
/** Document-number sequences and the offset between a row's id and its number (OH-100001 is order 1). */
const NUMBER_SEQUENCES: Array<[sequence: string, table: Table, offset: number]> = [
  ['order_number_seq', 'orders', 100000],
  ['fulfillment_number_seq', 'fulfillment_orders', 500000],
  ['purchase_order_number_seq', 'purchase_orders', 20000],
  ['return_number_seq', 'returns', 30000],
  ['transfer_number_seq', 'transfers', 1000],
  ['wave_number_seq', 'pick_waves', 1000],
]
/** Tables big enough that building their secondary indexes once after the load beats maintaining them per row. */
const REINDEX_ABOVE_ROWS = 5_000
// Serializes seeding across API instances that find the same empty database at the same time.
const SEED_LOCK_ID = 727_002

/**
 * Writes the whole scenario in one transaction with explicit ids: COPY on PGlite, large multi-row INSERTs on
 * PostgreSQL. Row-by-row foreign-key and trigger checks are suspended for the load where the role may do so
 * (session_replication_role), then the same rules are checked set-wise before commit: every foreign key resolves
 * and every stock position passes the invariant trigger. Finally every id and document-number
 * sequence moves past the seeded rows. Returns false (writing nothing) if the database was seeded meanwhile.
 */
export async function persistWorld(db: Database, w: World, onTable: (phase: string, rows: number) => void): Promise<boolean> {
  return db.sql.withClient(async (client) => {
    await client.exec('BEGIN')
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_ID])
      if ((await client.query('SELECT 1 FROM channels LIMIT 1')).length > 0) {
        await client.exec('ROLLBACK')
        return false
      }
      const relaxed = await relaxChecks(client)
      const big = WRITE_PHASES.flatMap(([, t]) => t).filter((t) => w.rows[t].length > REINDEX_ABOVE_ROWS)
      const indexes = await client.query(
        `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY($1::text[]) AND indexname NOT LIKE '%\\_pkey'`,
        [big],
      )
      if (indexes.length > 0) await client.exec(indexes.map((i) => `DROP INDEX "${i.indexname}"`).join(';\n'))

      const pglite = db.pglite
      // PGlite loads COPY payloads from a blob without parsing SQL: roughly a third faster than INSERTs there.
      const write: RowWriter = pglite
        ? copyWriter(async (sql, text) => void (await pglite.query(sql, [], { blob: new Blob([text]) })))
        : insertWriter(client)
      for (const [phase, tables] of WRITE_PHASES) {
        for (const table of tables) {
          onTable(phase, 0)
          await write(table, w.rows[table])
          onTable(phase, w.rows[table].length)
          // Written rows are no longer needed: let them go before the next (large) table is serialized.
          w.rows[table] = []
        }
      }
      if (indexes.length > 0) await client.exec(indexes.map((i) => String(i.indexdef)).join(';\n'))
      if (relaxed) {
        await client.exec('SET LOCAL session_replication_role = origin')
        await assertForeignKeys(client)
        // A no-op update runs each position through the no-oversell trigger (prisma/invariants.sql) once.
        await client.exec('UPDATE stock_positions SET version = version')
      }

      const statements: string[] = []
      for (const [, tables] of WRITE_PHASES) {
        for (const t of tables) {
          if (KEYLESS.has(t)) continue
          statements.push(`SELECT setval(pg_get_serial_sequence('"${t}"', 'id'), GREATEST((SELECT max(id) FROM "${t}"), 1), (SELECT max(id) FROM "${t}") IS NOT NULL)`)
        }
      }
      for (const [seq, t, offset] of NUMBER_SEQUENCES) {
        statements.push(`SELECT setval('${seq}', (SELECT COALESCE(max(id), 0) FROM "${t}") + ${offset})`)
      }
      await client.exec(statements.join(';\n'))
      await client.exec('COMMIT')
      return true
    } catch (err) {
      await client.exec('ROLLBACK')
      throw err
    }
  })
}

/** Suspends per-row FK and trigger checks for this transaction when the role is allowed to (superuser). */
async function relaxChecks(client: SqlClient): Promise<boolean> {
  await client.exec('SAVEPOINT relax')
  try {
    await client.exec('SET LOCAL session_replication_role = replica')
    await client.exec('RELEASE SAVEPOINT relax')
    return true
  } catch {
    await client.exec('ROLLBACK TO SAVEPOINT relax')
    return false
  }
}

/** Checks every foreign key of the schema (composite ones too) with one anti-join each; throws on a dangling reference. */
export async function assertForeignKeys(client: SqlClient): Promise<void> {
  const fks = await client.query(`
    SELECT c.conname, child.relname AS child, parent.relname AS parent,
      array(SELECT ca.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, i) JOIN pg_attribute ca ON ca.attrelid = c.conrelid AND ca.attnum = k.attnum ORDER BY k.i) AS cols,
      array(SELECT pa.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(attnum, i) JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = k.attnum ORDER BY k.i) AS pcols
    FROM pg_constraint c
    JOIN pg_class child ON child.oid = c.conrelid
    JOIN pg_class parent ON parent.oid = c.confrelid
    JOIN pg_namespace n ON n.oid = child.relnamespace
    WHERE c.contype = 'f' AND n.nspname = current_schema()`)
  if (fks.length === 0) return
  const union = fks
    .map((f) => {
      const cols = f.cols as string[]
      const pcols = f.pcols as string[]
      // MATCH SIMPLE: a row with any key column NULL references nothing.
      const set = cols.map((col) => `c."${col}" IS NOT NULL`).join(' AND ')
      const match = cols.map((col, i) => `p."${pcols[i]}" = c."${col}"`).join(' AND ')
      return `SELECT '${f.conname}' AS fk, count(*) AS n FROM "${f.child}" c WHERE ${set} AND NOT EXISTS (SELECT 1 FROM "${f.parent}" p WHERE ${match})`
    })
    .join(' UNION ALL ')
  const bad = (await client.query(`SELECT fk, n FROM (${union}) x WHERE n > 0`)).map((r) => `${r.fk} (${r.n})`)
  if (bad.length > 0) throw new Error(`seed: dangling foreign keys: ${bad.join(', ')}`)
}
