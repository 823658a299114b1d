import { GraphQLError, type ExecutionResult } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import { SETTING_DEFAULTS, type Actor } from '@ops-hub/domain'
import { actualQueryCost, requestedQueryCost, type Context } from '@ops-hub/schema'
import type { BucketLimits, CostBuckets } from './rate-limit.ts'
import type { SettingsCache } from './settings-cache.ts'

/** Selections a query may hold at most, and how deep (the bucket is about cost; these bound the work to measure it). */
const MAX_BREADTH = 400
const MAX_DEPTH = 15

export interface CostLimits extends BucketLimits {
  /** The most one query may cost: never more than the bucket can hold. */
  maxQueryCost: number
}

export interface ThrottleStatus {
  maximumAvailable: number
  currentlyAvailable: number
  restoreRate: number
}

/** `extensions.cost`, Shopify's shape. */
export interface QueryCost {
  requestedQueryCost: number
  actualQueryCost: number
  throttleStatus: ThrottleStatus
}

export interface QueryCostOptions {
  /** Null: HUB_RATE_LIMIT=off (costs are measured and reported, the single-query maximum holds, nothing is throttled). */
  buckets: CostBuckets | null
  settings: SettingsCache
  /** Who sent an HTTP request that never reached execution (refused in parsing or validation). */
  actorOf(request: Request): Actor | null | undefined
}

/** The limits of an actor's role: the setting `api.costLimits`, its role override on top. */
export async function costLimitsFor(settings: SettingsCache, actor: Actor | null): Promise<CostLimits> {
  const stored = { ...SETTING_DEFAULTS['api.costLimits'], ...(await settings.get('api.costLimits')) }
  const role = actor ? (stored.byRole as Record<string, Partial<CostLimits> | undefined>)?.[actor.role] : undefined
  const maximumAvailable = Number(role?.maximumAvailable ?? stored.maximumAvailable)
  const restoreRate = Number(role?.restoreRate ?? stored.restoreRate)
  const maxQueryCost = Math.min(Number(role?.maxQueryCost ?? stored.maxQueryCost), maximumAvailable)
  return { maximumAvailable, restoreRate, maxQueryCost }
}

/** Whose bucket a request draws from: the API key or user, else (anonymous: only `health` answers) the caller's address. */
function clientOf(actor: Actor | null, request: Request | undefined): string {
  return actor?.id ?? `ip:${request?.headers.get('x-forwarded-for')?.split(',')[0].trim() || 'anonymous'}`
}

const round = (n: number) => Math.floor(n * 100) / 100

/**
 * Calculated query cost with a leaky bucket per client (Shopify's GraphQL Admin throttle): before execution the
 * requested cost is computed from the operation and its variables; a query above the single-query maximum is refused
 * with MAX_COST_EXCEEDED, one the bucket cannot cover with THROTTLED and the seconds to wait; otherwise the requested
 * cost is taken from the bucket, and after execution the difference to the actual cost (what the page sizes returned
 * add up to) is given back. Every response carries `extensions.cost`.
 */
