// Public entry of @ops-hub/analytics: live operational metrics computed from events, no GraphQL knowledge.
export * from './snapshots/order-aging.ts'
export * from './snapshots/inventory-confidence.ts'
export * from './snapshots/pick-backlog.ts'
export * from './snapshots/exception-summary.ts'
export * from './snapshots/replenishment-risk.ts'
export { topicKey, dirtFor, type TopicSpec, type MetricName, type OutboxEventLike, type Dirt } from './live/topics.ts'
export { LiveMetrics, UnknownLocationError, localLease, type LiveMetricsOptions, type TopicLease, type HubPubSub, type Snapshot, type SnapshotOf } from './live/live-metrics.ts'
export { scoreForecasts, formatForecastScore, type Forecast, type ForecastScore, type CalibrationBin } from './backtest/scoring.ts'
