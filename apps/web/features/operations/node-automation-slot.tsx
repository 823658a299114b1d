'use client'

import { useEffect, useState, type FormEvent } from 'react'
import { useClient, useQuery } from 'urql'
import { describeError } from '@/components/metric-card'
import { Meter } from '@/components/meter'
import { formatCount, formatDateTime } from '@/lib/format'
import { useSession } from '@/features/session/session-provider'
import {
  CONFIGURE_NODE_AUTOMATION_MUTATION, NODE_AUTOMATION_QUERY, type NodeAutomation, type NodeAutomationResult, type NodeCapacityDay,
} from './workbench.graphql'
import styles from './workbench.module.css'

/**
 * A node's automation (issue 16 item 2) between its header and its queue: whether it releases and waves by itself
 * and how, the working day its releases count against (released against min(pick, pack) capacity), and - for the
 * roles the API lets change it (OPERATIONS, ADMIN) - a form calling configureNodeAutomation. Others read only.
 */
export function NodeAutomationSlot({ locationCode, refreshKey, onSaved }: { locationCode: string; refreshKey: string; onSaved: () => void }) {
  const { session } = useSession()
  const role = session.status === 'signed-in' ? session.claims.role : null
  const canConfigure = role === 'OPERATIONS' || role === 'ADMIN'
  const [result, reexecute] = useQuery<NodeAutomationResult>({ query: NODE_AUTOMATION_QUERY, variables: { locationCode } })
  useEffect(() => {
    reexecute({ requestPolicy: 'network-only' })
  }, [refreshKey, reexecute])
  const [editing, setEditing] = useState(false)
  const location = result.data?.location

  if (result.error) return <p className={styles.bad}>{describeError(result.error)}</p>
  if (!location) return <p className={styles.muted}>{result.fetching ? 'Loading automation…' : `No location ${locationCode}.`}</p>
  const a = location.automation
  return (
    <div className={styles.automation} data-automation={locationCode} data-auto-release={a.autoRelease} data-auto-wave={a.autoWave}>
      <dl className={styles.automationFacts}>
        <div>
          <dt>Release</dt>
          <dd data-automation-release title="Automatic release uses the same priority rules and capacity as Release now; a node with it off waits for releaseOrders.">
            {describeRelease(a)}
          </dd>
        </div>
        <div>
          <dt>Waves</dt>
          <dd data-automation-wave title="An automatic wave creates bin-walk pick tasks exactly as Create wave does.">
            {describeWave(a)}
          </dd>
        </div>
        {location.capacityToday && <CapacityDay day={location.capacityToday} />}
      </dl>
      {canConfigure && (
        <div className={styles.automationEdit}>
          {!editing ? (
            <button type="button" className={styles.linkButton} onClick={() => setEditing(true)} data-action="configure-automation">
              Change automation…
            </button>
          ) : (
            // Starts from the settings as they are when opened; later pushes (a wave the job just made) do not reset what is typed.
            <AutomationForm
              locationCode={locationCode}
              current={a}
              onCancel={() => setEditing(false)}
              onSaved={() => {
                setEditing(false)
                reexecute({ requestPolicy: 'network-only' })
                onSaved()
              }}
            />
          )}
        </div>
      )}
    </div>
  )
}

function describeRelease(a: NodeAutomation): string {
  if (!a.autoRelease) return 'Manual (Release now)'
  const how = a.releaseEveryMinutes === 0 ? 'on every allocation' : `every ${a.releaseEveryMinutes} min`
  return `Automatic, ${how}${a.lastReleaseSlotAt ? ` · last slot ${formatDateTime(a.lastReleaseSlotAt)}` : ''}`
}

function describeWave(a: NodeAutomation): string {
  if (!a.autoWave) return 'Manual (Create wave)'
  const triggers = [a.waveAtOrders !== null ? `at ${a.waveAtOrders} waiting` : null, a.waveEveryMinutes !== null ? `every ${a.waveEveryMinutes} min` : null].filter(Boolean)
  return `Automatic, ${triggers.join(' or ')}, ≤ ${formatCount(a.maxLinesPerWave)} lines${a.lastWaveAt ? ` · last ${formatDateTime(a.lastWaveAt)}` : ''}`
}

/** Released against the day's release capacity - the lower of pick and pack - with what is left and what was picked and packed. */
function CapacityDay({ day }: { day: NodeCapacityDay }) {
  const share = day.releaseCapacity > 0 ? day.released / day.releaseCapacity : 0
  // What of the day's room only work due that day may take, while the reserve is in force.
  const kept = Math.min(day.reservedForDueWork, day.releasableLeft)
  return (
    <div className={styles.capacityDay}>
      <dt>{day.afterCutoff ? `Capacity ${day.day} (after cut-off)` : `Capacity ${day.day}`}</dt>
      <dd
        data-capacity-day={day.day}
        data-released={day.released}
        data-release-capacity={day.releaseCapacity}
        data-releasable-left={day.releasableLeft}
        title={
          `Release capacity = min(pick ${day.pickCapacity}, pack ${day.packCapacity}) = ${day.releaseCapacity}, bound by ${day.boundBy.toLowerCase()}; ` +
          `released ${day.released}, so ${day.releasableLeft} left. Picked ${day.picked}, packed ${day.packed} that day.` +
          (kept ? ` ${kept} of them are kept for work due that day until ${formatDateTime(day.reserveOpensAt)} (orders.releaseReserve): work due later waits for them.` : '') +
          (day.afterCutoff ? " Today's cut-off has passed: releases count against this next working day." : '')
        }
      >
        <Meter share={share} over={share >= 1}>
          {formatCount(day.released)} used / {formatCount(day.releaseCapacity)} · {formatCount(day.releasableLeft)} left
        </Meter>
        {kept > 0 && (
          <span className={styles.muted} data-reserved-for-due-work={kept}>
            {formatCount(kept)} of what is left kept for work due that day until {formatDateTime(day.reserveOpensAt)}
          </span>
        )}
        <span className={styles.muted}>
          bound by {day.boundBy === 'PICK' ? 'pick' : 'pack'} · picked {formatCount(day.picked)} · packed {formatCount(day.packed)}
        </span>
      </dd>
    </div>
  )
}

