'use client'

import { useEffect, useState } from 'react'
import { useQuery, useSubscription, type AnyVariables } from 'urql'

export type LiveStatus = 'connecting' | 'live' | 'stale' | 'offline'

/** A snapshot older than this (the server refreshes every 30 s even without events) means pushes stopped. */
const STALE_AFTER_MS = 75_000

/**
 * One live metric: the Query renders it before the socket opens, the Subscription (same snapshot type)
 * replaces it on every push. Both documents select the same fields, so the view reads one shape.
 */
export function useLiveSnapshot<T extends { asOf: string }, V extends AnyVariables>(
  query: string,
  subscription: string,
  variables: V,
  field: string,
): { data: T | undefined; status: LiveStatus; error: ReturnType<typeof useQuery>[0]['error']; fetching: boolean } {
  const [initial] = useQuery<Record<string, T>, V>({ query, variables })
  const [live] = useSubscription<Record<string, T>, Record<string, T>, V>({ query: subscription, variables })
  const fromQuery = initial.data?.[field]
  const fromSocket = live.data?.[field]
  const data = fromSocket && (!fromQuery || Date.parse(fromSocket.asOf) >= Date.parse(fromQuery.asOf)) ? fromSocket : fromQuery
  const now = useNow(10_000)
  const status: LiveStatus = live.error
    ? 'offline'
    : !fromSocket
      ? 'connecting'
      : now - Date.parse(fromSocket.asOf) > STALE_AFTER_MS
        ? 'stale'
        : 'live'
  return { data, status, error: initial.error ?? live.error, fetching: initial.fetching && !data }
}

function useNow(everyMs: number) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(t)
  }, [everyMs])
  return now
}
