// The simulated clock. The hub's commands read the time where they need it (`new Date()`, `Date.now()`, Prisma's
// @updatedAt, the database's now()); a run of the scenario replaces all of them with one clock that the simulator
// moves forward between commands, so every timestamp it writes is a simulated one and the report never depends on
// the wall clock. Nothing in packages/domain changes: the API keeps the real clock.
import type { SqlRunner } from '@ops-hub/db'

const RealDate = Date

export class SimClock {
  #t: number
  #installed = false
  #previous: DateConstructor | null = null

  constructor(start: Date) {
    this.#t = start.getTime()
  }

  get time(): number {
    return this.#t
  }

  now(): Date {
    return new RealDate(this.#t)
  }

  /** Moves the clock to `t` (never backwards). */
  set(t: number): void {
    if (t > this.#t) this.#t = t
  }

  /** Replaces the global Date with one whose "now" is this clock, until `uninstall`. */
  install(): void {
    if (this.#installed) return
    const clock = this
    // A subclass keeps instanceof, parsing, UTC and every prototype method; only "now" reads the simulated clock.
    class SimulatedDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(clock.#t)
        else super(...(args as [string]))
      }
      static override now(): number {
        return clock.#t
      }
    }
    // Date() called as a function returns a string of now.
    const DateProxy = new Proxy(SimulatedDate, {
      apply: () => new RealDate(clock.#t).toString(),
    }) as unknown as DateConstructor
    this.#previous = globalThis.Date
    globalThis.Date = DateProxy
    this.#installed = true
  }

  uninstall(): void {
    if (!this.#installed) return
    globalThis.Date = this.#previous!
    this.#installed = false
  }
}

/**
 * The database's side of the clock: `sim.clock` holds the simulated instant, `sim.now()` reads it, every column
 * default on now()/CURRENT_TIMESTAMP is pointed at it, and `sim` comes before pg_catalog on the search path so the
 * commands' own SQL now() reads it too. Only the simulator's throw-away databases are changed.
 */
export async function installDatabaseClock(sql: SqlRunner, databaseName: string | null): Promise<void> {
  await sql.exec(`
    CREATE SCHEMA IF NOT EXISTS sim;
    CREATE TABLE IF NOT EXISTS sim.clock (id int PRIMARY KEY, t timestamptz NOT NULL);
    INSERT INTO sim.clock VALUES (1, '2000-01-01T00:00:00Z') ON CONFLICT (id) DO NOTHING;
    CREATE OR REPLACE FUNCTION sim.now() RETURNS timestamptz LANGUAGE sql STABLE AS 'SELECT t FROM sim.clock WHERE id = 1';
  `)
  const cols = await sql.query(`
    SELECT c.table_schema, c.table_name, c.column_name FROM information_schema.columns c
    WHERE c.table_schema = 'public' AND (c.column_default ILIKE '%now()%' OR c.column_default ILIKE '%CURRENT_TIMESTAMP%')
    ORDER BY 1, 2, 3`)
  for (const c of cols) {
    await sql.exec(`ALTER TABLE "${c.table_schema}"."${c.table_name}" ALTER COLUMN "${c.column_name}" SET DEFAULT sim.now()`)
  }
  if (databaseName) await sql.exec(`ALTER DATABASE "${databaseName}" SET search_path = sim, pg_catalog, public`)
  await sql.exec(`SET search_path = sim, pg_catalog, public`)
}

export async function setDatabaseClock(sql: SqlRunner, at: Date): Promise<void> {
  await sql.query(`UPDATE sim.clock SET t = $1 WHERE id = 1`, [at.toISOString()])
}
