import type { NodeAutomationModel as NodeAutomation, PrismaClient, Tx } from '@ops-hub/db'
import type { Actor } from '../shared/actor.ts'
import { localParts, zonedInstant } from '../orders/business-calendar.ts'

/** What a node runs by itself; a node without a stored row runs nothing (manual release and waves only). */
export interface NodeAutomationSettings {
  autoRelease: boolean
  /** 0: release on every allocation event; N: once per N-minute slot of the node's local day. */
  releaseEveryMinutes: number
  autoWave: boolean
  waveAtOrders: number | null
  waveEveryMinutes: number | null
  maxLinesPerWave: number
  lastReleaseSlotAt: Date | null
  lastWaveAt: Date | null
}

export const AUTOMATION_OFF: NodeAutomationSettings = {
  autoRelease: false,
  releaseEveryMinutes: 0,
  autoWave: false,
  waveAtOrders: null,
  waveEveryMinutes: null,
  maxLinesPerWave: 200,
  lastReleaseSlotAt: null,
  lastWaveAt: null,
}

export function automationOf(row: NodeAutomation | null | undefined): NodeAutomationSettings {
  if (!row) return AUTOMATION_OFF
  const { locationId: _l, updatedAt: _u, updatedBy: _b, ...settings } = row
  return settings
}

/** The automation's own actor: its work is on every timeline as done by the node's automation, not by a person. */
export function automationActor(locationCode: string): Actor {
  return { id: `automation:${locationCode}`, role: 'OPERATIONS' }
}

/** Release slots are N-minute windows of the node's local day, counted from local midnight. */
export function releaseSlot(now: Date, timezone: string, everyMinutes: number): { start: Date; label: string } {
  const local = localParts(now, timezone)
  const from = Math.floor(local.minutes / everyMinutes) * everyMinutes
  const to = Math.min(from + everyMinutes, 24 * 60)
  const hhmm = (m: number) => `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
  return { start: zonedInstant(local.date, from, timezone), label: `${hhmm(from)}-${hhmm(to)}` }
}

/**
 * Serializes the automation of one node across transactions and API instances (every instance hears every event):
 * release and wave decisions read counts that a concurrent run would change. Held until the transaction ends.
 */
export async function lockNodeAutomation(tx: Tx, locationId: number): Promise<void> {
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(7273, ${locationId}::int)::text AS locked`
}

/** Active nodes that release or wave by themselves: what the automation worker visits on its timer. */
export async function automatedNodeIds(db: Tx | PrismaClient): Promise<number[]> {
  const rows = await db.nodeAutomation.findMany({
    where: { OR: [{ autoRelease: true }, { autoWave: true }], location: { active: true, isFulfillmentNode: true } },
    select: { locationId: true },
    orderBy: { locationId: 'asc' },
  })
  return rows.map((r) => r.locationId)
}
