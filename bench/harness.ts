/** One line of the benchmark report: a measured figure next to its same-machine, same-run baseline. */
export interface BenchRow {
  name: string
  value: number
  unit: string
  baseline?: { name: string; value: number; unit: string }
  /** value / baseline.value, or as documented by the benchmark (e.g. "higher is better"). */
  ratio?: number
  goal?: string
  notes?: string
}

export interface Benchmark {
  name: string
  /** Needs DATABASE_URL (PostgreSQL) or REDIS_URL; skipped with a note when missing. */
  requires?: Array<'postgres' | 'redis'>
  run(): Promise<BenchRow[]>
}

export function formatRows(rows: BenchRow[]): string {
  return rows
    .map((r) => {
      const base = r.baseline ? `  vs ${r.baseline.name} ${fmt(r.baseline.value)} ${r.baseline.unit}` : ''
      const ratio = r.ratio !== undefined ? `  ratio ${r.ratio.toFixed(2)}` : ''
      const goal = r.goal ? `  (goal ${r.goal})` : ''
      return `  ${r.name}: ${fmt(r.value)} ${r.unit}${base}${ratio}${goal}${r.notes ? `\n    ${r.notes}` : ''}`
    })
    .join('\n')
}

function fmt(n: number) {
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2)
}
