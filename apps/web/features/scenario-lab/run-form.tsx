'use client'

import { useState, type FormEvent } from 'react'
import { useMutation } from 'urql'
import { describeError } from '@/components/metric-card'
import { START_SCENARIO_RUN_MUTATION, type ScenarioParams, type ScenarioRunSummary } from './scenario-lab.graphql'
import styles from './scenario-lab.module.css'

/**
 * The check run (`npm run simulate -- --days 10 --seed 3`, the CLI's other defaults: promotion at 3x, a 3PL file
 * every 4 h, the late supplier 5 days behind): about 2.5 minutes on a 2-core machine, where the CLI's default 30 days takes 5.
 */
export const DEFAULT_PARAMS: ScenarioParams = { days: 10, promoMultiplier: 3, feedIntervalHours: 4, supplierDelayDays: 5, seed: 3 }

const FIELDS: Array<{ name: keyof ScenarioParams; label: string; hint: string; min: number; max: number; step: number }> = [
  { name: 'days', label: 'Days', hint: '1–60 simulated days per policy', min: 1, max: 60, step: 1 },
  { name: 'promoMultiplier', label: 'Promotion multiplier', hint: 'demand × on the promotion’s days, 1–10', min: 1, max: 10, step: 0.5 },
  { name: 'feedIntervalHours', label: '3PL feed every (h)', hint: 'hours between two 3PL stock files, 1–48', min: 1, max: 48, step: 1 },
  { name: 'supplierDelayDays', label: 'Supplier delay (days)', hint: 'how late the late supplier runs, 0–30', min: 0, max: 30, step: 1 },
  { name: 'seed', label: 'Seed', hint: 'same seed and parameters, same report', min: 0, max: 2147483647, step: 1 },
]

/** One key per click: a retried request (a lost response) cannot queue the run twice. */
const newKey = () => globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`

/** The run's parameters; the API checks the bounds and answers a refusal per field. */
export function RunForm({ onStarted, busy }: { onStarted: (run: ScenarioRunSummary) => void; busy: boolean }) {
  const [values, setValues] = useState<Record<keyof ScenarioParams, string>>(
    () => Object.fromEntries(Object.entries(DEFAULT_PARAMS).map(([k, v]) => [k, String(v)])) as Record<keyof ScenarioParams, string>,
  )
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [problem, setProblem] = useState<string | null>(null)
  const [state, start] = useMutation(START_SCENARIO_RUN_MUTATION)

  async function submit(e: FormEvent) {
    e.preventDefault()
    setErrors({})
    setProblem(null)
    const input = { ...Object.fromEntries(FIELDS.map((f) => [f.name, Number(values[f.name])])), idempotencyKey: newKey() }
    const res = await start({ input })
    if (res.error) return setProblem(describeError(res.error))
    const payload = res.data?.startScenarioRun
    if (payload?.userErrors?.length) {
      const byField: Record<string, string> = {}
      for (const u of payload.userErrors as Array<{ field: string[] | null; message: string }>) byField[u.field?.at(-1) ?? ''] = u.message
      setErrors(byField)
      if (byField['']) setProblem(byField[''])
      return
    }
    if (payload?.scenarioRun) onStarted(payload.scenarioRun)
  }

  return (
    <form className={styles.form} onSubmit={(e) => void submit(e)} data-form="scenario-run" noValidate>
      <p className={styles.formIntro}>
        <strong>promo-spike</strong>: a storefront, two marketplaces and a wholesale portal; one warehouse and an overflow 3PL
        reporting in batch files; a promotion that multiplies demand. Each run simulates it twice on databases of its own —
        through the hub’s rules and through the naive baseline.
      </p>
      <div className={styles.fields}>
        {FIELDS.map((f) => (
          <label key={f.name} className={styles.field}>
            <span>{f.label}</span>
            <input
              type="number"
              name={f.name}
              inputMode="decimal"
              min={f.min}
              max={f.max}
              step={f.step}
              value={values[f.name]}
              aria-invalid={errors[f.name] ? true : undefined}
              onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
            />
            <small className={errors[f.name] ? styles.fieldError : undefined} data-error={errors[f.name] ? f.name : undefined}>
              {errors[f.name] ?? f.hint}
            </small>
          </label>
        ))}
      </div>
      <div className={styles.formActions}>
        <button type="submit" className={styles.button} disabled={state.fetching} data-action="start-run">
          {state.fetching ? 'Starting…' : 'Start run'}
        </button>
        {busy && <span className={styles.muted}>A run is under way; a new one waits for it.</span>}
        {problem && <span className={styles.fieldError}>{problem}</span>}
      </div>
    </form>
  )
}
