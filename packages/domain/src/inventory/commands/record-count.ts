import { z } from 'zod'
import type { AbcClass, Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { getSetting } from '../../settings/settings.ts'
import { cycleCountMachine } from '../cycle-count.machine.ts'
import { requestAdjustment } from '../adjustments.ts'
import { refreshConfidence } from '../confidence.ts'
import { moveStock } from '../ledger.ts'

export const recordCountInput = z.object({
  cycleCountId: z.number().int().positive(),
  countedQuantity: z.number().int().min(0, 'A count cannot be negative').max(10_000_000),
})

export interface CountTolerance {
  units: number
  ratio: number
}

/** A count is within tolerance when |counted - book| <= max(units, ratio x book) for the SKU's ABC class. */
export function withinTolerance(book: number, counted: number, t: CountTolerance): boolean {
  return Math.abs(counted - book) <= Math.max(t.units, t.ratio * book)
}

/**
 * Records a physical count against the book (on hand now). Within the class tolerance the difference is booked at
 * once as a CYCLE_COUNT adjustment (ledger type COUNTED); beyond it the first time a recount is requested; a recount
 * still beyond tolerance waits for approval (COUNT_VARIANCE exception, FINANCE) through approveAdjustment.
 */
export async function recordCount(tx: Tx, rawInput: z.input<typeof recordCountInput>, actor: Actor, now = new Date()) {
  const input = parseInput(recordCountInput, rawInput)
  // One recording per count at a time (a scanner that retries sends it twice): the second reads the first's outcome.
  await tx.$queryRaw`SELECT id FROM cycle_counts WHERE id = ${input.cycleCountId} FOR UPDATE`
  const count = await tx.cycleCount.findUnique({
    where: { id: input.cycleCountId },
    include: { sku: true, location: true },
  })
  if (!count) throw userError('NOT_FOUND', `No cycle count ${input.cycleCountId}`, ['input', 'cycleCountId'])
  if (count.status !== 'SCHEDULED' && count.status !== 'RECOUNT_REQUESTED') {
    throw userError('ILLEGAL_TRANSITION', `Cycle count ${count.id} is ${count.status}; nothing to record`, ['input', 'cycleCountId'])
  }
  const tolerances = (await getSetting(tx, 'inventory.countTolerance')) as Record<AbcClass, CountTolerance>
  // The book under the position's lock: the variance booked is against the on hand it lands on, whatever moved
  // between the count's read and now.
  const [{ on_hand: book }] = await tx.$queryRaw<Array<{ on_hand: number }>>`SELECT on_hand FROM stock_positions WHERE id = ${count.stockPositionId} FOR UPDATE`
  const variance = input.countedQuantity - book
  const within = withinTolerance(book, input.countedQuantity, tolerances[count.sku.abcClass])
  const next = within ? 'COMPLETED' : count.status === 'SCHEDULED' ? 'RECOUNT_REQUESTED' : 'PENDING_APPROVAL'
  cycleCountMachine.assertTransition(count.status, next, ['input', 'cycleCountId'])

  let adjustmentId: number | null = null
  if (variance !== 0 && next !== 'RECOUNT_REQUESTED') {
    const adjustment = await requestAdjustment(
      tx,
      {
        sku: count.sku,
        location: count.location,
        bucket: 'ON_HAND',
        quantityDelta: variance,
        reason: 'CYCLE_COUNT',
        referenceDocumentUri: `cycle-count:${count.id}`,
        note: `Counted ${input.countedQuantity}, book ${book} (attempt ${count.attempt + 1})`,
        approval: within ? 'none' : 'required',
        approvalException: 'COUNT_VARIANCE',
        deltaField: ['input', 'countedQuantity'],
        now,
      },
      actor,
    )
    adjustmentId = adjustment.id
  } else if (variance === 0) {
    // A clean count moves no stock but is still evidence: it goes on the ledger as a zero-delta COUNTED event.
    await moveStock(tx, {
      skuId: count.skuId, locationId: count.locationId, type: 'COUNTED', deltas: {}, actor,
      reasonCode: 'CYCLE_COUNT', referenceDocumentUri: `cycle-count:${count.id}`, metadata: { counted: input.countedQuantity, book },
    })
  }
  const updated = await tx.cycleCount.update({
    where: { id: count.id },
    data: {
      status: next,
      attempt: count.attempt + 1,
      bookQuantity: book,
      countedQuantity: input.countedQuantity,
      variance,
      varianceRatio: Math.abs(variance) / Math.max(1, book),
      withinTolerance: within,
      countedBy: actor.id,
      countedAt: now,
      adjustmentId,
    },
  })
  if (next === 'COMPLETED') await tx.stockPosition.update({ where: { id: count.stockPositionId }, data: { lastCountedAt: now } })
  await recordEvents(tx, [{ topic: 'stock.changed', aggregateType: 'CycleCount', aggregateId: count.id, payload: { status: next, variance } }])
  await refreshConfidence(tx, { positionIds: [count.stockPositionId] }, now)
  return updated
}
