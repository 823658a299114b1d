'use client'

import { useEffect, useState } from 'react'
import { lastDays, rangeDays, type DayRange } from '@/lib/date-range'
import styles from './components.module.css'

const PRESETS = [7, 30, 90]

/** Presets (last 7/30/90 days, today included) and two date fields for any other window; applies on change. */
export function DateRangePicker({ value, onChange, id }: { value: DayRange; onChange: (r: DayRange) => void; id: string }) {
  const [draft, setDraft] = useState(value)
  useEffect(() => setDraft(value), [value])
  const preset = PRESETS.find((d) => {
    const r = lastDays(d)
    return r.start === value.start && r.end === value.end
  })
  const apply = (r: DayRange) => {
    setDraft(r)
    if (r.start && r.end && r.start <= r.end) onChange(r)
  }
  return (
    <div className={styles.rangePicker} data-range-picker={id}>
      <div className={styles.segmented} role="group" aria-label="Period">
        {PRESETS.map((d) => (
          <button key={d} type="button" aria-pressed={preset === d} onClick={() => apply(lastDays(d))}>
            {d} days
          </button>
        ))}
      </div>
      <label>
        From
        <input type="date" value={draft.start} max={draft.end} onChange={(e) => apply({ ...draft, start: e.target.value })} data-range-from />
      </label>
      <label>
        to
        <input type="date" value={draft.end} min={draft.start} onChange={(e) => apply({ ...draft, end: e.target.value })} data-range-to />
      </label>
      <span className={styles.rangeDays}>{rangeDays(value)} days</span>
    </div>
  )
}
