// npm run seed -- [--seed N] [--scale 0.1]
// Seeds the demo scenario into the configured database (DATABASE_URL, else PGlite in DATA_DIR) after applying
// migrations. Refuses when the database already holds data: the seed writes explicit ids into empty tables.
// Stop the hub first when it runs on PGlite: one process at a time may open a PGlite data folder.
import { parseArgs } from 'node:util'
import { openDatabase } from '@ops-hub/db'
import { seedDemo } from '../../../../prisma/seed/seed-demo.ts'
import { loadConfig } from '../config.ts'

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    scale: { type: 'string', default: '1' },
  },
})
const config = loadConfig()
const seed = values.seed === undefined ? config.HUB_SEED : Number(values.seed)
const scale = Number(values.scale)
if (!Number.isInteger(seed) || !(scale > 0 && scale <= 5)) {
  console.error('usage: npm run seed -- [--seed <integer>] [--scale <0 < x <= 5, 1 = ~20,000 orders>]')
  process.exit(2)
}

const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: `${config.DATA_DIR}/pglite` })
const where = config.DATABASE_URL ? 'the PostgreSQL database in DATABASE_URL' : `the embedded database in ${config.DATA_DIR}/pglite`
try {
  await db.migrate()
  if ((await db.prisma.channel.count()) > 0) {
    console.error(`Refusing to seed: ${where} already has data. Seed an empty database (e.g. a new DATA_DIR or a fresh DATABASE_URL).`)
    process.exitCode = 1
  } else {
    const report = await seedDemo(db, { seed, scale, progress: true })
    if (!report.seeded) {
      console.error(`Refusing to seed: another process seeded ${where} first.`)
      process.exitCode = 1
    } else {
      console.log(
        `Seeded ${where} with seed ${seed}, scale ${scale}: ${report.orders} orders, ${report.rows} rows ` +
          `in ${((report.generateMs + report.writeMs) / 1000).toFixed(1)} s (generate ${report.generateMs} ms, write ${report.writeMs} ms).`,
      )
    }
  }
} finally {
  await db.close()
}
