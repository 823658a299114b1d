// The embedded database's prepared-statement layer must be invisible: every statement gives what PGlite's own query()
// gives (rows, fields, parsed types, errors), and only the cost changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PGlite } from '@electric-sql/pglite'
import { withPreparedStatements, type PgliteWithStatements } from '../../packages/db/src/pglite-statements.ts'

let pg: PGlite
let db: PgliteWithStatements

beforeAll(async () => {
  pg = await PGlite.create('memory://')
  await pg.exec(`
    CREATE TYPE hold AS ENUM ('PAYMENT', 'ADDRESS');
    CREATE TABLE things (
      id serial PRIMARY KEY, code text UNIQUE NOT NULL, price numeric(12,2), at timestamptz, day date,
      doc jsonb, tags text[], holds hold[], blob bytea, big bigint, ok boolean
    );`)
  // Array types created after start-up get their parsers and serializers here (as after the hub's migrations).
  await pg.refreshArrayTypes()
  db = withPreparedStatements(pg, { maxStatements: 3 })
})
afterAll(() => pg.close())

const INSERT = `INSERT INTO things (code, price, at, day, doc, tags, holds, blob, big, ok)
  VALUES ($1, $2, $3, $4, $5, $6, $7::hold[], $8, $9, $10) RETURNING *`

describe('prepared statements on embedded PGlite', () => {
  it('return the rows, fields and parsed values that PGlite query() returns, for every kind of value', async () => {
    const at = new Date('2026-03-02T10:15:00.123Z')
    const params = ['A-1', '12.50', at, '2026-03-02', { a: [1, 'x'] }, ['red', "it's"], ['PAYMENT'], new Uint8Array([0, 255, 7]), '9007199254740993', true]
    const ours = await db.query(INSERT, params)
    const theirs = await pg.query(INSERT, ['A-2', ...params.slice(1)])
    expect(ours.fields).toEqual(theirs.fields)
    expect({ ...ours.rows[0], id: 0, code: '' }).toEqual({ ...theirs.rows[0], id: 0, code: '' })
    expect(ours.rows[0]).toMatchObject({ price: '12.50', at, doc: { a: [1, 'x'] }, tags: ['red', "it's"], holds: ['PAYMENT'], ok: true })
    expect(ours.affectedRows).toBe(1)

    // Nulls, array row mode and a caller's own parsers (as the Prisma adapter passes them).
    const parsers = { 1700: (v: string) => `n:${v}` }
    const nulls = await db.query('SELECT $1::text AS a, price FROM things WHERE code = $2', [null, 'A-1'], { rowMode: 'array', parsers })
    expect(nulls.rows).toEqual([[null, 'n:12.50']])
    expect((await db.query('SELECT price FROM things WHERE code = $1', ['A-1'])).rows).toEqual([{ price: '12.50' }])

    // Unnamed statements (hand-written SQL, planned for its values each run) give the same, first run and later.
    for (let run = 0; run < 2; run++) {
      const unnamed = await db.query('SELECT * FROM things WHERE code = ANY($1::text[]) ORDER BY code', [['A-1', 'A-2']], undefined, 'unnamed')
      const plain = await pg.query('SELECT * FROM things WHERE code = ANY($1::text[]) ORDER BY code', [['A-1', 'A-2']])
      expect(unnamed.rows).toEqual(plain.rows)
      expect(unnamed.rows).toHaveLength(2)
    }
  })

  it('run a known statement in one round trip into the backend, and keep working past the statement limit', async () => {
    const calls: number[] = []
    const original = pg.execProtocolStream.bind(pg)
    pg.execProtocolStream = (async (...args: Parameters<PGlite['execProtocolStream']>) => {
      calls.push(1)
      return original(...args)
    }) as PGlite['execProtocolStream']
    try {
      await db.query('SELECT count(*)::int AS n FROM things WHERE code <> $1', ['x'])
      calls.length = 0
      const again = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM things WHERE code <> $1', ['x'])
      expect(again.rows).toEqual([{ n: 2 }])
      expect(calls).toHaveLength(1)
      await db.query('SELECT count(*)::int AS n FROM things WHERE code = $1', ['x'], undefined, 'unnamed')
      calls.length = 0
      expect((await db.query('SELECT count(*)::int AS n FROM things WHERE code = $1', ['A-1'], undefined, 'unnamed')).rows).toEqual([{ n: 1 }])
      expect(calls).toHaveLength(1)
    } finally {
      pg.execProtocolStream = original
    }
    // More distinct statements than the layer keeps (3): the oldest are closed and prepared again when used.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 6; i++) expect((await db.query<{ v: number }>(`SELECT $1::int + ${i} AS v`, [1])).rows).toEqual([{ v: 1 + i }])
    }
    const open = await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'ohs\\_%'`)
    expect(open.rows[0].n).toBeGreaterThan(0)
    expect(open.rows[0].n).toBeLessThanOrEqual(3)
  })

  it('raise PostgreSQL errors with their codes and change nothing; a transaction rolls back as with PGlite', async () => {
    await expect(db.query(INSERT, ['A-1', null, null, null, null, null, null, null, null, null])).rejects.toMatchObject({ code: '23505' })
    await expect(db.query('SELEC nonsense', [])).rejects.toMatchObject({ code: '42601' })

    await expect(
      db.transaction(async (tx) => {
        await tx.query(`UPDATE things SET price = 99 WHERE code = $1`, ['A-1'])
        await tx.query(INSERT, ['A-2', null, null, null, null, null, null, null, null, null])
      }),
    ).rejects.toMatchObject({ code: '23505' })
    expect((await db.query('SELECT price FROM things WHERE code = $1', ['A-1'])).rows).toEqual([{ price: '12.50' }])

    const kept = await db.transaction(async (tx) => {
      await tx.query(`UPDATE things SET price = 20 WHERE code = $1`, ['A-1'])
      return (await tx.query<{ price: string }>('SELECT price FROM things WHERE code = $1', ['A-1'])).rows[0].price
    })
    expect(kept).toBe('20.00')
    expect((await pg.query('SELECT price FROM things WHERE code = $1', ['A-1'])).rows).toEqual([{ price: '20.00' }])
  })

  it('prepare a statement again when the session dropped it or the table under it changed', async () => {
    const read = 'SELECT code FROM things WHERE code = $1'
    expect((await db.query(read, ['A-1'])).rows).toEqual([{ code: 'A-1' }])
    await pg.exec('DEALLOCATE ALL')
    expect((await db.query(read, ['A-1'])).rows).toEqual([{ code: 'A-1' }])

    const all = 'SELECT * FROM things WHERE code = $1'
    await db.query(all, ['A-1'])
    await pg.exec('ALTER TABLE things ADD COLUMN note text')
    const after = await db.query<Record<string, unknown>>(all, ['A-1'])
    expect(after.rows[0]).toHaveProperty('note', null)
    // The stale copy is closed with the next statement the layer prepares: one copy of the text stays prepared.
    await db.query('SELECT 1 AS one', [])
    const copies = await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1', [all])
    expect(copies.rows[0].n).toBe(1)
  })
})
