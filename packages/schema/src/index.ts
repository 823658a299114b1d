// Public entry of @ops-hub/schema: the executable GraphQL schema and what the server needs around it.
export { schema } from './schema.ts'
export { MAX_PAGE_SIZE } from './builder.ts'
export { pageSizeRule } from './page-size-rule.ts'
export { clientErrorOf, requestInputErrors } from './input-errors.ts'
export type { Context } from './context.ts'
export type { PubSub, PubSubChannels } from './pubsub.ts'
export { requestedQueryCost, actualQueryCost, type RequestedCost } from './cost/query-cost.ts'
export { COST, LIST_ESTIMATES, FIELD_COSTS } from './cost/field-cost.ts'
