import type { PubSub as YogaPubSub } from 'graphql-yoga'

/**
 * Topics pushed to subscribers. Snapshots are computed once per topic and fanned out, so the payload
 * is the finished value each subscriber receives.
 */
export type PubSubChannels = {
  [topic: string]: [payload: unknown]
}

export type PubSub = YogaPubSub<PubSubChannels>
