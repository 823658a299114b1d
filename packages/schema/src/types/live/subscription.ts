import { GraphQLError } from 'graphql'
import { UnknownLocationError } from '@ops-hub/analytics'
import { builder } from '../../builder.ts'
import type { Context } from '../../context.ts'

builder.subscriptionType({
  description:
    'Live data over WebSocket (graphql-transport-ws on /graphql, token in connectionParams.authorization). ' +
    'Each subscription emits the current value at once, then a fresh one within a second of a change.',
})

/** A node code argument as a metric scope; an unknown code is the caller's mistake, said plainly. */
export async function locationScopeArg(ctx: Context, code: string | null | undefined) {
  try {
    return await ctx.live.locationScope(code)
  } catch (err) {
    if (err instanceof UnknownLocationError) {
      throw new GraphQLError(err.message, { extensions: { code: 'NOT_FOUND', field: 'locationCode' } })
    }
    throw err
  }
}
