/**
 * Runs `work` whenever kicked, never twice at once: a kick while it runs asks for one more pass afterwards, so a
 * burst of events costs one or two passes, not one per event. `stop` waits for the pass under way.
 */
export function coalescingRunner(work: () => Promise<void>, onError: (err: unknown) => void) {
  let stopped = false
  let running: Promise<void> | null = null
  let again = false
  return {
    kick() {
      if (stopped) return
      if (running) {
        again = true
        return
      }
      running = (async () => {
        do {
          again = false
          try {
            await work()
          } catch (err) {
            if (!stopped) onError(err)
          }
        } while (again && !stopped)
      })().finally(() => (running = null))
    },
    async stop() {
      stopped = true
      await running
    },
  }
}
