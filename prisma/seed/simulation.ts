import type { Exceptions } from './exceptions.ts'
import type { Rng } from './rng.ts'
import type { Stock } from './stock.ts'
import type { World } from './world.ts'

interface Scheduled {
  at: number
  seq: number
  run: () => void
}

/**
 * A discrete-event clock over the 90 days of history: orders, receipts, counts and feeds happen in time order
 * against one evolving stock state, so every quantity written is one the ledger explains. Events later than
 * `now` never happen (they are the future); their planned times only decide what is still open.
 */
export class Simulation {
  private heap: Scheduled[] = []
  private seq = 0
  /** Time of the event being processed. */
  t = 0

  constructor(
    readonly w: World,
    readonly stock: Stock,
    readonly exceptions: Exceptions,
    readonly rng: Rng,
  ) {}

  get now(): number {
    return this.w.now
  }

  /** Runs `fn` at `at` (never earlier than the current event); dropped if that is in the future. */
  at(at: number, fn: () => void): boolean {
    const when = Math.max(at, this.t)
    if (when > this.w.now) return false
    this.push({ at: when, seq: ++this.seq, run: fn })
    return true
  }

  run(): void {
    while (this.heap.length > 0) {
      const ev = this.pop()
      this.t = ev.at
      ev.run()
    }
    this.t = this.w.now
  }

  private less(a: Scheduled, b: Scheduled): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq)
  }

  private push(ev: Scheduled): void {
    const h = this.heap
    h.push(ev)
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.less(h[i], h[parent])) break
      ;[h[i], h[parent]] = [h[parent], h[i]]
      i = parent
    }
  }

  private pop(): Scheduled {
    const h = this.heap
    const top = h[0]
    const last = h.pop()!
    if (h.length > 0) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && this.less(h[l], h[m])) m = l
        if (r < h.length && this.less(h[r], h[m])) m = r
        if (m === i) break
        ;[h[i], h[m]] = [h[m], h[i]]
        i = m
      }
    }
    return top
  }
}
