import { GraphQLError } from 'graphql'
import type { KpiReport } from '@ops-hub/analytics'
import { builder } from '../../builder.ts'
import type { Context } from '../../context.ts'
import { locationScopeArg } from '../live/subscription.ts'
import { KPI_SCOPES, KpiReportRef } from './kpi-report.ts'

/** The scope of a live KPI topic: the node (or network) and the zone whose calendar day is "today". */
async function todayScope(ctx: Context, args: { locationCode?: string | null; timeZone?: string | null }) {
  const scope = await locationScopeArg(ctx, args.locationCode)
  let timeZone = args.timeZone ?? 'UTC'
  if (!args.timeZone && scope.locationId !== null) {
    timeZone = (await ctx.prisma.location.findUniqueOrThrow({ where: { id: scope.locationId }, select: { timezone: true } })).timezone
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
  } catch {
    throw new GraphQLError(`Unknown time zone ${timeZone}`, { extensions: { code: 'INVALID_INPUT', field: 'timeZone' } })
  }
  return { metric: 'kpis' as const, ...scope, timeZone }
}

const LOCATION = 'A node; omit for the whole network.'
const ZONE = "Whose calendar day is today: default the node's zone, or UTC for the network."

builder.queryField('kpisToday', (t) =>
  t.field({
    type: KpiReportRef,
    authScopes: KPI_SCOPES,
    description: "Today's KPIs so far (the calendar day holding now), compared with the whole of yesterday; the live cache when watched.",
    args: { locationCode: t.arg.string({ required: false, description: LOCATION }), timeZone: t.arg.string({ required: false, description: ZONE }) },
    resolve: async (_root, a, ctx) => ctx.live.current(await todayScope(ctx, a)),
  }),
)

builder.subscriptionField('kpisChanged', (t) =>
  t.field({
    type: KpiReportRef,
    authScopes: KPI_SCOPES,
    description:
      "Today's KPIs, pushed when orders are placed, cancelled or shipped, returns settled, stock corrected or counted and purchase orders received " +
      '(coalesced: at most once a second), and every 30 s as the day moves on.',
    args: { locationCode: t.arg.string({ required: false, description: LOCATION }), timeZone: t.arg.string({ required: false, description: ZONE }) },
    subscribe: async (_root, a, ctx) => ctx.live.watch(await todayScope(ctx, a)),
    resolve: (report) => report as KpiReport,
  }),
)
