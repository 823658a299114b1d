import type { ExceptionSeverity, Role, Tx } from '@ops-hub/db'
import { recordEvents } from '../../shared/outbox.ts'
import { getSetting } from '../../settings/settings.ts'

const NEXT_SEVERITY: Record<ExceptionSeverity, ExceptionSeverity> = { LOW: 'MEDIUM', MEDIUM: 'HIGH', HIGH: 'CRITICAL', CRITICAL: 'CRITICAL' }

/**
 * Who owns an exception after escalation: a CRITICAL one goes to the OPERATIONS lead, and if OPERATIONS already
 * let it run over, to ADMIN. Below CRITICAL the owning team keeps it, with a higher severity and a new due-by.
 */
export function escalatedOwner(ownerRole: Role, severity: ExceptionSeverity): Role {
  if (severity !== 'CRITICAL') return ownerRole
  return ownerRole === 'OPERATIONS' || ownerRole === 'ADMIN' ? 'ADMIN' : 'OPERATIONS'
}

/**
 * Escalates unresolved exceptions past their due-by: severity one level up, escalation level + 1, owner per
 * `escalatedOwner`, due-by reset to the new severity's SLA. Run by a job every minute; each row is updated
 * only if still overdue, so two API instances running it together escalate an exception once.
 */
export async function escalateOverdueExceptions(tx: Tx, now = new Date(), batch = 200) {
  const sla = await getSetting(tx, 'exceptions.slaHours')
  const overdue = await tx.exception.findMany({
    where: { status: { not: 'RESOLVED' }, dueBy: { lt: now } },
    orderBy: { dueBy: 'asc' },
    take: batch,
  })
  const escalated: Array<{ id: number; severity: ExceptionSeverity; ownerRole: Role; escalationLevel: number }> = []
  for (const e of overdue) {
    const severity = NEXT_SEVERITY[e.severity]
    const ownerRole = escalatedOwner(e.ownerRole, severity)
    const dueBy = new Date(now.getTime() + (sla[severity] ?? 24) * 3_600_000)
    const { count } = await tx.exception.updateMany({
      where: { id: e.id, status: { not: 'RESOLVED' }, dueBy: { lt: now } },
      data: { severity, ownerRole, dueBy, escalationLevel: { increment: 1 } },
    })
    if (count === 0) continue
    escalated.push({ id: e.id, severity, ownerRole, escalationLevel: e.escalationLevel + 1 })
    await recordEvents(tx, [
      {
        topic: 'exception.changed',
        aggregateType: 'Exception',
        aggregateId: e.id,
        payload: { escalated: true, fromSeverity: e.severity, severity, fromOwner: e.ownerRole, ownerRole, escalationLevel: e.escalationLevel + 1, type: e.type },
      },
    ])
  }
  return escalated
}
