import type { ExceptionSeverity, ExceptionType, Role, Tx } from '@ops-hub/db'
import { recordEvents } from '../../shared/outbox.ts'
import { getSetting } from '../../settings/settings.ts'

export interface OpenExceptionInput {
  type: ExceptionType
  severity: ExceptionSeverity
  ownerRole: Role
  subjectType: string
  subjectId: number
  title: string
  detail?: string
  data?: Record<string, unknown>
  orderId?: number
  stockPositionId?: number
  /** One open exception per key: opening again returns the existing one instead of a duplicate. */
  dedupeKey?: string
  /** Defaults to now + the severity's SLA hours. */
  dueBy?: Date
}

/** Opens an exception for a workflow failure, owned by the team that must act, due by its SLA. */
export async function openException(tx: Tx, input: OpenExceptionInput) {
  if (input.dedupeKey) {
    const existing = await tx.exception.findFirst({ where: { dedupeKey: input.dedupeKey, status: { not: 'RESOLVED' } } })
    if (existing) return existing
  }
  const sla = await getSetting(tx, 'exceptions.slaHours')
  const dueBy = input.dueBy ?? new Date(Date.now() + (sla[input.severity] ?? 24) * 3_600_000)
  const exception = await tx.exception.create({
    data: {
      type: input.type,
      severity: input.severity,
      ownerRole: input.ownerRole,
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      title: input.title,
      detail: input.detail ?? null,
      data: (input.data ?? undefined) as object | undefined,
      orderId: input.orderId ?? null,
      stockPositionId: input.stockPositionId ?? null,
      dedupeKey: input.dedupeKey ?? null,
      dueBy,
    },
  })
  await recordEvents(tx, [
    {
      topic: 'exception.opened',
      aggregateType: 'Exception',
      aggregateId: exception.id,
      payload: { type: exception.type, ownerRole: exception.ownerRole, severity: exception.severity },
    },
  ])
  return exception
}
