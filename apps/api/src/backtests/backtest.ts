import type { Database } from '@ops-hub/db'
import type { ForecastScore } from '@ops-hub/analytics'

/**
 * A rolling-origin back-test of one of the hub's predictions (REFERENCES.md): at each origin it predicts with only
 * what was known then, and labels each prediction with what happened afterwards. Files in this folder named
 * `<name>.backtest.ts` export one as default; `npm run backtest -- <name>` runs it on the demo's history.
 */
export interface Backtest {
  name: string
  /** One sentence: what is predicted, at which origins, labelled how. */
  description: string
  run(db: Database, options: { log?: (line: string) => void }): Promise<BacktestResult>
}

export interface BacktestResult {
  score: ForecastScore
  /** Extra lines worth printing (e.g. a share found in the top decile), already formatted. */
  notes?: string[]
  /** The numbers behind the notes, for tests to hold (e.g. topDecileShare). */
  figures?: Record<string, number>
}
