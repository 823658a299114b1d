import type { ExceptionSummarySnapshot } from '@ops-hub/analytics'
import { builder } from '../../builder.ts'
import { RoleEnum } from '../common/role.ts'
import { ExceptionSeverityEnum, ExceptionTypeEnum } from '../exceptions/exception.ts'

type Count = ExceptionSummarySnapshot['byType'][number]

const counts = {
  open: { description: 'Unresolved exceptions.' },
  overdue: { description: 'Unresolved and past their due-by.' },
}

const ExceptionTypeCount = builder.objectRef<Count>('ExceptionTypeCount').implement({
  fields: (t) => ({
    type: t.field({ type: ExceptionTypeEnum, resolve: (c) => c.key as never }),
    open: t.exposeInt('open', counts.open),
    overdue: t.exposeInt('overdue', counts.overdue),
  }),
})
const ExceptionOwnerCount = builder.objectRef<Count>('ExceptionOwnerCount').implement({
  fields: (t) => ({
    ownerRole: t.field({ type: RoleEnum, resolve: (c) => c.key as never }),
    open: t.exposeInt('open', counts.open),
    overdue: t.exposeInt('overdue', counts.overdue),
  }),
})
const ExceptionSeverityCount = builder.objectRef<Count>('ExceptionSeverityCount').implement({
  fields: (t) => ({
    severity: t.field({ type: ExceptionSeverityEnum, resolve: (c) => c.key as never }),
    open: t.exposeInt('open', counts.open),
    overdue: t.exposeInt('overdue', counts.overdue),
  }),
})

export const ExceptionSummaryRef = builder.objectRef<ExceptionSummarySnapshot>('ExceptionSummary').implement({
  description: 'Unresolved exceptions by type, owner team and severity, as of `asOf`.',
  fields: (t) => ({
    asOf: t.field({ type: 'DateTime', resolve: (s) => s.asOf }),
    ownerRole: t.field({ type: RoleEnum, nullable: true, resolve: (s) => s.ownerRole as never, description: 'Null = every team.' }),
    open: t.exposeInt('open', { description: 'Unresolved exceptions in scope.' }),
    overdue: t.exposeInt('overdue', { description: 'Unresolved exceptions past their due-by (SLA).' }),
    unassigned: t.exposeInt('unassigned', { description: 'Unresolved exceptions nobody has picked up.' }),
    byType: t.field({ type: [ExceptionTypeCount], resolve: (s) => s.byType }),
    byOwner: t.field({ type: [ExceptionOwnerCount], resolve: (s) => s.byOwner }),
    bySeverity: t.field({ type: [ExceptionSeverityCount], resolve: (s) => s.bySeverity }),
  }),
})

builder.queryField('exceptionSummary', (t) =>
  t.field({
    type: ExceptionSummaryRef,
    authScopes: { staff: true },
    args: { ownerRole: t.arg({ type: RoleEnum, required: false }) },
    resolve: (_root, args, ctx) => ctx.live.current({ metric: 'exceptions', ownerRole: args.ownerRole ?? null }),
  }),
)

builder.subscriptionField('exceptionsChanged', (t) =>
  t.field({
    type: ExceptionSummaryRef,
    description: 'The exception summary, pushed when an exception opens, moves or resolves, and every 30 s as SLAs lapse.',
    authScopes: { staff: true },
    args: { ownerRole: t.arg({ type: RoleEnum, required: false }) },
    subscribe: (_root, args, ctx) => ctx.live.watch({ metric: 'exceptions', ownerRole: args.ownerRole ?? null }),
    resolve: (snapshot) => snapshot as ExceptionSummarySnapshot,
  }),
)
