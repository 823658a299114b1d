'use client'

import { useCallback, useEffect, useState } from 'react'
import { useMutation, useQuery, useSubscription } from 'urql'
import { Panel, PanelGrid } from '@/components/panel'
import { Badge } from '@/components/data-table'
import { describeError } from '@/components/metric-card'
import { formatDateTime } from '@/lib/format'
import { ViewGate } from '@/features/shell/view-gate'
import {
  CANCEL_SCENARIO_RUN_MUTATION, SCENARIO_RUNS_QUERY, SCENARIO_RUN_QUERY, SCENARIO_RUN_SUBSCRIPTION,
  type ScenarioRunDetail, type ScenarioRunStatus, type ScenarioRunSummary,
} from './scenario-lab.graphql'
import { RunForm } from './run-form'
import { RunProgress } from './run-progress'
import { KpiComparisonTable } from './kpi-comparison'
import { DailyCharts } from './daily-charts'
import { formatDuration } from './scenario-format'
import styles from './scenario-lab.module.css'

export function ScenarioLabView() {
  return (
    <ViewGate slug="scenario-lab">
      <ScenarioLab />
    </ViewGate>
  )
}

const LISTED = 15
const LIST_VARIABLES = { first: LISTED }
const FINISHED: ScenarioRunStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED']
const STATUS_TONE: Record<ScenarioRunStatus, 'neutral' | 'info' | 'good' | 'bad'> = { QUEUED: 'neutral', RUNNING: 'info', SUCCEEDED: 'good', FAILED: 'bad', CANCELLED: 'neutral' }

/** The run shown, kept in the address (?run=<id>) so a result can be bookmarked or sent as a link. */
function useSelectedRun(): [string | null, (id: string | null) => void] {
  const [id, setId] = useState<string | null>(() => (typeof window === 'undefined' ? null : new URLSearchParams(window.location.search).get('run')))
  useEffect(() => {
    const q = new URLSearchParams(window.location.search)
    if (id) q.set('run', id)
    else q.delete('run')
    const query = q.toString()
    window.history.replaceState(null, '', `${window.location.pathname}${query ? `?${query}` : ''}`)
  }, [id])
  return [id, useCallback((next: string | null) => setId(next), [])]
}

function ScenarioLab() {
  const [runs, refetchRuns] = useQuery<{ scenarioRuns: { totalCount: number; nodes: ScenarioRunSummary[] } }>({ query: SCENARIO_RUNS_QUERY, variables: LIST_VARIABLES })
  const [selected, setSelected] = useSelectedRun()
  const list = runs.data?.scenarioRuns.nodes
  // With nothing chosen, the newest run is shown.
  const shownId = selected ?? list?.[0]?.id ?? null
  const refreshList = useCallback(() => refetchRuns({ requestPolicy: 'network-only' }), [refetchRuns])
  const busy = list?.some((r) => r.status === 'RUNNING' || r.status === 'QUEUED') ?? false

  return (
    <>
      <PanelGrid layout="narrow-wide">
        <Panel id="scenario-run-form" title="New run" explain="Parameters of the promo-spike scenario; the run is queued and simulated by the API in the background.">
          <RunForm
            busy={busy}
            onStarted={(run) => {
              setSelected(run.id)
              refreshList()
            }}
          />
        </Panel>
        <Panel id="scenario-runs" title="Past runs" explain={
            runs.data
              ? `${runs.data.scenarioRuns.totalCount} ${runs.data.scenarioRuns.totalCount === 1 ? 'run' : 'runs'} kept, newest first. Open one to see its comparison.`
              : 'Every run is kept, newest first.'
          }>
          {runs.error && <p className={styles.error}>{describeError(runs.error)}</p>}
          <RunsTable runs={list} fetching={runs.fetching} shownId={shownId} onOpen={setSelected} />
        </Panel>
      </PanelGrid>
      {shownId && <RunDetail key={shownId} id={shownId} onStatusChange={refreshList} />}
    </>
  )
}

function paramsText(r: ScenarioRunSummary) {
  const p = r.params
  return `${p.days} d · promo ×${p.promoMultiplier} · feed ${p.feedIntervalHours} h · delay ${p.supplierDelayDays} d · seed ${p.seed}`
}

