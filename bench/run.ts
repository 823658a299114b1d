// npm run bench [-- name-filter]: runs every bench/*.bench.ts and prints each figure next to its baseline,
// measured on this machine in this run. Results also go to bench/results/<timestamp>.json (git-ignored).
// Benchmarks that need PostgreSQL use BENCH_DATABASE_URL, else DATABASE_URL, else the local server.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatRows, type Benchmark, type BenchRow } from './harness.ts'

const dir = path.dirname(fileURLToPath(import.meta.url))
const filter = process.argv[2]
process.env.BENCH_DATABASE_URL ??= process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'
process.env.BENCH_REDIS_URL ??= process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
// As `npm start` runs the API (and as Node services are deployed): graphql-js skips its development-only checks. Set
// before any bench is imported, so the in-process rows and the API processes the benches start run the same way.
process.env.NODE_ENV ??= 'production'

const files = fs.readdirSync(dir).filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter))).sort()
const results: Record<string, BenchRow[] | { error: string }> = {}
for (const file of files) {
  const bench = (await import(path.join(dir, file))).default as Benchmark
  console.log(`\n▶ ${bench.name} (${file})`)
  const started = Date.now()
  try {
    const rows = await bench.run()
    results[bench.name] = rows
    console.log(formatRows(rows))
  } catch (err) {
    results[bench.name] = { error: String((err as Error).stack ?? err) }
    console.log(`  FAILED: ${(err as Error).message}`)
    process.exitCode = 1
  }
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`)
}
fs.mkdirSync(path.join(dir, 'results'), { recursive: true })
const out = path.join(dir, 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
fs.writeFileSync(out, JSON.stringify({ machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, results }, null, 2))
console.log(`\nresults: ${path.relative(process.cwd(), out)}`)
process.exit()
