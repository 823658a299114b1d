import { spawn, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { pathToFileURL } from 'node:url'
import type { Database } from '@ops-hub/db'
import {
  beatScenarioRun, claimScenarioRun, failAbandonedScenarioRuns, failScenarioRun, finishScenarioRun, inTransaction,
  recordScenarioProgress, scenarioParamsSchema, simulatorArgs, type ScenarioParams,
} from '@ops-hub/domain'
import type { PubSub } from '@ops-hub/schema'
import type { Logger } from '../logger.ts'
import type { OutboxEnvelope } from '../realtime/outbox-relay.ts'
import { coalescingRunner } from './coalescing-runner.ts'

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..')
/** The simulator's command line (`npm run simulate`), run as a child process with the same node and tsx as the API. */
export const SIMULATOR_CLI = path.join(REPO_ROOT, 'packages/simulator/src/cli.ts')

export interface SimulatorCommand {
  command: string
  args: string[]
  env: NodeJS.ProcessEnv
  cwd: string
}

/**
 * How a run's simulator is started: this node binary with tsx's loader (what `npm run simulate` runs) on the CLI,
 * `--progress-json` so stdout carries NDJSON progress and the report. The child gets its own database: embedded
 * in memory unless `SCENARIO_DATABASE_URL` names a PostgreSQL server for it; the hub's own `DATABASE_URL` is never
 * handed to it.
 */
export function simulatorCommand(params: ScenarioParams, env: NodeJS.ProcessEnv = process.env): SimulatorCommand {
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
  const { DATABASE_URL: _hubDatabase, SCENARIO_DATABASE_URL, ...rest } = env
  return {
    command: process.execPath,
    args: ['--import', tsxLoader, SIMULATOR_CLI, ...simulatorArgs(params)],
    env: { ...rest, ...(SCENARIO_DATABASE_URL ? { DATABASE_URL: SCENARIO_DATABASE_URL } : {}) },
    cwd: REPO_ROOT,
  }
}

export interface ScenarioRunnerOptions {
  /** How often a running run's heartbeat is written (default 5 s). */
  heartbeatMs?: number
  /** A RUNNING run with no heartbeat for this long was left by a crashed instance and is failed (default 30 s). */
  staleAfterMs?: number
  /** Backstop: how often queued runs (from other instances, or missed events) and abandoned ones are looked for (default 10 s). */
  pollMs?: number
  /** The simulator to start for a run (default: simulatorCommand). */
  command?: (params: ScenarioParams) => SimulatorCommand
}

/** The last `max` characters of a stream, for a failure's reason. */
function tailBuffer(max: number) {
  let text = ''
  return {
    push(chunk: string) {
      text = (text + chunk).slice(-max)
    },
    get text() {
      return text.trim()
    },
  }
}

/**
 * Works QUEUED scenario runs, one at a time per API instance (the others wait QUEUED): claims the oldest, spawns the
 * simulator as a child process (a long CPU-bound run never blocks the API's event loop), writes each progress line into
 * the run row (the outbox event pushes it to `scenarioRunUpdated`), and finishes the run with the report or fails it
 * with the reason. RUNNING runs whose instance died are failed at start and by the backstop, by their stale heartbeat.
 */
export function startScenarioRunner(db: Database, pubsub: PubSub, topic: string, logger: Logger, options: ScenarioRunnerOptions = {}) {
  const runnerId = `${os.hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`
  const heartbeatMs = options.heartbeatMs ?? 5_000
  const staleAfterMs = options.staleAfterMs ?? 30_000
  const commandFor = options.command ?? ((params: ScenarioParams) => simulatorCommand(params))
  let stopped = false
  /** Why a simulator was stopped when its run stopped being this runner's: cancelled by a user, or failed as abandoned. */
  const NOT_MINE = 'The run was cancelled, or marked FAILED while it ran (its heartbeat was late); the simulator was stopped.'
  /** Stops the simulator under way, failing its run with the reason. */
  let abort: ((why: string) => void) | null = null

  const failAbandoned = async () => {
    const failed = await inTransaction(db.prisma, (tx) => failAbandonedScenarioRuns(tx, { staleBefore: new Date(Date.now() - staleAfterMs), by: runnerId, exceptRunnerId: runnerId }))
    if (failed.length) logger.warn({ runs: failed }, 'scenario runs left RUNNING by a stopped instance marked FAILED')
  }

  const runOne = async (): Promise<boolean> => {
    const run = await inTransaction(db.prisma, (tx) => claimScenarioRun(tx, { runnerId }))
    if (!run) return false
    const started = Date.now()
    logger.info({ run: run.id, params: run.params }, 'scenario run started')
    const outcome = await simulate(run.id, run.params)
    if (outcome.ok) {
      const done = await inTransaction(db.prisma, (tx) => finishScenarioRun(tx, { runId: run.id, report: outcome.report, by: runnerId }))
      logger.info({ run: run.id, status: done.status, seconds: Math.round((Date.now() - started) / 100) / 10 }, 'scenario run finished')
    } else {
      const after = await inTransaction(db.prisma, (tx) => failScenarioRun(tx, { runId: run.id, error: outcome.error, by: runnerId }))
      if (after.status === 'CANCELLED') logger.info({ run: run.id, cancelledBy: after.cancelledBy }, 'scenario run cancelled; its simulator was stopped')
      else logger.warn({ run: run.id, error: outcome.error }, 'scenario run failed')
    }
    return true
  }

  /** Runs the simulator for one claimed run; resolves with its report or the reason it has none. */
  const simulate = (runId: number, rawParams: unknown): Promise<{ ok: true; report: unknown } | { ok: false; error: string }> =>
    new Promise((resolve) => {
      const parsed = scenarioParamsSchema.safeParse(rawParams)
      if (!parsed.success) return resolve({ ok: false, error: `Stored parameters no longer valid: ${parsed.error.issues[0]?.message}` })
      const params = parsed.data
      const cmd = commandFor(params)
      let proc: ChildProcess
      try {
        proc = spawn(cmd.command, cmd.args, { cwd: cmd.cwd, env: cmd.env, stdio: ['ignore', 'pipe', 'pipe'] })
      } catch (err) {
        return resolve({ ok: false, error: `The simulator could not be started: ${(err as Error).message}` })
      }
      abort = giveUpLater
      const stderr = tailBuffer(4000)
      proc.stderr!.setEncoding('utf8').on('data', (d: string) => stderr.push(d))
      let report: unknown = undefined
      let given: string | null = null
      function giveUpLater(why: string) {
        giveUp(why)
      }
      const giveUp = (why: string) => {
        if (given) return
        given = why
        proc.kill('SIGTERM')
        setTimeout(() => proc.exitCode === null && proc.signalCode === null && proc.kill('SIGKILL'), 5_000).unref()
      }

      // Progress: the latest line wins; one write at a time, so a burst of fast days costs a write or two.
      const dayOf: Record<string, number> = { hub: 0, naive: 0 }
      let pending: { policy: 'hub' | 'naive'; day: number; days: number } | null = null
      let writing: Promise<void> | null = null
      const writeProgress = () => {
        if (writing || !pending) return
        const p = pending
        pending = null
        const fraction = Math.min(1, (dayOf.hub + dayOf.naive) / (2 * p.days))
        writing = inTransaction(db.prisma, (tx) => recordScenarioProgress(tx, { runId, runnerId, policy: p.policy, day: p.day, days: p.days, fraction }))
          .then((mine) => {
            if (!mine) giveUp(NOT_MINE)
          })
          .catch((err) => logger.error({ err, run: runId }, 'scenario progress not recorded'))
          .finally(() => {
            writing = null
            writeProgress()
          })
      }

      const lines = readline.createInterface({ input: proc.stdout!, crlfDelay: Infinity })
      lines.on('line', (line) => {
        if (!line.trim()) return
        let message: { type?: string; policy?: string; day?: number; days?: number; report?: unknown }
        try {
          message = JSON.parse(line)
        } catch {
          stderr.push(`${line}\n`)
          return
        }
        if (message.type === 'report') report = message.report
        else if (message.type === 'progress' && (message.policy === 'hub' || message.policy === 'naive') && Number.isInteger(message.day) && Number.isInteger(message.days)) {
          dayOf[message.policy] = Math.max(dayOf[message.policy], message.day!)
          pending = { policy: message.policy, day: message.day!, days: message.days! }
          writeProgress()
        }
      })

      const beat = setInterval(() => {
        void inTransaction(db.prisma, (tx) => beatScenarioRun(tx, { runId, runnerId })).then(
          (mine) => mine || giveUp(NOT_MINE),
          (err) => logger.error({ err, run: runId }, 'scenario heartbeat not recorded'),
        )
      }, heartbeatMs).unref()

      let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null
      let spawnError: Error | null = null
      proc.on('error', (err) => (spawnError = err))
      proc.on('exit', (code, signal) => (exit = { code, signal }))
      // 'close': the process ended and its output was read to the end (the report line included).
      proc.on('close', (code, signal) => {
        exit ??= { code, signal }
        clearInterval(beat)
        abort = null
        void Promise.resolve(writing).then(() => {
          if (given) return resolve({ ok: false, error: given })
          if (spawnError) return resolve({ ok: false, error: `The simulator could not be started: ${spawnError.message}` })
          if (exit!.code === 0 && report !== undefined) return resolve({ ok: true, report })
          const how = exit!.code === 0 ? 'exited without a report' : exit!.signal ? `was stopped by ${exit!.signal}` : `exited with code ${exit!.code}`
          resolve({ ok: false, error: `The simulator ${how}${stderr.text ? `: ${stderr.text}` : ''}` })
        })
      })
      if (stopped) giveUp('The API stopped while the run was under way. Start it again.')
    })

  const runner = coalescingRunner(
    async () => {
      while (!stopped && (await runOne())) {}
    },
    (err) => logger.error({ err }, 'scenario runner failed; the backstop retries'),
  )

  const ready = failAbandoned()
    .catch((err) => logger.error({ err }, 'failing abandoned scenario runs failed'))
    .then(() => runner.kick())

  const events = pubsub.subscribe(topic)[Symbol.asyncIterator]()
  void (async () => {
    for (;;) {
      const next = await events.next()
      if (next.done || stopped) return
      const event = next.value as OutboxEnvelope
      if (event.topic === 'scenario.changed' && event.payload?.status === 'QUEUED') runner.kick()
    }
  })().catch((err) => logger.error({ err }, 'scenario runner listener stopped'))

  const timer = setInterval(() => {
    void failAbandoned()
      .catch((err) => logger.error({ err }, 'failing abandoned scenario runs failed'))
      .then(() => runner.kick())
  }, options.pollMs ?? 10_000).unref()

  return {
    runnerId,
    async stop() {
      stopped = true
      clearInterval(timer)
      await events.return?.()
      abort?.('The API stopped while the run was under way. Start it again.')
      await ready
      await runner.stop()
    },
  }
}
