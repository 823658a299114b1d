import { Prisma, type Database, type OrderModel as Order } from '@ops-hub/db'
import type { z } from 'zod'
import type { Actor } from '../../shared/actor.ts'
import { parseInput } from '../../shared/validation.ts'
import { inTransaction } from '../../shared/transaction.ts'
import { placeOrder, placeOrderInput, orderFromRow, type PlaceOrderResult } from '../commands/place-order.ts'
import { newBatchTaken, planFastOrder, type FastOrderPlan, type LockingPathReason, type PlaceOrderInput } from './plan-order.ts'
import { intakeKey, readIntakeSql, toIntakeSnapshot } from './read-intake.ts'
import { writeOrdersSql } from './write-orders.ts'

export interface OrderIntakeOptions {
  /** Orders written by one statement at most. */
  maxBatch?: number
}

interface Pending {
  input: PlaceOrderInput
  actor: Actor
  resolve: (r: PlaceOrderResult) => void
  reject: (err: unknown) => void
}

/**
 * SQLSTATEs after which the batch's orders are placed again through the locking path: a reservation that no
 * longer fits (the write's guard, 23514), a deadlock or serialization failure, a unique violation. Anything else
 * is a fault and reaches the callers (masked and logged by the API).
 */
const RETRY_ON_LOCKING_PATH = new Set(['23514', '40P01', '40001', '23505'])

/**
 * Order intake: how the API and channel integrations place orders. A clean order (known channel and SKUs, no
 * bundle, no hold, confident stock, enough of it within what its channel's allocation rules let it take - see
 * lockingPathReason in plan-order.ts, the one place that decides) is planned on one lock-free read
 * and written - reservations included - by ONE statement with no transaction around it (write-orders.ts).
 * Orders that arrive while earlier ones are being written queue up and go together into the next statement, so
 * under load many orders share one round trip, one plan and one commit (group commit), and a hot SKU's row is
 * locked once per batch, not once per order; alone, an order waits for nobody.
 *
 * Every other order - and any order whose write fails its guard because stock moved since the read - is placed
 * by `placeOrder` in its own transaction (the locking path), which handles holds, rules, buffers, backorders and
 * exceptions. Both paths produce the same order, timeline, events and ledger for the same stock (see
 * allocation-plan.ts); tests run both against each other.
 */
export class OrderIntake {
  readonly #db: Database
  readonly #maxBatch: number
  #queue: Pending[] = []
  /** One batch at a time: concurrent batches of a hot SKU would only queue on its row lock, with fewer orders each. */
  #writing = false
  /** Orders placed by the fast path and by the locking path (for benchmarks and tests). */
  readonly stats = { fastPath: 0, lockingPath: 0, batches: 0, guardFailures: 0, lockingReasons: {} as Partial<Record<LockingPathReason | 'duplicate-in-batch' | 'known-order' | 'guard-failure', number>> }

  constructor(db: Database, opts: OrderIntakeOptions = {}) {
    this.#db = db
    this.#maxBatch = opts.maxBatch ?? 32
  }

  /** Places one order (validated first: bad input is a DomainError before anything is queued). */
  place(rawInput: z.input<typeof placeOrderInput>, actor: Actor): Promise<PlaceOrderResult> {
    const input = parseInput(placeOrderInput, rawInput)
    return new Promise((resolve, reject) => {
      this.#queue.push({ input, actor, resolve, reject })
      this.#pump()
    })
  }

  #pump() {
    if (this.#writing || this.#queue.length === 0) return
    const batch = this.#queue.splice(0, this.#maxBatch)
    this.#writing = true
    this.#run(batch)
      .catch((err) => batch.forEach((p) => p.reject(err)))
      .finally(() => {
        this.#writing = false
        this.#pump()
      })
  }

  async #run(batch: Pending[]) {
    const now = new Date()
    const snapshot = toIntakeSnapshot((await this.#query(readIntakeSql(batch.map((p) => p.input), now)))[0])
    const taken = newBatchTaken()
    const seen = new Set<string>()
    const fast: Array<{ pending: Pending; plan: FastOrderPlan }> = []
    const later: Pending[] = []
    for (const pending of batch) {
      const key = intakeKey(pending.input.channelCode, pending.input.externalId)
      // A second copy within the batch: the locking path returns the one order (after this batch). An order known
      // from an earlier request is planned like a new one; the write's ON CONFLICT skips it (see below).
      const plan = seen.has(key) ? 'duplicate-in-batch' : planFastOrder(pending.input, pending.actor, snapshot, taken, now)
      seen.add(key)
      if (typeof plan === 'string') {
        this.#countReason(plan)
        later.push(pending)
      } else fast.push({ pending, plan })
    }
    if (fast.length) {
      this.stats.batches++
      try {
        const rows = await this.#query(writeOrdersSql(fast.map((f) => f.plan), now))
        const byK = new Map(rows.map((r) => [Number(r.k), r]))
        fast.forEach(({ pending }, k) => {
          const row = byK.get(k)
          // Not inserted: the order was already known (a retry), or arrived by another request meanwhile.
          if (!row) {
            this.#countReason('known-order')
            return later.push(pending)
          }
          this.stats.fastPath++
          pending.resolve({ order: toOrder(row), created: true })
        })
      } catch (err) {
        if (RETRY_ON_LOCKING_PATH.has((err as { code?: string }).code ?? '')) {
          this.stats.guardFailures++
          for (let i = 0; i < fast.length; i++) this.#countReason('guard-failure')
          later.push(...fast.map((f) => f.pending))
        } else {
          for (const f of fast) f.pending.reject(err)
        }
      }
    }
    // Not awaited: the next batch need not wait for these transactions (they lock what they need themselves).
    for (const pending of later) void this.#placeLocking(pending)
  }

  #countReason(reason: keyof OrderIntake['stats']['lockingReasons']) {
    this.stats.lockingReasons[reason] = (this.stats.lockingReasons[reason] ?? 0) + 1
  }

  async #placeLocking(pending: Pending) {
    try {
      const result = await inTransaction(this.#db.prisma, (tx) => placeOrder(tx, pending.input, pending.actor))
      this.stats.lockingPath++
      pending.resolve(result)
    } catch (err) {
      pending.reject(err)
    }
  }

  async #query(sql: Prisma.Sql) {
    return this.#db.sql.query(sql.text, sql.values, { prepare: true })
  }
}

/** A row of `orders` from the plain driver as the Prisma model: decimals as Decimal, like Prisma returns them. */
function toOrder(row: Record<string, unknown>): Order {
  const { k: _k, guard: _guard, rules_guard: _rulesGuard, ...columns } = row
  const order = orderFromRow(columns)
  order.totalAmount = new Prisma.Decimal(String(columns.total_amount))
  order.expeditedCost = new Prisma.Decimal(String(columns.expedited_cost))
  return order
}

const intakes = new WeakMap<Database, OrderIntake>()

/** The database's order intake (one per Database, so concurrent requests batch together). */
export function orderIntake(db: Database): OrderIntake {
  let intake = intakes.get(db)
  if (!intake) intakes.set(db, (intake = new OrderIntake(db)))
  return intake
}
