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
import { predictionJobs } from './prediction-jobs.ts'
import { startFeedFreshnessWorker } from './feed-freshness-worker.ts'
import { startReplenishmentWorker } from './workers/replenishment-worker.ts'
import { procurementJobs } from './procurement-jobs.ts'
import { routeHttp, type HttpRoute } from './http/router.ts'
import { InProcessBuckets, RedisBuckets } from './rate-limit.ts'
import { useQueryCost } from './query-cost-plugin.ts'
import { SettingsCache } from './settings-cache.ts'
import { requestStatementCounter } from './statement-count.ts'
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations'
import { loadDashboardOperations, mayRunArbitraryOperations, PersistedOperationStore } from './persisted-operations.ts'
import { demoSignInRoutes } from './http/demo-sign-in.ts'
import { carrierWebhookRoutes } from './http/carrier-webhook.ts'
import { paymentWebhookRoutes } from './http/payment-webhook.ts'
import { startBackorderWorker } from './workers/backorder-worker.ts'
import { startNodeAutomationWorker } from './workers/node-automation-worker.ts'
import { idempotencyPurgeJob } from './workers/idempotency-purge.ts'
import { startWebhookWorker, type WebhookWorkerOptions } from './workers/webhook-deliveries.ts'
import { startScenarioRunner, type ScenarioRunnerOptions } from './workers/scenario-runner.ts'

export interface AppOptions {
  /** An open database (tests share one); otherwise opened from databaseUrl/dataDir. */
  db?: Database
  databaseUrl?: string
  dataDir?: string
  /** Signs and verifies bearer tokens. */
  secret: string
  /** Shared secret for carrier webhook signatures. */
  carrierWebhookSecret?: string
  /** Shared secret for payment webhook signatures (POST /webhooks/payment); the route is off without it. */
  paymentWebhookSecret?: string
  redisUrl?: string
  logger?: Logger
  /** Background jobs (escalation, reconciliation...). Off in most tests for determinism. */
  jobs?: boolean
  /** Outbox relay poll interval. */
  relayIntervalMs?: number
  /**
   * Throttle clients by query cost (leaky bucket per key or user, setting api.costLimits). Default on; off
   * (HUB_RATE_LIMIT=off) for benchmarks and capacity checks: costs are still reported and capped per query.
   */
  rateLimit?: boolean
  /** Serve POST /auth/demo-token (any role, no password): only for the embedded demo. */
  demoSignIn?: boolean
  /** The dashboard's persisted operations (hash -> document); extracted from apps/web's documents when absent. */
  persistedOperations?: Map<string, string>
  /** Outbound webhooks: private receivers allowed (HUB_WEBHOOKS_ALLOW_PRIVATE=1), retry schedule, poll interval. */
  webhooks?: Partial<WebhookWorkerOptions>
  /** The scenario lab's runner (startScenarioRun's runs): on by default, `false` for an instance that runs none. */
  scenarioRunner?: ScenarioRunnerOptions | false

