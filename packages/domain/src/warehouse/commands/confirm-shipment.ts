import { z } from 'zod'
import type { Tx } from '@ops-hub/db'
import type { Actor } from '../../shared/actor.ts'
import { isUniqueViolation, userError } from '../../shared/errors.ts'
import { parseInput } from '../../shared/validation.ts'
import { recordEvents } from '../../shared/outbox.ts'
import { moveStock } from '../../inventory/ledger.ts'
import { fulfillmentMachine } from '../../orders/fulfillment.machine.ts'
import { holidaysFor, projectDelivery } from '../../shipments/delivery-projection.ts'
import { illegal, moveFulfillmentStatus, moveOrderStatusIfAllowed } from '../status-moves.ts'
import { announceStock, releaseChannelUnits } from '../stock-events.ts'
import { lockFulfillmentOrder } from '../locks.ts'

export const confirmShipmentInput = z.object({
  fulfillmentOrderId: z.number().int().positive(),
  carrier: z.string().trim().min(1, 'Carrier is required').max(64),
  service: z.string().trim().min(1, 'Service is required').max(64),
  trackingNumber: z.string().trim().min(4, 'Tracking number looks too short').max(64).regex(/^[A-Za-z0-9-]+$/, 'Tracking number: letters, digits and "-" only'),
  weightGrams: z.number().int().min(1, 'Weight must be positive').max(1_000_000).nullish(),
})

/**
 * Ships a PACKED fulfillment order: a Shipment with its LABEL_CREATED milestone and a projected delivery from the
 * carrier service's transit time; every picked unit leaves the ledger (reserved -> shipped: on-hand and reserved
 * both drop); allocations SHIPPED, line shipped quantities up; the order becomes SHIPPED when every line is fully
 * shipped (or cancelled), else PARTIALLY_SHIPPED.
 */
export async function confirmShipment(tx: Tx, rawInput: z.input<typeof confirmShipmentInput>, actor: Actor, now = new Date()) {
  const input = parseInput(confirmShipmentInput, rawInput)
  await lockFulfillmentOrder(tx, input.fulfillmentOrderId)
  const fo = await tx.fulfillmentOrder.findUnique({
    where: { id: input.fulfillmentOrderId },
    include: {
      order: { select: { id: true, status: true, number: true } },
      location: { select: { id: true, code: true, timezone: true } },
      allocations: {
        where: { status: { in: ['RESERVED', 'PICKED'] } },
        include: { orderLine: { select: { id: true, skuId: true } }, pickTasks: { select: { status: true, pickedQuantity: true } } },
      },
    },
  })
  if (!fo) throw userError('NOT_FOUND', 'Fulfillment order not found', ['input', 'fulfillmentOrderId'])
  if (fo.order.status === 'CANCELLED') throw illegal(`Order ${fo.order.number} was cancelled`, ['input', 'fulfillmentOrderId'])
  fulfillmentMachine.assertTransition(fo.status, 'SHIPPED', ['input', 'fulfillmentOrderId'])

  const carrierService = await tx.carrierService.findUnique({ where: { carrier_service: { carrier: input.carrier, service: input.service } } })
  if (!carrierService || !carrierService.active) {
    throw userError('NOT_FOUND', `No active carrier service ${input.carrier} ${input.service}`, ['input', 'service'])
  }

  const shippedAt = now
  const projectedDeliveryAt = projectDelivery({
    shippedAt,
    transitDays: carrierService.transitDaysMean,
    timezone: fo.location.timezone,
    holidays: await holidaysFor(tx, fo.location.id),
  })
  const taken = await tx.shipment.findUnique({ where: { trackingNumber: input.trackingNumber }, select: { id: true } })
  if (taken) throw userError('ALREADY_EXISTS', `Tracking number ${input.trackingNumber} is already used`, ['input', 'trackingNumber'])
  let shipment
  try {
    shipment = await tx.shipment.create({
      data: {
        fulfillmentOrderId: fo.id, orderId: fo.orderId, carrier: input.carrier, service: input.service, trackingNumber: input.trackingNumber,
        weightGrams: input.weightGrams ?? null, status: 'LABEL_CREATED', statusAt: shippedAt, shippedAt, projectedDeliveryAt,
      },
    })
  } catch (err) {
    // A concurrent shipment took the number between the check and the insert.
    if (isUniqueViolation(err)) throw userError('ALREADY_EXISTS', `Tracking number ${input.trackingNumber} is already used`, ['input', 'trackingNumber'])
    throw err
  }
  await tx.shipmentMilestone.create({
    data: { shipmentId: shipment.id, status: 'LABEL_CREATED', occurredAt: shippedAt, source: 'warehouse', description: `Label created by ${actor.id}` },
  })

  let units = 0
  for (const allocation of fo.allocations) {
    const picked = allocation.pickTasks.reduce((s, t) => s + t.pickedQuantity, 0)
    // Short picks already shrank the allocation to what was picked; a difference here is a bug, not a business case.
    if (picked !== allocation.quantity) throw new Error(`Allocation ${allocation.id}: picked ${picked} but allocated ${allocation.quantity}`)
    const position = await moveStock(tx, {
      skuId: allocation.orderLine.skuId, locationId: fo.locationId, type: 'SHIPPED', deltas: { onHand: -picked, reserved: -picked },
      actor, orderId: fo.orderId, referenceDocumentUri: `shipment:${shipment.trackingNumber}`,
    })
    await announceStock(tx, position, 'shipped')
    await tx.allocation.update({ where: { id: allocation.id }, data: { status: 'SHIPPED' } })
    await tx.orderLine.update({ where: { id: allocation.orderLine.id }, data: { shippedQuantity: { increment: picked } } })
    await releaseChannelUnits(tx, fo.orderId, allocation.orderLine.skuId, picked)
    units += picked
  }

  await moveFulfillmentStatus(tx, fo.id, 'SHIPPED', actor, {
    title: `Shipped with ${input.carrier} ${input.service}`,
    detail: `${fo.number} from ${fo.location.code}: ${units} unit(s), tracking ${input.trackingNumber}`,
    data: { shippedAt },
  })
  await tx.order.update({ where: { id: fo.orderId }, data: { parcels: { increment: 1 } } })
  // A bundle line ships through its component lines (order maintenance, bundle-lines.ts).
  const lines = await tx.orderLine.findMany({ where: { orderId: fo.orderId, isBundle: false }, select: { quantity: true, shippedQuantity: true, cancelledQuantity: true } })
  const complete = lines.every((l) => l.shippedQuantity + l.cancelledQuantity >= l.quantity)
  await moveOrderStatusIfAllowed(tx, fo.orderId, complete ? 'SHIPPED' : 'PARTIALLY_SHIPPED', actor, {
    title: complete ? 'Shipped' : 'Partially shipped',
    detail: `Tracking ${input.trackingNumber} (${input.carrier} ${input.service})`,
    data: complete ? { shippedAt } : undefined,
  })
  await recordEvents(tx, [
    {
      topic: 'shipment.changed',
      aggregateType: 'Shipment',
      aggregateId: shipment.id,
      payload: { status: 'LABEL_CREATED', orderId: fo.orderId, trackingNumber: shipment.trackingNumber, carrier: shipment.carrier },
    },
  ])
  return { shipment, units }
}
