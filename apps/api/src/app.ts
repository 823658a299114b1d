import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga'
import { WebSocketServer } from 'ws'
import { useServer } from 'graphql-ws/use/ws'
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ExecutionArgs } from 'graphql'
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor'
import { openDatabase, type Database } from '@ops-hub/db'
import { STAFF_ROLES, escalateOverdueExceptions, inTransaction } from '@ops-hub/domain'
import { clientErrorOf, requestInputErrors, schema, type Context } from '@ops-hub/schema'
import { authenticate, ChannelIdCache, type Authentication } from './auth.ts'
import { createLogger, type Logger } from './logger.ts'
import { createHubPubSub } from './realtime/pubsub.ts'
import { redisTopicLease } from './realtime/redis-lease.ts'
import { useSharedSubscriptionExecution } from './realtime/shared-subscription-execution.ts'
import { LiveMetrics } from '@ops-hub/analytics'
import { OUTBOX_TOPIC, startOutboxRelay } from './realtime/outbox-relay.ts'
import { startJobs, type Job } from './jobs.ts'
import { inventoryJobs } from './inventory-jobs.ts'
import { startFeedFreshnessWorker } from './feed-freshness-worker.ts'
import { startReplenishmentWorker } from './workers/replenishment-worker.ts'
import { procurementJobs } from './procurement-jobs.ts'
import { routeHttp, type HttpRoute } from './http/router.ts'
import { RateLimiter, type RateLimitOptions } from './rate-limit.ts'
import { demoSignInRoutes } from './http/demo-sign-in.ts'
import { carrierWebhookRoutes } from './http/carrier-webhook.ts'

export interface AppOptions {
  /** An open database (tests share one); otherwise opened from databaseUrl/dataDir. */
  db?: Database
  databaseUrl?: string
  dataDir?: string
  /** Signs and verifies bearer tokens. */
  secret: string
  /** Shared secret for carrier webhook signatures. */
  carrierWebhookSecret?: string
  redisUrl?: string
  logger?: Logger
  /** Background jobs (escalation, reconciliation...). Off in most tests for determinism. */
  jobs?: boolean
  /** Outbox relay poll interval. */
  relayIntervalMs?: number
  /** Per-client request budgets (defaults in rate-limit.ts). */
  rateLimits?: RateLimitOptions
  /** Serve POST /auth/demo-token (any role, no password): only for the embedded demo. */
  demoSignIn?: boolean
}

export interface App {
  db: Database
  yoga: YogaServerInstance<ServerContext, Context>
  server: http.Server
  /** Base URL once started, e.g. http://127.0.0.1:4000 */
  url: string
  start(port?: number, host?: string): Promise<string>
  stop(): Promise<void>
}

export type ServerContext = { req?: http.IncomingMessage; connectionParams?: Record<string, unknown> }

// Limits for the public API: reject abusive documents during validation, before any resolver runs.
const armor = EnvelopArmorPlugin({
  maxDepth: { n: 12, ignoreIntrospection: true },
  maxAliases: { n: 30 },
  maxTokens: { n: 5000 },
  maxDirectives: { n: 20 },
  // Cost is measured by Pothos complexity (connections cost `first` x selection), which is precise.
  costLimit: { enabled: false },
  blockFieldSuggestion: { enabled: true },
})

/** Instances on the same PostgreSQL database share live topics in Redis; any other hub on that Redis is kept apart. */
async function liveNamespace(db: Database): Promise<string> {
  if (db.kind !== 'postgres') return `embedded-${crypto.randomUUID()}`
  const [row] = await db.prisma.$queryRaw<Array<{ name: string }>>`SELECT current_database() AS name`
  return `db-${row.name}`
}

