import { userError } from './errors.ts'

/**
 * A state machine as data: the allowed moves per state, checked in one place. Every aggregate with a
 * status (order, fulfillment order, exception) declares its table with this, so an illegal move is always
 * the same typed ILLEGAL_TRANSITION user error and the API can expose `nextStates` for buttons.
 */
export function defineStateMachine<S extends string>(name: string, initial: S, transitions: Record<S, readonly S[]>) {
  return {
    name,
    initial,
    transitions,
    states: Object.keys(transitions) as S[],
    nextStates: (from: S): readonly S[] => transitions[from] ?? [],
    can: (from: S, to: S): boolean => (transitions[from] ?? []).includes(to),
    /** Throws ILLEGAL_TRANSITION (nothing is written: the transaction rolls back) when `to` is not allowed from `from`. */
    assertTransition(from: S, to: S, field: string[] | null = null): void {
      if (!(transitions[from] ?? []).includes(to)) {
        throw userError('ILLEGAL_TRANSITION', `${name} cannot go from ${from} to ${to}`, field)
      }
    },
  }
}

export type StateMachine<S extends string> = ReturnType<typeof defineStateMachine<S>>

/** States reachable from the initial state (tests use it to prove no state is dead). */
export function reachableStates<S extends string>(machine: StateMachine<S>): Set<S> {
  const seen = new Set<S>([machine.initial])
  const queue: S[] = [machine.initial]
  while (queue.length) {
    for (const next of machine.nextStates(queue.shift()!)) {
      if (!seen.has(next)) {
        seen.add(next)
        queue.push(next)
      }
    }
  }
  return seen
}
