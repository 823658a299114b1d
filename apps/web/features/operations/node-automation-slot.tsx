'use client'

/**
 * WIRING POINT for per-node automation (issue 16 item 2, built in parallel by engineer `flow`: the
 * `configureNodeAutomation` mutation and its fields on `Location` - auto-release, release slot, auto-wave...).
 * Those fields are not in this branch's schema, so nothing is shown here yet rather than a guess: after the
 * merge, query the node's automation fields (add them to NODES_QUERY in workbench.graphql.ts) and render their
 * state and a form calling configureNodeAutomation in this component. NodeCard already renders it in place,
 * between the node's header (capacity, release, wave) and its queue.
 */
export function NodeAutomationSlot({ locationCode }: { locationCode: string }) {
  void locationCode
  return null
}
