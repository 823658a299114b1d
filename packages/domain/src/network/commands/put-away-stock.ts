import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { userError } from '../../shared/errors.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { parseInput } from '../../shared/validation.ts'

export const putAwayStockInput = z.object({
  locationCode: z.string().trim().min(1, 'Location code is required'),
  binCode: z.string().trim().min(1, 'Bin code is required'),
  sku: z.string().trim().min(1, 'SKU is required'),
  quantity: z.number().int('Whole units only').positive('Quantity must be at least 1'),
})

/**
 * Puts units of a stock position on a bin's shelf. The units are already on hand, so the position's buckets and
 * the ledger do not move; the bins at the location may never hold more units of the SKU than its on-hand.
 */
export async function putAwayStock(tx: Tx, rawInput: z.input<typeof putAwayStockInput>, actor: Actor) {
  const input = parseInput(putAwayStockInput, rawInput)
  const location = await tx.location.findUnique({ where: { code: input.locationCode }, select: { id: true } })
  if (!location) throw userError('NOT_FOUND', `Location ${input.locationCode} does not exist`, ['input', 'locationCode'])
  const bin = await tx.bin.findUnique({ where: { locationId_code: { locationId: location.id, code: input.binCode } } })
  if (!bin) throw userError('NOT_FOUND', `Bin ${input.binCode} does not exist at ${input.locationCode}`, ['input', 'binCode'])
  if (!bin.active) throw userError('INVALID_INPUT', `Bin ${input.binCode} is inactive`, ['input', 'binCode'])
  const sku = await tx.sku.findUnique({ where: { code: input.sku }, select: { id: true } })
  if (!sku) throw userError('NOT_FOUND', `SKU ${input.sku} does not exist`, ['input', 'sku'])

  // Locking the position serializes put-aways (and picks that re-read it) of this SKU at this location.
  const [position] = await tx.$queryRaw<Array<{ on_hand: number }>>`
    SELECT on_hand FROM stock_positions WHERE sku_id = ${sku.id} AND location_id = ${location.id} FOR UPDATE`
  if (!position) throw userError('NOT_FOUND', `There is no stock of ${input.sku} at ${input.locationCode} to put away`, ['input', 'sku'])
  const shelved = await tx.binStock.aggregate({ where: { skuId: sku.id, bin: { locationId: location.id } }, _sum: { quantity: true } })
  const inBins = shelved._sum.quantity ?? 0
  const onHand = Number(position.on_hand)
  if (inBins + input.quantity > onHand) {
    throw userError(
      'INSUFFICIENT_STOCK',
      `${input.locationCode} has ${onHand} x ${input.sku} on hand and ${inBins} already in bins: at most ${Math.max(onHand - inBins, 0)} more can be put away`,
      ['input', 'quantity'],
    )
  }
  await tx.binStock.upsert({
    where: { binId_skuId: { binId: bin.id, skuId: sku.id } },
    create: { binId: bin.id, skuId: sku.id, quantity: input.quantity },
    update: { quantity: { increment: input.quantity } },
  })
  await recordEvents(tx, [
    { topic: 'network.changed', aggregateType: 'Bin', aggregateId: bin.id, payload: { skuId: sku.id, putAway: input.quantity, by: actor.id } },
  ])
  return bin
}
