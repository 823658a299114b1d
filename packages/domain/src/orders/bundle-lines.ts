/** The counters every order line keeps. */
export interface LineCounters {
  quantity: number
  allocatedQuantity: number
  backorderedQuantity: number
  shippedQuantity: number
  cancelledQuantity: number
  returnedQuantity: number
}

/** Units of a component line that make one bundle: its quantity over the bundle line's (exact by construction). */
export function unitsPerBundle(component: { quantity: number }, bundle: { quantity: number }): number {
  return Math.max(1, Math.round(component.quantity / Math.max(1, bundle.quantity)))
}

/**
 * A bundle line's progress, derived from its component lines (it is never allocated, picked or shipped itself):
 * a bundle counts as allocated, shipped, cancelled or returned when every component has that many sets of its
 * units, and as backordered when any component still waits for stock for it.
 */
export function bundleProgress(bundle: { quantity: number; cancelledQuantity: number }, components: Array<LineCounters>): Omit<LineCounters, 'quantity'> {
  if (components.length === 0) {
    return { allocatedQuantity: 0, backorderedQuantity: 0, shippedQuantity: 0, cancelledQuantity: bundle.cancelledQuantity, returnedQuantity: 0 }
  }
  const sets = (pick: (c: LineCounters) => number, round: (n: number) => number, combine: (a: number, b: number) => number) =>
    components.map((c) => round(pick(c) / unitsPerBundle(c, bundle))).reduce((a, b) => combine(a, b))
  const allocated = sets((c) => c.allocatedQuantity, Math.floor, Math.min)
  const shipped = sets((c) => c.shippedQuantity, Math.floor, Math.min)
  const cancelled = sets((c) => c.cancelledQuantity, Math.floor, Math.min)
  const returned = sets((c) => c.returnedQuantity, Math.floor, Math.min)
  // Never more bundles waiting than are neither placed, shipped nor cancelled.
  const backordered = Math.min(sets((c) => c.backorderedQuantity, Math.ceil, Math.max), Math.max(0, bundle.quantity - allocated - cancelled))
  return { allocatedQuantity: allocated, backorderedQuantity: backordered, shippedQuantity: shipped, cancelledQuantity: cancelled, returnedQuantity: returned }
}
