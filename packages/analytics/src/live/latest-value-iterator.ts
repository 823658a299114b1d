/**
 * An async iterator that holds at most one unread value: a slow reader skips to the newest snapshot instead
 * of queueing stale ones. Deliberately tiny: one is allocated per subscriber and pushed to on every change,
 * so with 10,000 subscribers its per-push cost is the fan-out cost.
 */
export class LatestValueIterator<T> implements AsyncIterableIterator<T> {
  private slot: { value: T } | null = null
  private waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | null = null
  private done = false
  private failure: { error: unknown } | null = null

  constructor(private readonly onClose: () => void) {}

  push(value: T) {
    if (this.done) return
    if (this.waiting) {
      const { resolve } = this.waiting
      this.waiting = null
      resolve({ value, done: false })
    } else {
      this.slot = { value }
    }
  }

  fail(error: unknown) {
    if (this.done) return
    if (this.waiting) {
      const { reject } = this.waiting
      this.waiting = null
      this.close()
      reject(error)
    } else {
      this.failure = { error }
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.failure) {
      const { error } = this.failure
      this.failure = null
      this.close()
      return Promise.reject(error)
    }
    if (this.slot) {
      const { value } = this.slot
      this.slot = null
      return Promise.resolve({ value, done: false })
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true })
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }))
  }

  return(): Promise<IteratorResult<T>> {
    this.close()
    return Promise.resolve({ value: undefined, done: true })
  }

  throw(error: unknown): Promise<IteratorResult<T>> {
    this.close()
    return Promise.reject(error)
  }

  [Symbol.asyncIterator]() {
    return this
  }

  private close() {
    if (this.done) return
    this.done = true
    this.slot = null
    if (this.waiting) {
      const { resolve } = this.waiting
      this.waiting = null
      resolve({ value: undefined, done: true })
    }
    this.onClose()
  }
}
