import type { SqlClient } from '@ops-hub/db'

/** A table row keyed by column name: a loose bag by design, the database checks the types on insert. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Row = Record<string, any>

/** Loads rows into one table; the seed picks COPY on PGlite and multi-row INSERTs on PostgreSQL. */
export type RowWriter = (table: string, rows: Row[]) => Promise<void>

/** A value as a SQL literal; untyped literals take the target column's type (enums, arrays, jsonb, timestamptz). */
function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL'
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`seed: non-finite number ${v}`)
    return String(v)
  }
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE'
  if (v instanceof Date) return `'${v.toISOString()}'`
  if (typeof v === 'string') return `'${v.replaceAll("'", "''")}'`
  if (Array.isArray(v)) return `'${arrayLiteral(v).replaceAll("'", "''")}'`
  return `'${JSON.stringify(v).replaceAll("'", "''")}'`
}

function arrayLiteral(v: unknown[]): string {
  return `{${v.map((x) => `"${String(x).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`
}

const MAX_STATEMENT_CHARS = 1_000_000

/**
 * Inserts rows with large multi-row INSERT statements (one parse per ~1 MB). Columns are the keys of the first
 * row; every row of a table has the same keys.
 */
export function insertWriter(client: SqlClient): RowWriter {
  return async (table, rows) => {
    if (rows.length === 0) return
    const columns = Object.keys(rows[0])
    const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES `
    let parts: string[] = []
    let size = head.length
    for (const row of rows) {
      const tuple = `(${columns.map((c) => literal(row[c])).join(',')})`
      parts.push(tuple)
      size += tuple.length + 1
      if (size > MAX_STATEMENT_CHARS) {
        await client.exec(head + parts.join(','))
        parts = []
        size = head.length
      }
    }
    if (parts.length > 0) await client.exec(head + parts.join(','))
  }
}

const COPY_SPECIAL = /[\\\t\n\r]/
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

/** A value in COPY text format. */
function copyField(v: unknown): string {
  if (v === null || v === undefined) return '\\N'
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`seed: non-finite number ${v}`)
    return String(v)
  }
  if (typeof v === 'boolean') return v ? 't' : 'f'
  if (v instanceof Date) return v.toISOString()
  const s = typeof v === 'string' ? v : Array.isArray(v) ? arrayLiteral(v) : JSON.stringify(v)
  return COPY_SPECIAL.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : s
}

/** COPY ... FROM STDIN-style loading, given a function that streams one COPY text payload into a table. */
export function copyWriter(copy: (sql: string, text: string) => Promise<void>): RowWriter {
  return async (table, rows) => {
    if (rows.length === 0) return
    const columns = Object.keys(rows[0])
    const sql = `COPY "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) FROM '/dev/blob'`
    const chunk = 50_000
    for (let i = 0; i < rows.length; i += chunk) {
      const lines = rows.slice(i, i + chunk).map((row) => columns.map((c) => copyField(row[c])).join('\t'))
      await copy(sql, lines.join('\n') + '\n')
    }
  }
}
