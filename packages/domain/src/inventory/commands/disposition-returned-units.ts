import type { ReturnDisposition, Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { moveStock, type BucketDeltas } from '../ledger.ts'
import { stockAvailableEvent } from '../stock-available.ts'

export interface DispositionReturnedUnitsInput {
  skuId: number
  locationId: number
  quantity: number
  disposition: ReturnDisposition
  actor: Actor
  /** The RMA or return line the units came back on, e.g. `rma:RMA-12/line/3`. */
  reference: string
  orderId?: number
}

const DELTAS: Record<ReturnDisposition, (q: number) => BucketDeltas> = {
  RESTOCK: (q) => ({ onHand: q }),
  // Damaged returns are in the building (onHand) but never sellable until released or written off.
  DAMAGED: (q) => ({ onHand: q, damaged: q }),
  // Scrapped or vendor-bound units never become stock here: the ledger still records that they came back.
  SCRAP: () => ({}),
  RETURN_TO_VENDOR: () => ({}),
}

/**
 * Puts inspected returned units where their disposition says (called by returns inspection in its transaction):
 * RESTOCK -> sellable on hand, DAMAGED -> on hand and damaged, SCRAP / RETURN_TO_VENDOR -> a RETURNED ledger
 * event with no stock, so every returned unit is accounted for.
 */
export async function dispositionReturnedUnits(tx: Tx, input: DispositionReturnedUnitsInput) {
  if (!Number.isInteger(input.quantity) || input.quantity <= 0) throw userError('INVALID_INPUT', 'Returned quantity must be a positive whole number', ['input', 'quantity'])
  const position = await moveStock(tx, {
    skuId: input.skuId,
    locationId: input.locationId,
    type: 'RETURNED',
    deltas: DELTAS[input.disposition](input.quantity),
    actor: input.actor,
    reasonCode: input.disposition,
    referenceDocumentUri: input.reference,
    orderId: input.orderId,
    metadata: { quantity: input.quantity, disposition: input.disposition },
  })
  await recordEvents(tx, [
    { topic: 'stock.changed', aggregateType: 'StockPosition', aggregateId: position.id, payload: { skuId: input.skuId, locationId: input.locationId, disposition: input.disposition } },
    // Restocked units are sellable again: backorders of the SKU are served from them first.
    ...(input.disposition === 'RESTOCK' ? [stockAvailableEvent(input.locationId, [input.skuId], 'RETURN_RESTOCKED', input.reference)] : []),
  ])
  return position
}