export function useQueryCost(options: QueryCostOptions): Plugin<Record<string, unknown>> {
  const reported = new WeakMap<object, QueryCost>()

  async function status(client: string, limits: CostLimits): Promise<ThrottleStatus> {
    const available = options.buckets ? (await options.buckets.peek(client, limits)).available : limits.maximumAvailable
    return { maximumAvailable: limits.maximumAvailable, currentlyAvailable: round(available), restoreRate: limits.restoreRate }
  }

  /** Measures, checks and charges one operation; a refusal comes back as the result to answer with. */
  async function admit(args: { schema: never; document: never; operationName?: string | null; variableValues?: Record<string, unknown> | null; contextValue: unknown }) {
    const ctx = args.contextValue as Context & { request?: Request }
    const requested = requestedQueryCost(args.schema, args.document, args.operationName, args.variableValues, ctx)
    // Unmeasurable (unknown operation name, variables that do not coerce): execution answers with the precise error.
    if (!requested) return { refusal: null, charge: null }
    const client = clientOf(ctx.actor, ctx.request)
    const limits = await costLimitsFor(options.settings, ctx.actor)
    const refuse = async (message: string, extensions: Record<string, unknown>) => {
      const cost: QueryCost = { requestedQueryCost: requested.cost, actualQueryCost: 0, throttleStatus: await status(client, limits) }
      if (ctx.request) reported.set(ctx.request, cost)
      return { refusal: { errors: [new GraphQLError(message, { extensions })], extensions: { cost } } as ExecutionResult, charge: null }
    }
    if (requested.breadth > MAX_BREADTH || requested.depth > MAX_DEPTH) {
      return refuse(`Query selects too much (breadth ${requested.breadth} of at most ${MAX_BREADTH}, depth ${requested.depth} of at most ${MAX_DEPTH})`, { code: 'BAD_USER_INPUT' })
    }
    if (requested.cost > limits.maxQueryCost) {
      return refuse(
        `Query cost ${requested.cost} is above the maximum of ${limits.maxQueryCost} for one query: ask for smaller pages (first/last) or fewer fields`,
        { code: 'MAX_COST_EXCEEDED', requestedQueryCost: requested.cost, maxQueryCost: limits.maxQueryCost },
      )
    }
    if (!options.buckets) return { refusal: null, charge: { requested: requested.cost, client, limits, available: limits.maximumAvailable } }
    const taken = await options.buckets.take(client, requested.cost, limits)
    if (!taken.ok) {
      const wait = Math.max(1, Math.ceil((requested.cost - taken.available) / Math.max(limits.restoreRate, 0.001)))
      return refuse(`Throttled: this query costs ${requested.cost} and ${round(taken.available)} of ${limits.maximumAvailable} points are available; retry in ${wait} s`, {
        code: 'THROTTLED',
        retryAfterSeconds: wait,
        http: { status: 429, headers: { 'Retry-After': String(wait) } },
      })
    }
    return { refusal: null, charge: { requested: requested.cost, client, limits, available: taken.available } }
  }

  async function settle(charge: { requested: number; client: string; limits: CostLimits; available: number }, args: { schema: never; document: never; operationName?: string | null }, data: unknown) {
    const actual = actualQueryCost(args.schema, args.document, args.operationName, data)
    let available = charge.available
    const unused = charge.requested - actual
    if (options.buckets && unused > 0) available = (await options.buckets.refund(charge.client, unused, charge.limits)).available
    const cost: QueryCost = {
      requestedQueryCost: charge.requested,
      actualQueryCost: actual,
      throttleStatus: { maximumAvailable: charge.limits.maximumAvailable, currentlyAvailable: round(available), restoreRate: charge.limits.restoreRate },
    }
    return cost
  }

  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const { refusal, charge } = await admit(args as never)
      if (refusal) return setResultAndStopExecution(refusal)
      if (!charge) return
      return {
        async onExecuteDone({ result, setResult }) {
          if (!result || Symbol.asyncIterator in (result as object)) return
          const single = result as ExecutionResult
          const cost = await settle(charge, args as never, single.data)
          const request = (args.contextValue as { request?: Request }).request
          if (request) reported.set(request, cost)
          setResult({ ...single, extensions: { ...single.extensions, cost } })
        },
      }
    },
    // A subscription is charged its requested cost once, when it starts.
    async onSubscribe({ args, setResultAndStopExecution }) {
      const { refusal } = await admit(args as never)
      if (refusal) setResultAndStopExecution(refusal)
    },
    // Requests refused before execution (syntax, validation, page sizes) still say where the client's bucket stands.
    async onResultProcess({ request, result, setResult }) {
      if (Array.isArray(result) || !result || typeof result !== 'object' || Symbol.asyncIterator in result) return
      const single = result as ExecutionResult
      if ((single.extensions as { cost?: unknown } | undefined)?.cost) return
      const known = reported.get(request)
      const actor = options.actorOf(request) ?? null
      const cost = known ?? { requestedQueryCost: 0, actualQueryCost: 0, throttleStatus: await status(clientOf(actor, request), await costLimitsFor(options.settings, actor)) }
      setResult({ ...single, extensions: { ...single.extensions, cost } })
    },
  }
}
