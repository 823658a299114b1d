import { z } from 'zod'
import type { InventoryEventType, Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { DomainError, userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { codeSchema, referenceUriSchema } from '../../shared/codes.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { moveStock, type BucketDeltas } from '../ledger.ts'
import { stockAvailableEvent } from '../stock-available.ts'
import { findSkuAndLocation } from '../lookups.ts'

const SEGREGATION = ['AVAILABLE', 'DAMAGED', 'QUALITY_CONTROL'] as const
type Segregation = (typeof SEGREGATION)[number]

export const segregateStockInput = z
  .object({
    sku: codeSchema,
    locationCode: codeSchema,
    quantity: z.number().int().positive('Quantity must be positive').max(1_000_000),
    from: z.enum(SEGREGATION).nullish(),
    to: z.enum(SEGREGATION),
    reason: z.string().trim().min(1, 'Say why (damage report, inspection result)').max(200),
    referenceDocumentUri: referenceUriSchema.nullish(),
  })
  .transform((v) => ({ ...v, from: v.from ?? (v.to === 'AVAILABLE' ? ('QUALITY_CONTROL' as const) : ('AVAILABLE' as const)) }))
  .refine((v) => v.from !== v.to, { path: ['to'], message: 'from and to must differ' })

const KEY = { DAMAGED: 'damaged', QUALITY_CONTROL: 'qualityControl' } as const

function eventType(from: Segregation, to: Segregation): InventoryEventType {
  if (to === 'DAMAGED') return 'DAMAGED'
  if (to === 'QUALITY_CONTROL') return 'QUALITY_HOLD'
  return from === 'QUALITY_CONTROL' ? 'QUALITY_RELEASED' : 'ADJUSTED'
}

/**
 * Moves units between sellable, DAMAGED and QUALITY_CONTROL without changing what is on hand: damaged and QC
 * units stay in the building but cannot be promised. Only unreserved units can be segregated, so no order loses
 * its stock; releasing after inspection (to AVAILABLE) makes them sellable again.
 */
export async function segregateStock(tx: Tx, rawInput: z.input<typeof segregateStockInput>, actor: Actor) {
  const input = parseInput(segregateStockInput, rawInput)
  const { sku, location } = await findSkuAndLocation(tx, input.sku, input.locationCode)
  const deltas: BucketDeltas = {}
  if (input.from !== 'AVAILABLE') deltas[KEY[input.from]] = -input.quantity
  if (input.to !== 'AVAILABLE') deltas[KEY[input.to]] = input.quantity
  try {
    const position = await moveStock(tx, {
      skuId: sku.id,
      locationId: location.id,
      type: eventType(input.from, input.to),
      deltas,
      actor,
      reasonCode: input.reason,
      referenceDocumentUri: input.referenceDocumentUri ?? undefined,
      metadata: { from: input.from, to: input.to },
      // Segregating sellable units must not eat into what is promised or protected.
      guard: input.from === 'AVAILABLE' ? 'available' : 'buckets',
    })
    await recordEvents(tx, [
      { topic: 'stock.changed', aggregateType: 'StockPosition', aggregateId: position.id, payload: { skuId: sku.id, locationId: location.id } },
      // Released back to sellable after inspection: backorders of the SKU are served from these units first.
      ...(input.to === 'AVAILABLE' ? [stockAvailableEvent(location.id, [sku.id], 'ADJUSTMENT', input.referenceDocumentUri ?? undefined)] : []),
    ])
    return tx.stockPosition.findUniqueOrThrow({ where: { id: position.id } })
  } catch (err) {
    if (err instanceof DomainError && err.errors[0]?.code === 'INSUFFICIENT_STOCK') {
      throw userError('INSUFFICIENT_STOCK', `Not enough ${input.from} units of ${sku.code} at ${location.code}: ${err.message}`, ['input', 'quantity'])
    }
    throw err
  }
}
