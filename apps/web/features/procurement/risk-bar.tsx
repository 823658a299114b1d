import styles from './procurement.module.css'

/** A probability as a filled bar with its percentage: red at or above the threshold, amber below. */
export function RiskBar({ probability, threshold = 0.5 }: { probability: number; threshold?: number }) {
  const pct = Math.max(0, Math.min(1, probability)) * 100
  return (
    <div className={styles.riskBar} data-probability={probability} title={`P(stockout within the lead time) = ${probability}`}>
      <div className={`${styles.riskFill} ${probability < threshold ? styles.riskLow : ''}`} style={{ width: `${pct}%` }} />
      <span>{pct < 0.1 && pct > 0 ? '<0.1' : pct.toFixed(pct < 10 ? 1 : 0)}%</span>
    </div>
  )
}
