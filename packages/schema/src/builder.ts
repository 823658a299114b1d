import SchemaBuilder from '@pothos/core'
import ScopeAuthPlugin from '@pothos/plugin-scope-auth'
import PrismaPlugin from '@pothos/plugin-prisma'
import RelayPlugin from '@pothos/plugin-relay'
import ComplexityPlugin from '@pothos/plugin-complexity'
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects'
import DataloaderPlugin from '@pothos/plugin-dataloader'
import { GraphQLError } from 'graphql'
import { DateTimeResolver, JSONResolver } from 'graphql-scalars'
import { getDatamodel, Prisma, type PrismaTypes, type Role } from '@ops-hub/db'
import { STAFF_ROLES } from '@ops-hub/domain'
import type { Context } from './context.ts'
import { decodeNodeId } from './input-errors.ts'
import { fieldComplexity } from './cost/field-cost.ts'

export const MAX_PAGE_SIZE = 100
export const DEFAULT_PAGE_SIZE = 20

export const builder = new SchemaBuilder<{
  Context: Context
  PrismaTypes: PrismaTypes
  DefaultFieldNullability: false
  DefaultInputFieldRequiredness: true
  Scalars: {
    DateTime: { Input: Date; Output: Date | string }
    Decimal: { Input: number; Output: Prisma.Decimal | number | string }
    JSON: { Input: unknown; Output: unknown }
  }
  AuthScopes: {
    /** Any valid token. */
    authenticated: boolean
    /** Any internal role (everyone but PARTNER). */
    staff: boolean
    /** One of these roles; ADMIN always qualifies. */
    roles: Role[]
  }
}>({
  // Relay before scope-auth so scope functions see decoded global ids.
  plugins: [RelayPlugin, ScopeAuthPlugin, PrismaPlugin, SimpleObjectsPlugin, DataloaderPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  defaultInputFieldRequiredness: true,
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      authenticated: ctx.actor !== null,
      staff: ctx.actor !== null && STAFF_ROLES.includes(ctx.actor.role),
      roles: (roles) => ctx.actor !== null && (ctx.actor.role === 'ADMIN' || roles.includes(ctx.actor.role)),
    }),
    unauthorizedError: (_parent, ctx) =>
      ctx.actor
        ? new GraphQLError('You are not allowed to do this with your role', { extensions: { code: 'FORBIDDEN' } })
        : new GraphQLError('Authentication required: send Authorization: Bearer <token>', {
            extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
          }),
  },
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodesOnConnection: true,
    decodeGlobalID: decodeNodeId,
    // Nodes are resolved through their own loaders, which apply the same visibility rules as lists.
    nodeQueryOptions: { authScopes: { authenticated: true } },
    nodesQueryOptions: { authScopes: { authenticated: true } },
  },
  complexity: {
    // Calculated query cost (Shopify's model, see cost/field-cost.ts): the API charges it to a leaky bucket and
    // refuses what is over the single-query maximum before anything runs (apps/api/src/cost).
    fieldComplexity: (args, _ctx, field) => fieldComplexity(args as Record<string, unknown>, field as never),
  },
})

builder.addScalarType('DateTime', DateTimeResolver)
builder.addScalarType('JSON', JSONResolver)
builder.scalarType('Decimal', {
  description: 'Exact decimal (money, unit cost) serialized as a string to avoid float rounding, e.g. "12.50".',
  serialize: (value) => (typeof value === 'object' && value !== null ? value.toString() : String(value)),
  parseValue: (value) => {
    const n = typeof value === 'string' ? Number(value) : value
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new GraphQLError('Decimal must be a finite number or numeric string')
    return n
  },
})

builder.queryType({ description: 'Reads. Every field needs a valid bearer token; partners see only their channel.' })
builder.mutationType({ description: 'Writes. Business-rule failures come back as userErrors, never as exceptions.' })

// Answerable without a token, so a load balancer or newcomer can check the API is up.
builder.queryField('health', (t) =>
  t.string({ skipTypeScopes: true, description: 'Always "ok" when the API is serving.', resolve: () => 'ok' }),
)
