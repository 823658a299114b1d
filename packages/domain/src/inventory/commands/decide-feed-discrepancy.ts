import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { requestAdjustment } from '../adjustments.ts'
import { refreshConfidence } from '../confidence.ts'
import { resolveExceptions } from '../resolve-exceptions.ts'

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
 * FEED_SYNC adjustment, on top of whatever moved since. Someone other than the importer decides.
 */
export async function approveFeedDiscrepancy(tx: Tx, rawInput: z.input<typeof decideFeedDiscrepancyInput>, actor: Actor, now = new Date()) {
  const input = parseInput(decideFeedDiscrepancyInput, rawInput)
  const d = await claim(tx, input.id, actor, 'APPROVED', now)
  // The book cannot go below what is promised or set aside there; say so in the 3PL's terms rather than the ledger's.
  const p = await tx.stockPosition.findUniqueOrThrow({ where: { id: d.stockPositionId } })
  const committed = p.reserved + p.damaged + p.qualityControl
  if (p.onHand + d.delta < committed) {
    const parts = [`${p.reserved} reserved for orders`, p.damaged ? `${p.damaged} damaged` : null, p.qualityControl ? `${p.qualityControl} in QC` : null].filter(Boolean)
    throw userError(
      'INSUFFICIENT_STOCK',
      `${d.stockPosition.location.code} reports ${d.feedQuantity} of ${d.stockPosition.sku.code}, but the book there is ${p.onHand} with ${committed} committed (${parts.join(', ')}): ` +
        `accepting the delta of ${d.delta} would leave fewer on hand than that. Move the work waiting there to another node (moveFulfillmentOrder) or let its picks correct the position, then approve - or reject it if the 3PL miscounted.`,
      ['input', 'id'],
    )
  }
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
  await settle(tx, d, actor, `Approved${input.note ? `: ${input.note}` : ''}`, now)
  return tx.feedDiscrepancy.findUniqueOrThrow({ where: { id: d.id } })
}

/** Keeps the book and discards a held feed delta (e.g. the 3PL miscounted); nothing moves. */
export async function rejectFeedDiscrepancy(tx: Tx, rawInput: z.input<typeof decideFeedDiscrepancyInput>, actor: Actor, now = new Date()) {
  const input = parseInput(decideFeedDiscrepancyInput, rawInput)
  const d = await claim(tx, input.id, actor, 'REJECTED', now)
  await settle(tx, d, actor, `Rejected${input.note ? `: ${input.note}` : ''}`, now)
  return tx.feedDiscrepancy.findUniqueOrThrow({ where: { id: d.id } })
}
