import { createSourceEventStream, execute, Kind, print, type ExecutionResult, type OperationDefinitionNode } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import type { Context } from '@ops-hub/schema'

/**
 * Subscription fields whose pushed value depends only on the snapshot and the arguments, never on who
 * is watching (access is decided once, at subscribe time). Everything else executes per subscriber.
 */
const VIEWER_INDEPENDENT = new Set(['orderAging', 'inventoryConfidence', 'pickBacklog', 'exceptionsChanged'])

function rootFields(op: OperationDefinitionNode | undefined): string[] {
  return op?.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : ['<fragment>'])) ?? ['<none>']
}

function mapAsync<T, U>(source: AsyncIterable<T>, fn: (value: T) => U | Promise<U>): AsyncIterableIterator<U> {
  const it = source[Symbol.asyncIterator]()
  return {
    async next() {
      const r = await it.next()
      return r.done ? { value: undefined, done: true } : { value: await fn(r.value), done: false }
    },
    async return() {
      await it.return?.()
      return { value: undefined, done: true }
    },
    async throw(err) {
      await it.return?.()
      throw err
    },
    [Symbol.asyncIterator]() {
      return this
    },
  }
}

/**
 * One snapshot pushed to 10,000 subscribers of the same document would otherwise be executed 10,000 times
 * (graphql-js runs the selection set per subscriber per event). For viewer-independent live metrics the
 * result is computed once per (snapshot, document, variables, role) and the same result is sent to all.
 */
export function useSharedSubscriptionExecution(): Plugin {
  const results = new WeakMap<object, Map<string, Promise<ExecutionResult> | ExecutionResult>>()
  return {
    onSubscribe({ args, setSubscribeFn }) {
      const op = (args.document.definitions as readonly OperationDefinitionNode[]).find(
        (d) => d.kind === Kind.OPERATION_DEFINITION && (!args.operationName || d.name?.value === args.operationName),
      )
      if (!rootFields(op).every((f) => VIEWER_INDEPENDENT.has(f))) return
      const actor = (args.contextValue as unknown as Context).actor
      const key = `${actor?.role}/${actor?.channelCode ?? ''}\n${print(op!)}\n${JSON.stringify(args.variableValues ?? {})}`
      setSubscribeFn(async (subscribeArgs) => {
        const stream = await createSourceEventStream(subscribeArgs)
        if (!(Symbol.asyncIterator in stream)) return stream
        return mapAsync(stream as AsyncIterable<unknown>, (payload) => {
          if (payload === null || typeof payload !== 'object') return execute({ ...subscribeArgs, rootValue: payload })
          let byKey = results.get(payload)
          if (!byKey) results.set(payload, (byKey = new Map()))
          let result = byKey.get(key)
          if (!result) byKey.set(key, (result = execute({ ...subscribeArgs, rootValue: payload })))
          return result
        })
      })
    },
  }
}
