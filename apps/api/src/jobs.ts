import type { Logger } from './logger.ts'

export interface Job {
  name: string
  everyMs: number
  run: () => Promise<unknown>
}

/** Runs background jobs on fixed intervals inside the API process; a slow run is never overlapped. */
export function startJobs(jobs: Job[], logger: Logger) {
  const timers: NodeJS.Timeout[] = []
  const inFlight = new Set<Promise<unknown>>()
  let stopped = false
  for (const job of jobs) {
    let busy = false
    timers.push(
      setInterval(() => {
        if (busy || stopped) return
        busy = true
        const p = job
          .run()
          .catch((err) => logger.error({ err, job: job.name }, 'job failed'))
          .finally(() => {
            busy = false
            inFlight.delete(p)
          })
        inFlight.add(p)
      }, job.everyMs).unref(),
    )
  }
  return {
    async stop() {
      stopped = true
      timers.forEach(clearInterval)
      await Promise.allSettled([...inFlight])
    },
  }
}