  /** Answer every HTTP request with the number of SQL statements it caused (header x-sql-statements): tests, benches. */
  reportStatements?: boolean
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
  const settings = new SettingsCache(db.prisma)
  const persisted = new PersistedOperationStore(db.prisma, options.persistedOperations ?? (await loadDashboardOperations()))
  const actorOf = (request: Request) => {
    const settled = httpAuth.get(request)
    return settled?.ok ? settled.auth.actor : null
  }
  const buckets = options.rateLimit === false ? null : redis ? new RedisBuckets(redis, namespace ?? 'ops-hub') : new InProcessBuckets()
  const httpAuth = new WeakMap<Request, { ok: true; auth: Authentication } | { ok: false; error: unknown }>()
  const statements = options.reportStatements ? requestStatementCounter(db) : null

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
      return { db, prisma: db.prisma, pubsub, live, allowPrivateWebhooks: options.webhooks?.allowPrivate ?? false, ...auth }
    },
    plugins: [
      armor,
      useSharedSubscriptionExecution(),
      <Plugin<ServerContext>>{
        // Authenticate once per HTTP request, before validation, so validation rules can depend on the role.
        async onParams({ request }) {
          try {
            httpAuth.set(request, { ok: true, auth: await authenticate(request.headers.get('authorization'), options.secret, db.prisma, channelIds) })
          } catch (error) {
            httpAuth.set(request, { ok: false, error })
          }
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
      // After authentication (above): whether a caller may send operations as text depends on its role or key.
      usePersistedOperations({
        getPersistedOperation: (hash) => persisted.get(hash),
        allowArbitraryOperations: (request) => mayRunArbitraryOperations(settings, actorOf(request) ?? null),
        customErrors: {
          persistedQueryOnly: {
            message: 'This client may only run persisted operations: send extensions.persistedQuery.sha256Hash of an operation on the allow-list',
            extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED' },
          },
        },
      }),
      // After the per-request input checks above: a page size over the limit is refused as such, not as a cost.
      useQueryCost({ buckets, settings, actorOf }),
      ...(statements ? [statements.plugin] : []),
    ],
  })

  const routes: HttpRoute[] = [
    ...(options.demoSignIn ? demoSignInRoutes(options.secret) : []),
    ...carrierWebhookRoutes(db, options.carrierWebhookSecret, logger),
    ...paymentWebhookRoutes(db, options.paymentWebhookSecret, logger),
  ]
  const handle = (req: http.IncomingMessage, res: http.ServerResponse) =>
    void routeHttp(routes, req, res).then((handled) => {
      if (!handled) void yoga.requestListener(req, res)
    })
  const server = http.createServer(statements ? (req, res) => statements.run(() => handle(req, res)) : handle)

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
        // Persisted operations over the socket too: a hash from the allow-list, or text where the caller may send it.
        const contextValue = await contextFactory()
        const hash = (params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash
        let text = params.query
        if (typeof hash === 'string') {
          const found = await persisted.get(hash)
          if (!found) return [new GraphQLError('PersistedQueryNotFound', { extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } })]
          text = found
        } else if (!(await mayRunArbitraryOperations(settings, contextValue.actor))) {
          return [new GraphQLError('This client may only run persisted operations: send extensions.persistedQuery.sha256Hash', { extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED' } })]
        }
        let document
        try {
          document = parse(text)
        } catch (err) {
          return [err as GraphQLError]
        }
        const args = {
          schema: s,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue,
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
  const webhooks = startWebhookWorker(db, pubsub, outboxTopic, logger, { allowPrivate: false, ...options.webhooks })
  // Part of the replenishment contract (a reservation below the reorder point yields a suggestion within seconds).
  const replenishment = startReplenishmentWorker(db, pubsub, outboxTopic, logger)
  // Part of startScenarioRun's contract (a queued run gets run), so it runs even with jobs off.
  const scenarios = options.scenarioRunner === false ? null : startScenarioRunner(db, pubsub, outboxTopic, logger, options.scenarioRunner)
  const jobList: Job[] = [
    // Overdue exceptions climb in severity and owner; each row is escalated once even with several instances.
    { name: 'escalate-overdue-exceptions', everyMs: 60_000, run: () => inTransaction(db.prisma, (tx) => escalateOverdueExceptions(tx)) },
    ...inventoryJobs(db),
    idempotencyPurgeJob(db),
    ...predictionJobs(db),
    ...procurementJobs(db),
  ]
  const jobs = options.jobs ? startJobs(jobList, logger) : { stop: async () => {} }
  // Orchestration: backorders served from arriving stock, automatic release and waves per node (event-driven, with backstops).
  const workers = options.jobs ? [startBackorderWorker(db, pubsub, outboxTopic, logger), startNodeAutomationWorker(db, pubsub, outboxTopic, logger)] : []

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
      await Promise.all(workers.map((w) => w.stop()))
      await feedFreshness.stop()
      await webhooks.stop()
      await replenishment.stop()
      await scenarios?.stop()
      await relay.stop()
      await live.stop()
      await wsServer.dispose()
      wss.close()
      server.closeAllConnections?.()
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()))
      await closePubSub()
      statements?.stop()
      if (ownsDb) await db.close()
    },
  }
  return app
}
