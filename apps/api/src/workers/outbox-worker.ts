import type { PubSub } from '@ops-hub/schema'
import type { Logger } from '../logger.ts'
import type { OutboxEnvelope } from '../realtime/outbox-relay.ts'
import { coalescingRunner } from './coalescing-runner.ts'

export interface OutboxWorkerOptions {
  /** Names the worker in its error logs. */
  name: string
  pubsub: PubSub
  /** The pub/sub topic committed outbox events arrive on. */
  topic: string
  logger: Logger
  /** Looks at each committed event (queueing what it names); true when the worker should run. */
  onEvent: (event: OutboxEnvelope) => boolean
  /** One pass over what is queued or due. Never runs twice at once; a kick during a pass asks for one more. */
  work: () => Promise<void>
  /**
   * The backstop: events are published at least once but only to the instances listening at the time, so a crash
   * between commit and reaction, or a restart, would otherwise leave work undone until the next event.
   */
  everyMs: number
  /** Called before each timed run (e.g. to ask the pass for a full sweep). */
  onTick?: () => void
}

/**
 * The one shape of every reaction to committed events (a step that follows a commit): listen on the outbox topic,
 * queue what each event names, run the work coalesced (a burst of events costs one or two passes), and run it again
 * on a timer and once at start for what a crash or a lost event left behind. Every API instance hears every event,
 * so the work itself must be safe to run on two instances at once (row claims, advisory locks, unique keys).
 */
export function startOutboxWorker(o: OutboxWorkerOptions) {
  const runner = coalescingRunner(o.work, (err) => o.logger.error({ err }, `${o.name} failed; retried on the next event or timer tick`))
  const events = o.pubsub.subscribe(o.topic)[Symbol.asyncIterator]()
  void (async () => {
    for (;;) {
      const next = await events.next()
      if (next.done) return
      if (o.onEvent(next.value as OutboxEnvelope)) runner.kick()
    }
  })().catch((err) => o.logger.error({ err }, `${o.name} listener stopped`))
  const timer = setInterval(() => {
    o.onTick?.()
    runner.kick()
  }, o.everyMs).unref()
  runner.kick()
  return {
    kick: () => runner.kick(),
    async stop() {
      clearInterval(timer)
      await events.return?.()
      await runner.stop()
    },
  }
}
