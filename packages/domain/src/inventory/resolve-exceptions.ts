import type { Tx } from '@ops-hub/db'
import type { Actor } from '../shared/actor.ts'
import { recordEvents } from '../shared/outbox.ts'

/** Closes the open exceptions a decision settles (found by their dedupe keys), recording who and why. */
export async function resolveExceptions(tx: Tx, dedupeKeys: string[], actor: Actor, resolution: string, now = new Date()) {
  const open = await tx.exception.findMany({ where: { dedupeKey: { in: dedupeKeys }, status: { not: 'RESOLVED' } }, select: { id: true } })
  if (open.length === 0) return 0
  await tx.exception.updateMany({
    where: { id: { in: open.map((e) => e.id) } },
    data: { status: 'RESOLVED', resolvedBy: actor.id, resolvedAt: now, resolution },
  })
  await recordEvents(
    tx,
    open.map((e) => ({ topic: 'exception.changed' as const, aggregateType: 'Exception', aggregateId: e.id, payload: { status: 'RESOLVED' } })),
  )
  return open.length
}
