import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { requestAdjustment } from '../adjustments.ts'
import { refreshConfidence } from '../confidence.ts'
import { resolveExceptions } from '../resolve-exceptions.ts'
import { backorderMissingUnits } from '../../orders/backorder-missing-units.ts'

export const decideFeedDiscrepancyInput = z.object({ id: z.number().int().positive(), note: z.string().trim().max(1000).nullish() })

async function claim(tx: Tx, id: number, actor: Actor, to: 'APPROVED' | 'REJECTED', now: Date) {
  const d = await tx.feedDiscrepancy.findUnique({ where: { id }, include: { feed: true, stockPosition: { include: { sku: true, location: true } } } })
  if (!d) throw userError('NOT_FOUND', `No feed discrepancy ${id}`, ['input', 'id'])
  if (d.status !== 'PENDING') throw userError('ILLEGAL_TRANSITION', `Feed discrepancy ${id} is already ${d.status}`, ['input', 'id'])
  if (d.feed.importedBy === actor.id) throw userError('SELF_APPROVAL', 'Whoever imported the feed cannot decide its discrepancies', ['input', 'id'])
  const won = await tx.feedDiscrepancy.updateMany({ where: { id, status: 'PENDING' }, data: { status: to, decidedBy: actor.id, decidedAt: now } })
  if (won.count === 0) throw userError('ILLEGAL_TRANSITION', 'The discrepancy was decided meanwhile', ['input', 'id'])
  return d
}

async function settle(tx: Tx, d: { feedId: number; stockPositionId: number }, actor: Actor, resolution: string, now: Date) {
  const pending = await tx.feedDiscrepancy.count({ where: { feedId: d.feedId, status: 'PENDING' } })
  if (pending === 0) await tx.inventoryFeed.update({ where: { id: d.feedId }, data: { status: 'APPLIED' } })
  await resolveExceptions(tx, [`feed-discrepancy:${d.stockPositionId}`], actor, resolution)
  await refreshConfidence(tx, { positionIds: [d.stockPositionId] }, now)
}

/**
 * Accepts the 3PL's figure for a held feed delta: the delta (3PL minus book at the snapshot) is booked now as a
 * FEED_SYNC adjustment, on top of whatever moved since. Someone other than the importer decides. A count below what
 * is reserved there takes the missing units back from the work not yet picked (least urgent first), which is
 * backordered and re-sourced (backorderMissingUnits); work already being picked keeps its units and finds the shelf
 * short at its pick.
 */
export async function approveFeedDiscrepancy(tx: Tx, rawInput: z.input<typeof decideFeedDiscrepancyInput>, actor: Actor, now = new Date()) {
  const input = parseInput(decideFeedDiscrepancyInput, rawInput)
  const d = await claim(tx, input.id, actor, 'APPROVED', now)
  // Units reserved there that the 3PL does not have: the orders promised them give them up now, before a picker finds
  // the shelf empty (backorderMissingUnits re-sources them). Damaged and QC units are not promised to anyone: a count
  // below them is refused.
  const p = await tx.stockPosition.findUniqueOrThrow({ where: { id: d.stockPositionId } })
  const shortfall = p.reserved + p.damaged + p.qualityControl - (p.onHand + d.delta)
  const cause = `${d.stockPosition.location.code} counts ${d.feedQuantity} of ${d.stockPosition.sku.code} (3PL file ${d.feed.fileName ?? `#${d.feedId}`}, accepted by ${actor.id})`
  if (shortfall > p.reserved) {
    throw userError(
      'INSUFFICIENT_STOCK',
      `${d.stockPosition.location.code} reports ${d.feedQuantity} of ${d.stockPosition.sku.code}, fewer than the ${p.damaged + p.qualityControl} damaged or in QC there: ` +
        `release or write those off first, or reject the delta if the 3PL miscounted.`,
      ['input', 'id'],
    )
  }
  const backordered = shortfall > 0 ? await backorderMissingUnits(tx, { skuId: p.skuId, locationId: p.locationId, onHandDelta: d.delta, cause }, actor, now) : []
  await requestAdjustment(
    tx,
    {
      sku: d.stockPosition.sku,
      location: d.stockPosition.location,
      bucket: 'ON_HAND',
      quantityDelta: d.delta,
      reason: 'FEED_SYNC',
      referenceDocumentUri: `feed:${d.feedId}`,
      note: `Approved 3PL delta: reported ${d.feedQuantity}, book ${d.bookQuantity}${input.note ? ` (${input.note})` : ''}`,
      approval: 'none',
    },
    actor,
  )
  const moved = backordered.length ? `; ${backordered.reduce((n, x) => n + x.units, 0)} reserved unit(s) taken back from ${backordered.map((b) => b.number).join(', ')} to be re-sourced` : ''
  await settle(tx, d, actor, `Approved${input.note ? `: ${input.note}` : ''}${moved}`, now)
  return tx.feedDiscrepancy.findUniqueOrThrow({ where: { id: d.id } })
}

/** Keeps the book and discards a held feed delta (e.g. the 3PL miscounted); nothing moves. */
export async function rejectFeedDiscrepancy(tx: Tx, rawInput: z.input<typeof decideFeedDiscrepancyInput>, actor: Actor, now = new Date()) {
  const input = parseInput(decideFeedDiscrepancyInput, rawInput)
  const d = await claim(tx, input.id, actor, 'REJECTED', now)
  await settle(tx, d, actor, `Rejected${input.note ? `: ${input.note}` : ''}`, now)
  return tx.feedDiscrepancy.findUniqueOrThrow({ where: { id: d.id } })
}