interface UserErrorAnswer {
  code: string
  message: string
  field: string[] | null
}

/** Blank number fields: a wave trigger turned off (null); the others keep their value (left out). */
function AutomationForm({ locationCode, current, onCancel, onSaved }: { locationCode: string; current: NodeAutomation; onCancel: () => void; onSaved: () => void }) {
  const client = useClient()
  const [autoRelease, setAutoRelease] = useState(current.autoRelease)
  const [releaseEvery, setReleaseEvery] = useState(String(current.releaseEveryMinutes))
  const [autoWave, setAutoWave] = useState(current.autoWave)
  const [waveAt, setWaveAt] = useState(current.waveAtOrders === null ? '' : String(current.waveAtOrders))
  const [waveEvery, setWaveEvery] = useState(current.waveEveryMinutes === null ? '' : String(current.waveEveryMinutes))
  const [maxLines, setMaxLines] = useState(String(current.maxLinesPerWave))
  const [busy, setBusy] = useState(false)
  const [errors, setErrors] = useState<UserErrorAnswer[]>([])

  async function save(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    const whole = (s: string) => (s.trim() === '' ? undefined : Number(s))
    const input = {
      locationCode,
      autoRelease,
      releaseEveryMinutes: whole(releaseEvery),
      autoWave,
      waveAtOrders: whole(waveAt) ?? null,
      waveEveryMinutes: whole(waveEvery) ?? null,
      maxLinesPerWave: whole(maxLines),
    }
    const answer = await client.mutation(CONFIGURE_NODE_AUTOMATION_MUTATION, { input }).toPromise()
    setBusy(false)
    if (answer.error) {
      const code = String(answer.error.graphQLErrors[0]?.extensions?.code ?? 'ERROR')
      const message = code === 'FORBIDDEN' ? 'Your role may not change automation: the API refused it (FORBIDDEN).' : describeError(answer.error)
      return setErrors([{ code, message, field: null }])
    }
    const refused: UserErrorAnswer[] = answer.data?.configureNodeAutomation.userErrors ?? []
    setErrors(refused)
    if (refused.length === 0) onSaved()
  }

  const number = (label: string, name: string, value: string, set: (v: string) => void, hint: string) => (
    <label className={styles.automationField}>
      <span>{label}</span>
      <input name={name} type="number" inputMode="numeric" step={1} value={value} onChange={(e) => set(e.target.value)} aria-label={`${label} (${locationCode})`} />
      <small className={styles.muted}>{hint}</small>
    </label>
  )

  return (
    <form className={styles.automationForm} onSubmit={(e) => void save(e)} data-automation-form={locationCode}>
      <fieldset disabled={busy}>
        <label className={styles.automationToggle}>
          <input name="autoRelease" type="checkbox" checked={autoRelease} onChange={(e) => setAutoRelease(e.target.checked)} /> Release automatically
        </label>
        {number('Release every (min)', 'releaseEveryMinutes', releaseEvery, setReleaseEvery, '0 = on every allocation; 1..1440 = slots')}
        <label className={styles.automationToggle}>
          <input name="autoWave" type="checkbox" checked={autoWave} onChange={(e) => setAutoWave(e.target.checked)} /> Wave automatically
        </label>
        {number('Wave at orders', 'waveAtOrders', waveAt, setWaveAt, 'blank = no count trigger')}
        {number('Wave every (min)', 'waveEveryMinutes', waveEvery, setWaveEvery, 'blank = no timer; 1..1440')}
        {number('Max lines per wave', 'maxLinesPerWave', maxLines, setMaxLines, '1..10000')}
        <div className={styles.automationButtons}>
          <button type="submit" data-action="save-automation">{busy ? 'Saving…' : 'Save'}</button>
          <button type="button" className={styles.secondaryButton} onClick={onCancel}>Cancel</button>
        </div>
      </fieldset>
      {errors.length > 0 && (
        <ul className={styles.automationErrors} role="alert">
          {errors.map((e, i) => (
            <li key={i} data-refusal={e.code}>
              <strong>{e.code}</strong>
              {e.field && e.field.length > 0 ? <span className={styles.muted}> ({e.field.filter((f) => f !== 'input').join('.')})</span> : null}: {e.message}
            </li>
          ))}
        </ul>
      )}
    </form>
  )
}
