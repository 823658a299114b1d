/**
 * Scores probability forecasts against what happened, the way every back-test of the hub reports them
 * (REFERENCES.md, "Predictions and back-tests"): Brier score, its skill against always forecasting the base rate,
 * a five-bin reliability table, and precision/recall at the threshold that opens an exception.
 */
export interface Forecast {
  /** Predicted probability of the event, 0..1. */
  p: number
  /** 1 when the event happened, else 0. */
  y: 0 | 1
}

export interface CalibrationBin {
  /** Forecasts with from <= p < to (the last bin includes 1). */
  from: number
  to: number
  count: number
  meanForecast: number | null
  observedRate: number | null
}

export interface ForecastScore {
  forecasts: number
  events: number
  baseRate: number
  brierScore: number
  /** Brier score of forecasting the base rate every time: the reference a useful model must beat. */
  baseRateBrierScore: number
  /** 1 − BS / BS(base rate): above 0 beats the base rate, 1 is perfect. Null when every outcome was the same. */
  brierSkillScore: number | null
  calibration: CalibrationBin[]
  threshold: number
  /** Of the forecasts at or above the threshold, the share where the event happened (null when none were). */
  precision: number | null
  /** Of the events that happened, the share forecast at or above the threshold (null when none happened). */
  recall: number | null
}

export function scoreForecasts(forecasts: Forecast[], threshold: number, bins = 5): ForecastScore {
  const n = forecasts.length
  if (n === 0) throw new Error('No forecasts to score: the back-test made no predictions')
  const events = forecasts.reduce((s, f) => s + f.y, 0)
  const baseRate = events / n
  const brierScore = forecasts.reduce((s, f) => s + (f.p - f.y) ** 2, 0) / n
  const baseRateBrierScore = forecasts.reduce((s, f) => s + (baseRate - f.y) ** 2, 0) / n
  const calibration: CalibrationBin[] = Array.from({ length: bins }, (_, i) => {
    const from = i / bins
    const to = (i + 1) / bins
    const inBin = forecasts.filter((f) => f.p >= from && (i === bins - 1 ? f.p <= to : f.p < to))
    return {
      from,
      to,
      count: inBin.length,
      meanForecast: inBin.length ? inBin.reduce((s, f) => s + f.p, 0) / inBin.length : null,
      observedRate: inBin.length ? inBin.reduce((s, f) => s + f.y, 0) / inBin.length : null,
    }
  })
  const flagged = forecasts.filter((f) => f.p >= threshold)
  const hits = flagged.reduce((s, f) => s + f.y, 0)
  return {
    forecasts: n,
    events,
    baseRate,
    brierScore,
    baseRateBrierScore,
    brierSkillScore: baseRateBrierScore > 0 ? 1 - brierScore / baseRateBrierScore : null,
    calibration,
    threshold,
    precision: flagged.length ? hits / flagged.length : null,
    recall: events ? hits / events : null,
  }
}

const pct = (v: number | null) => (v === null ? '   n/a' : `${(v * 100).toFixed(1).padStart(5)}%`)

/** The score as the plain-text table `npm run backtest` prints. */
export function formatForecastScore(title: string, s: ForecastScore): string {
  const lines = [
    title,
    `  forecasts ${s.forecasts}, events ${s.events} (base rate ${pct(s.baseRate).trim()})`,
    `  Brier score ${s.brierScore.toFixed(4)} against ${s.baseRateBrierScore.toFixed(4)} for the base rate: skill score ${s.brierSkillScore === null ? 'n/a' : s.brierSkillScore.toFixed(3)}`,
    `  at the exception threshold ${s.threshold}: precision ${pct(s.precision).trim()}, recall ${pct(s.recall).trim()}`,
    '  calibration   forecasts   mean forecast   observed',
    ...s.calibration.map(
      (b) => `  ${b.from.toFixed(1)}-${b.to.toFixed(1)}     ${String(b.count).padStart(9)}   ${pct(b.meanForecast).padStart(13)}   ${pct(b.observedRate).padStart(8)}`,
    ),
  ]
  return lines.join('\n')
}
