import type { Tx } from '@ops-hub/db'
import { recordEvents } from '../shared/outbox.ts'
import type { MovedPosition } from '../inventory/ledger.ts'

/** Every ledger movement is announced after commit so stock views and live metrics refresh. */
export async function announceStock(tx: Tx, position: MovedPosition, cause: string) {
  await recordEvents(tx, [
    {
      topic: 'stock.changed',
      aggregateType: 'StockPosition',
      aggregateId: position.id,
      payload: {
        skuId: position.skuId,
        locationId: position.locationId,
        onHand: position.onHand,
        reserved: position.reserved,
        available: position.available,
        cause,
      },
    },
  ])
}

/** Keeps the channel's reserved-units counter in step when reserved units leave (shipped or backordered). */
export async function releaseChannelUnits(tx: Tx, orderId: number, skuId: number, units: number) {
  if (units <= 0) return
  await tx.$executeRaw`
    UPDATE channel_reservations SET reserved = GREATEST(reserved - ${units}, 0)
    WHERE sku_id = ${skuId} AND channel_id = (SELECT channel_id FROM orders WHERE id = ${orderId})`
}
