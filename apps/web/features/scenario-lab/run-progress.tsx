'use client'

import type { ScenarioRunSummary } from './scenario-lab.graphql'
import styles from './scenario-lab.module.css'

/** How far a run is: one bar for both policies (hub first, then naive), the day being simulated beside it. */
export function RunProgress({ run }: { run: ScenarioRunSummary }) {
  const pct = Math.round(run.progress.fraction * 100)
  const label =
    run.status === 'QUEUED'
      ? 'Waiting for the runner (one run at a time per API instance)…'
      : run.status === 'RUNNING'
        ? run.progress.policy
          ? `${run.progress.policy === 'HUB' ? 'Hub' : 'Naive baseline'}: day ${run.progress.day} of ${run.progress.days}`
          : 'Building the scenario’s world…'
        : run.status === 'SUCCEEDED'
          ? 'Finished'
          : run.status === 'CANCELLED'
            ? 'Cancelled'
            : 'Failed'
  return (
    <div className={styles.progress} data-progress={run.progress.fraction} data-status={run.status}>
      <div className={styles.progressTrack} role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label="Run progress">
        <div className={`${styles.progressFill} ${run.status === 'FAILED' ? styles.progressFailed : ''}`} style={{ width: `${pct}%` }} />
      </div>
      <div className={styles.progressText}>
        <span>{label}</span>
        <span className={styles.num}>{pct}%</span>
      </div>
    </div>
  )
}