/** Builds the hub's HTTP + WebSocket server around the Pothos schema; tests call it in-process. */
export async function buildApp(options: AppOptions): Promise<App> {
  const logger = options.logger ?? createLogger()
  const ownsDb = !options.db
  const db = options.db ?? (await openDatabase({ databaseUrl: options.databaseUrl, dataDir: options.dataDir }))
  if (ownsDb) await db.migrate()
  const { pubsub, redis, close: closePubSub } = createHubPubSub(options.redisUrl)
  const namespace = redis ? await liveNamespace(db) : undefined
  // Domain events are namespaced like snapshots, so hubs on other databases sharing this Redis never see them.
  const outboxTopic = namespace ? `${namespace}:${OUTBOX_TOPIC}` : OUTBOX_TOPIC
  const live = new LiveMetrics({
    prisma: db.prisma,
    pubsub,
    outboxTopic,
    lease: redis ? redisTopicLease(redis) : undefined,
    namespace,
    onError: (err, what) => logger.error({ err }, `${what} failed`),
  }).start()
  const channelIds = new ChannelIdCache()
  const rateLimiter = new RateLimiter(options.rateLimits)
  const httpAuth = new WeakMap<Request, { ok: true; auth: Authentication } | { ok: false; error: unknown }>()

  const yoga = createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: { title: 'Ops Hub API', headers: JSON.stringify({ Authorization: 'Bearer <token from npm run token>' }) },
    logging: {
      debug: (...a) => logger.debug(a.map(String).join(' ')),
      info: (...a) => logger.info(a.map(String).join(' ')),
      warn: (...a) => logger.warn(a.map(String).join(' ')),
      error: (...a) => logger.error(a.map(String).join(' ')),
    },
    maskedErrors: {
      maskError(error, message) {
        const refusal = error instanceof GraphQLError ? clientErrorOf(error) : null
        if (refusal) return refusal
        const original = (error as GraphQLError).originalError ?? error
        if (error instanceof GraphQLError && !(error.originalError && !(error.originalError instanceof GraphQLError))) return error
        logger.error({ err: original }, 'unexpected error (masked for the client)')
        return new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } })
      },
    },
    context: async ({ request, connectionParams }): Promise<Context> => {
      const settled = request ? httpAuth.get(request) : undefined
      if (settled && !settled.ok) throw settled.error
      const auth: Authentication =
        settled?.ok ? settled.auth : await authenticate(connectionParams?.authorization as string | undefined, options.secret, db.prisma, channelIds)
      return { db, prisma: db.prisma, pubsub, live, ...auth }
    },
    plugins: [
      armor,
      useSharedSubscriptionExecution(),
      <Plugin<ServerContext>>{
        // Authenticate once per HTTP request, before validation, so validation rules can depend on the role.
        async onParams({ request }) {
          let auth: Authentication
          try {
            auth = await authenticate(request.headers.get('authorization'), options.secret, db.prisma, channelIds)
            httpAuth.set(request, { ok: true, auth })
          } catch (error) {
            httpAuth.set(request, { ok: false, error })
            return
          }
          const client = auth.actor?.id ?? `ip:${request.headers.get('x-forwarded-for')?.split(',')[0].trim() ?? 'local'}`
          rateLimiter.take(client, auth.actor !== null && STAFF_ROLES.includes(auth.actor.role))
        },
        // Page sizes and NUL characters depend on the variables: checked per request, after the cached validation.
        onExecute({ args, setResultAndStopExecution }) {
          const errors = requestInputErrors(args.schema, args.document, args.variableValues)
          if (errors.length) setResultAndStopExecution({ errors })
        },
        onSubscribe({ args, setResultAndStopExecution }) {
          const errors = requestInputErrors(args.schema, args.document, args.variableValues)
          if (errors.length) setResultAndStopExecution({ errors })
        },
        // Introspection is for staff; partners and anonymous callers get the published schema.graphql instead.
        onValidate({ addValidationRule, context }) {
          const request = (context as { request?: Request }).request
          const settled = request ? httpAuth.get(request) : undefined
          if (settled && !settled.ok) throw settled.error
          const actor = settled?.ok ? settled.auth.actor : null
          if (!actor || !STAFF_ROLES.includes(actor.role)) addValidationRule(NoSchemaIntrospectionCustomRule)
        },
      },
    ],
  })

  const routes: HttpRoute[] = [
    ...(options.demoSignIn ? demoSignInRoutes(options.secret) : []),
    ...carrierWebhookRoutes(db, options.carrierWebhookSecret, logger),
  ]
  const server = http.createServer((req, res) => {
    void routeHttp(routes, req, res).then((handled) => {
      if (!handled) void yoga.requestListener(req, res)
    })
  })

  const wss = new WebSocketServer({ server, path: '/graphql' })
  const wsServer = useServer<Record<string, unknown>>(
    {
      // Refuse the socket outright when the token is missing or does not verify.
      onConnect: async (ctx) => {
        try {
          const auth = await authenticate(ctx.connectionParams?.authorization as string | undefined, options.secret, db.prisma, channelIds)
          return auth.actor !== null
        } catch {
          return false
        }
      },
      execute: (args) => (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args) as never,
      subscribe: (args) => (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        const { schema: s, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          connectionParams: ctx.connectionParams,
        })
        let document
        try {
          document = parse(params.query)
        } catch (err) {
          return [err as GraphQLError]
        }
        const args = {
          schema: s,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        }
        const errors = validate(args.schema, args.document)
        if (errors.length) return errors
        return args
      },
    },
    wss,
  )

  const relay = startOutboxRelay(db, pubsub, logger, options.relayIntervalMs, outboxTopic)
  // Part of the feed import's contract (its freshness gain lands after commit), so it runs even with jobs off.
  const feedFreshness = startFeedFreshnessWorker(db, pubsub, outboxTopic, logger)
  // Part of the replenishment contract (a reservation below the reorder point yields a suggestion within seconds).
  const replenishment = startReplenishmentWorker(db, pubsub, outboxTopic, logger)
  const jobList: Job[] = [
    // Overdue exceptions climb in severity and owner; each row is escalated once even with several instances.
    { name: 'escalate-overdue-exceptions', everyMs: 60_000, run: () => inTransaction(db.prisma, (tx) => escalateOverdueExceptions(tx)) },
    ...inventoryJobs(db),
    ...procurementJobs(db),
  ]
  const jobs = options.jobs ? startJobs(jobList, logger) : { stop: async () => {} }

  const app: App = {
    db,
    yoga,
    server,
    url: '',
    start(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, host, () => {
          const addr = server.address() as AddressInfo
          app.url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${addr.port}`
          resolve(app.url)
        })
      })
    },
    async stop() {
      await jobs.stop()
      await feedFreshness.stop()
      await replenishment.stop()
      await relay.stop()
      await live.stop()
      await wsServer.dispose()
      wss.close()
      server.closeAllConnections?.()
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()))
      await closePubSub()
      if (ownsDb) await db.close()
    },
  }
  return app
}