function RunsTable({ runs, fetching, shownId, onOpen }: { runs: ScenarioRunSummary[] | undefined; fetching: boolean; shownId: string | null; onOpen: (id: string) => void }) {
  return (
    <div className={styles.tableWrap}>
      <table className={styles.table} data-table="scenario-runs">
        <thead>
          <tr>
            <th>Requested</th>
            <th>Parameters</th>
            <th>Status</th>
            <th className={styles.num}>Took</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {runs?.map((r) => (
            <tr key={r.id} data-run={r.id} data-status={r.status} className={r.id === shownId ? styles.shownRow : undefined}>
              <td className={styles.nowrap}>
                {formatDateTime(r.createdAt)}
                <div className={styles.muted}>{r.requestedBy}</div>
              </td>
              <td>{paramsText(r)}</td>
              <td className={styles.nowrap}>
                <Badge tone={STATUS_TONE[r.status]}>{r.status === 'RUNNING' ? `Running ${Math.round(r.progress.fraction * 100)}%` : r.status.charAt(0) + r.status.slice(1).toLowerCase()}</Badge>
              </td>
              <td className={`${styles.num} ${styles.nowrap}`}>{formatDuration(r.startedAt, r.finishedAt)}</td>
              <td className={styles.nowrap}>
                {r.id === shownId ? (
                  <span className={styles.muted}>shown</span>
                ) : (
                  <button type="button" className={styles.link} onClick={() => onOpen(r.id)} data-action="open-run">
                    Open
                  </button>
                )}
              </td>
            </tr>
          ))}
          {runs && runs.length === 0 && (
            <tr>
              <td colSpan={5} className={styles.emptyCell}>
                No runs yet: start one with the form.
              </td>
            </tr>
          )}
          {!runs && (
            <tr>
              <td colSpan={5} className={styles.emptyCell}>
                {fetching ? 'Loading…' : '—'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  )
}

/** Cancels a queued or running run; the API's runner stops its simulator within seconds. */
function CancelRunButton({ id, onCancelled }: { id: string; onCancelled: () => void }) {
  const [state, cancel] = useMutation(CANCEL_SCENARIO_RUN_MUTATION)
  const [problem, setProblem] = useState<string | null>(null)
  async function click() {
    setProblem(null)
    const res = await cancel({ input: { id, idempotencyKey: globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${id}` } })
    const refusal = res.error ? describeError(res.error) : res.data?.cancelScenarioRun?.userErrors?.[0]?.message
    if (refusal) return setProblem(refusal)
    onCancelled()
  }
  return (
    <div className={styles.cancel}>
      <button type="button" className={styles.button} disabled={state.fetching} onClick={() => void click()} data-action="cancel-run">
        {state.fetching ? 'Cancelling…' : 'Cancel run'}
      </button>
      {problem && <span className={styles.error}>{problem}</span>}
    </div>
  )
}

/** One run: live progress over the subscription while it is unfinished, then its comparison. */
function RunDetail({ id, onStatusChange }: { id: string; onStatusChange: () => void }) {
  const variables = { id }
  const [result, refetch] = useQuery<{ node: ScenarioRunDetail | null }>({ query: SCENARIO_RUN_QUERY, variables })
  const stored = result.data?.node ?? null
  const finished = stored ? FINISHED.includes(stored.status) : false
  const [live] = useSubscription<{ scenarioRunUpdated: ScenarioRunSummary }>({ query: SCENARIO_RUN_SUBSCRIPTION, variables, pause: !stored || finished })
  const pushed = live.data?.scenarioRunUpdated
  const run: ScenarioRunSummary | null = pushed && pushed.id === id && !finished ? pushed : stored
  // A status the stored copy does not have yet (claimed, finished): read the run again, report included, and the list.
  const pushedStatus = pushed?.status
  useEffect(() => {
    if (!pushedStatus || !stored || pushedStatus === stored.status) return
    onStatusChange()
    if (FINISHED.includes(pushedStatus)) refetch({ requestPolicy: 'network-only' })
  }, [pushedStatus]) // eslint-disable-line react-hooks/exhaustive-deps

  if (result.error) return <p className={styles.error}>{describeError(result.error)}</p>
  if (!run) return result.fetching ? <p className={styles.muted}>Loading the run…</p> : <p className={styles.muted}>This run does not exist (any more).</p>
  const report = stored?.report ?? null
  return (
    <section className={styles.detail} data-run-detail={run.id} data-status={run.status} aria-label="Selected run">
      <div className={styles.detailHeader}>
        <h2>
          Run of {formatDateTime(run.createdAt)} <Badge tone={STATUS_TONE[run.status]}>{run.status}</Badge>
        </h2>
        <p className={styles.muted}>
          {paramsText(run)} · requested by {run.requestedBy}
          {run.finishedAt && run.status !== 'CANCELLED' && <> · took {formatDuration(run.startedAt, run.finishedAt)}</>}
          {run.status === 'CANCELLED' && <> · cancelled by {run.cancelledBy ?? 'someone'}</>}
        </p>
        {run.nextStates.includes('CANCELLED') && <CancelRunButton id={run.id} onCancelled={onStatusChange} />}
      </div>
      {!(run.status === 'SUCCEEDED' && report) && <RunProgress run={run} />}
      {run.status === 'FAILED' && (
        <p className={styles.error} data-run-error>
          {run.error ?? 'The run failed.'}
        </p>
      )}
      {run.status === 'SUCCEEDED' && report && (
        <PanelGrid>
          <Panel
            id="scenario-kpis"
            title="KPIs: hub against the naive baseline"
            explain="The same demand through both policies. The better side of each KPI is highlighted (green better, red worse); difference = hub − naive."
          >
            <KpiComparisonTable rows={report.comparison} />
          </Panel>
          <Panel id="scenario-daily" title="Day by day" explain="Hub (solid blue) and naive baseline (dashed orange) over the simulated days.">
            <DailyCharts hub={report.hub.daily} naive={report.naive.daily} />
          </Panel>
        </PanelGrid>
      )}
    </section>
  )
}
