import { Prisma, type PrismaClient } from '@ops-hub/db'

export interface ExceptionCount {
  key: string
  open: number
  overdue: number
}

export interface ExceptionSummarySnapshot {
  asOf: string
  /** Null = every owner team. */
  ownerRole: string | null
  open: number
  overdue: number
  unassigned: number
  byType: ExceptionCount[]
  byOwner: ExceptionCount[]
  bySeverity: ExceptionCount[]
}

/** Unresolved exceptions by type, owner team and severity, with how many are past their due-by. */
export async function computeExceptionSummary(
  prisma: PrismaClient,
  scope: { ownerRole: string | null },
  now: Date,
): Promise<ExceptionSummarySnapshot> {
  const owner = scope.ownerRole === null ? Prisma.empty : Prisma.sql`AND e.owner_role = ${scope.ownerRole}::"Role"`
  const rows = await prisma.$queryRaw<Array<{ type: string; owner: string; severity: string; n: number; late: number; unassigned: number }>>`
    SELECT e.type::text AS type, e.owner_role::text AS owner, e.severity::text AS severity, count(*)::int AS n,
      count(*) FILTER (WHERE e.due_by < ${now}::timestamptz)::int AS late,
      count(*) FILTER (WHERE e.assigned_to IS NULL)::int AS unassigned
    FROM exceptions e WHERE e.status <> 'RESOLVED' ${owner}
    GROUP BY 1, 2, 3`
  const group = (key: 'type' | 'owner' | 'severity') => {
    const m = new Map<string, ExceptionCount>()
    for (const r of rows) {
      const c = m.get(r[key]) ?? { key: r[key], open: 0, overdue: 0 }
      c.open += r.n
      c.overdue += r.late
      m.set(r[key], c)
    }
    return [...m.values()].sort((a, b) => b.open - a.open || a.key.localeCompare(b.key))
  }
  return {
    asOf: now.toISOString(),
    ownerRole: scope.ownerRole,
    open: rows.reduce((s, r) => s + r.n, 0),
    overdue: rows.reduce((s, r) => s + r.late, 0),
    unassigned: rows.reduce((s, r) => s + r.unassigned, 0),
    byType: group('type'),
    byOwner: group('owner'),
    bySeverity: group('severity'),
  }
}
