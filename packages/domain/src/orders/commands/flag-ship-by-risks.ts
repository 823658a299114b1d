import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'
import { getSetting } from '../../settings/settings.ts'
import { openException } from '../../exceptions/commands/open-exception.ts'
import type { SlaHistoryIndex, SlaRisk } from '../sla-risk/model.ts'
import { slaRiskSettings, slaRisks } from '../sla-risk/sla-risk.ts'

export const flagShipByRisksInput = z.object({})

/** The dedupe key of the predicted risk (a manual hold's SHIP_BY_RISK exception keys on `SHIP_BY_RISK:order:<id>`). */
export const shipByRiskKey = (orderId: number) => `SHIP_BY_RISK:predicted:order:${orderId}`
const KEY_PREFIX = 'SHIP_BY_RISK:predicted:order:'

const pct = (p: number) => `${Math.round(p * 100)}%`

/**
 * Opens a SHIP_BY_RISK exception (OPERATIONS, due by the ship-by) for every open order whose SLA-miss probability is at
 * or above orders.slaRisk.exceptionThreshold - once per order while it stays open (the dedupe key) - and resolves the
 * ones whose order has since shipped or been cancelled. Orders on hold are left to their hold's own exception.
 */
export async function flagShipByRisks(
  tx: Tx,
  rawInput: z.input<typeof flagShipByRisksInput>,
  actor: Actor,
  now = new Date(),
  opts: { history?: SlaHistoryIndex } = {},
) {
  parseInput(flagShipByRisksInput, rawInput)
  const s = opts.history?.settings ?? (await slaRiskSettings(tx))
  const risks = await slaRisks(tx, { all: true }, { asOf: now, settings: s, history: opts.history })
  const flagged = risks.filter((r) => r.probability !== null && r.probability >= s.exceptionThreshold && r.terms.find((t) => t.name === 'status')?.value !== 'ON_HOLD')
  const already = new Set(
    (
      await tx.exception.findMany({
        where: { dedupeKey: { in: flagged.map((r) => shipByRiskKey(r.orderId)) }, status: { not: 'RESOLVED' } },
        select: { dedupeKey: true },
      })
    ).map((e) => e.dedupeKey),
  )
  const sla = await getSetting(tx, 'exceptions.slaHours')
  const fresh = flagged.filter((r) => !already.has(shipByRiskKey(r.orderId)))
  const numbers = new Map((await tx.order.findMany({ where: { id: { in: fresh.map((r) => r.orderId) } }, select: { id: true, number: true } })).map((o) => [o.id, o.number]))
  for (const r of fresh) await openException(tx, riskException(r, numbers.get(r.orderId) ?? `order ${r.orderId}`, s.highSeverityAt, sla, now))

  // Settled risks: the order shipped (in full) or was cancelled since the exception was opened.
  const settled = await tx.$queryRaw<Array<{ id: number; status: string; order_status: string; shipped_at: Date | null; ship_by: Date | null }>>`
    SELECT e.id, e.status::text AS status, o.status::text AS order_status, o.shipped_at, o.ship_by
    FROM exceptions e JOIN orders o ON o.id = e.order_id
    WHERE e.type = 'SHIP_BY_RISK' AND e.status <> 'RESOLVED' AND e.dedupe_key LIKE ${`${KEY_PREFIX}%`}
      AND (o.shipped_at IS NOT NULL OR o.status IN ('CANCELLED', 'SHIPPED', 'DELIVERED', 'RETURN_REQUESTED', 'RETURNED'))`
  for (const e of settled) {
    const resolution =
      e.order_status === 'CANCELLED'
        ? 'Order cancelled'
        : `Order shipped ${e.shipped_at && e.ship_by && e.shipped_at <= e.ship_by ? 'by' : 'after'} its ship-by${e.shipped_at ? ` (${e.shipped_at.toISOString()})` : ''}`
    await tx.exception.update({ where: { id: e.id }, data: { status: 'RESOLVED', resolvedBy: actor.id, resolvedAt: now, resolution } })
  }
  if (settled.length) {
    await recordEvents(
      tx,
      settled.map((e) => ({ topic: 'exception.changed' as const, aggregateType: 'Exception', aggregateId: e.id, payload: { from: e.status, to: 'RESOLVED', type: 'SHIP_BY_RISK', ownerRole: 'OPERATIONS' } })),
    )
  }
  return { assessed: risks.length, atRisk: flagged.length, opened: fresh.length, resolved: settled.length }
}

function riskException(r: SlaRisk, number: string, highAt: number, slaHours: Record<string, number>, now: Date) {
  const p = r.probability ?? 1
  const severity = p >= highAt ? ('HIGH' as const) : ('MEDIUM' as const)
  const late = r.basis.level === 'PAST_SHIP_BY'
  const fallback = new Date(now.getTime() + (slaHours[severity] ?? 24) * 3_600_000)
  return {
    type: 'SHIP_BY_RISK' as const,
    severity,
    ownerRole: 'OPERATIONS' as const,
    subjectType: 'Order',
    subjectId: r.orderId,
    orderId: r.orderId,
    title: late ? `${number} has missed its ship-by` : `${number} may miss its ship-by (${pct(p)})`,
    detail: late
      ? `Still open after its ship-by ${r.shipBy.toISOString()}.`
      : `${r.basis.misses} of ${r.basis.observations} past order-moments like it (${r.basis.cell}) were still open at their ship-by; ship-by ${r.shipBy.toISOString()}.`,
    data: { probability: r.probability, basis: { ...r.basis, from: r.basis.from.toISOString(), to: r.basis.to.toISOString() }, terms: r.terms },
    dedupeKey: shipByRiskKey(r.orderId),
    // Worth acting on only before the ship-by passes.
    dueBy: !late && r.shipBy < fallback ? r.shipBy : fallback,
  }
}
